/**
 * Duplicate keys in a JSON text. `JSON.parse` keeps the last of them silently, so a
 * config with `"domain"` twice would deploy the second without a word; the loader
 * refuses it instead, naming the key's JSON path.
 */

/** The JSON path (`dns.domain`, `operators.0`) of every key that repeats in its object. */
export function duplicateKeys(text: string): string[] {
  let i = 0;
  const found: string[] = [];
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++; // closing quote
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: readonly string[]): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        const key = string();
        if (seen.has(key)) found.push([...path, key].join('.'));
        seen.add(key);
        space();
        i++; // ':'
        value([...path, key]);
        space();
        if (text[i++] !== ',') return; // '}'
      }
    }
    if (c === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value([...path, String(n)]);
        space();
        if (text[i++] !== ',') return; // ']'
      }
    }
    if (c === '"') {
      string();
      return;
    }
    while (i < text.length && !',}] \t\n\r'.includes(text[i] as string)) i++;
  };
  value([]);
  return [...new Set(found)];
}
