// Values compare as the kernel reads them back: whitespace-separated tokens.

/** Splits a value into the tokens the kernel parses (`1024 65535` and `1024\t65535` are the same). */
export function valueTokens(value: string): string[] {
  const trimmed = value.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** The normalised text form: tokens joined by one space. */
export function normalizeValue(value: string): string {
  return valueTokens(value).join(' ');
}

/** True when the kernel would read both values back identically. */
export function sameValue(a: string, b: string): boolean {
  return normalizeValue(a) === normalizeValue(b);
}

/** Parses a decimal integer token strictly (no trailing text, no floats); undefined when it is not one. */
export function parseIntToken(token: string): number | undefined {
  if (!/^-?\d+$/.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The integer tokens of a value, or undefined when any token is not an integer. */
export function intTokens(value: string): number[] | undefined {
  const out: number[] = [];
  for (const t of valueTokens(value)) {
    const n = parseIntToken(t);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}
