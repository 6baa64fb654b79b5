// Small option parsers shared by the commands (commander gives strings).
import { UserError } from '../core/errors.js';

/** Appends each occurrence of a repeatable option (--profile a --profile b). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses a number option with a lower bound; a bad one is a usage error naming the flag. */
export function numberFlag(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UserError(`${flag} takes a number >= ${min}, got "${value}"`);
  return n;
}

/** The owned file (--file): an absolute host path without "..", so it can never point outside the root. */
export function ownedFileFlag(file: string): string {
  if (!file.startsWith('/') || file.includes('\0') || file.split('/').includes('..'))
    throw new UserError(`--file must be an absolute path without "..", got "${file}"`);
  return file;
}
