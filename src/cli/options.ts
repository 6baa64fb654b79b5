// Small option parsers shared by the commands (commander gives strings).
import { UserError } from '../core/errors.js';

/** Appends each occurrence of a repeatable option (--profile a --profile b). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Bounds of a number option: [min, max], and whether it must be whole. */
export interface NumberBounds {
  min: number;
  max: number;
  whole?: boolean;
}

/**
 * Parses a number option: plain decimal digits (no sign, hex, exponent or blank), within its bounds. A bad one is a
 * usage error naming the flag, so `--interval 1e10` can never become a timer node cannot hold.
 */
export function numberFlag(value: string | undefined, flag: string, fallback: number, bounds: NumberBounds): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  const syntax = bounds.whole ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!syntax.test(value.trim()) || !Number.isFinite(n) || n < bounds.min || n > bounds.max)
    throw new UserError(
      `${flag} takes ${bounds.whole ? 'a whole number' : 'a number'} from ${bounds.min} to ${bounds.max}, got "${value}"`,
    );
  return n;
}

/** The owned file (--file): an absolute host path without "..", so it can never point outside the root. */
export function ownedFileFlag(file: string): string {
  if (!file.startsWith('/') || file.includes('\0') || file.split('/').includes('..'))
    throw new UserError(`--file must be an absolute path without "..", got "${file}"`);
  return file;
}
