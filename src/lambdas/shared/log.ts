/**
 * Structured JSON logs, one object per line (CloudWatch Logs Insights parses them).
 * Callers pass fields they chose; never pass a whole message body: it may hold secrets.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export const jsonLogger: Logger = (level, message, fields = {}) => {
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...fields });
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
};

/** A logger that keeps the entries, for tests. */
export function memoryLogger(): Logger & {
  entries: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }>;
} {
  const entries: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }> = [];
  const logger = ((level, message, fields = {}) => {
    entries.push({ level, message, fields });
  }) as Logger & { entries: typeof entries };
  logger.entries = entries;
  return logger;
}

/** The error's class and message, without its stack. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { error: error.name, reason: error.message, ...(code ? { code } : {}) };
  }
  return { error: String(error) };
}
