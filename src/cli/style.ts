/**
 * Colour only for people: off when stdout is not a terminal or NO_COLOR is set.
 */
import { Chalk } from 'chalk';

export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

export const color = new Chalk({ level: colorEnabled() ? 1 : 0 });
