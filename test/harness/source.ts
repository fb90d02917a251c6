/** Whether a test file declares a need by what its source says (e.g. imports a service's helper). */
import { readFileSync } from 'node:fs';

/** True when the file's source matches `pattern`; false when it cannot be read. */
export function sourceMatches(file: string, pattern: RegExp): boolean {
  try {
    return pattern.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}
