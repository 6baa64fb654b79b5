// Type and range checks per known key: the kernel accepts far too much (negative ints, 0..255 booleans).
import { UserError, type InputLocation } from '../errors.js';
import { excerpt } from '../text/excerpt.js';

/** The longest value tune accepts: a sysctl write is at most one page. */
export const MAX_VALUE_LENGTH = 4096;
import type { ValueShape } from './key-catalog.js';
import { keySpec } from './key-catalog.js';
import { parseIntToken, valueTokens } from './sysctl-value.js';

/** Throws a UserError naming the location when `value` does not fit the known key; unknown keys only get syntax checks. */
export function validateValue(key: string, value: string, where: InputLocation): void {
  const fail = (why: string): never => {
    throw new UserError(why, { ...where, key });
  };
  if (/[\0\n\r]/.test(value)) fail('value contains a NUL or newline character');
  if (value.length > MAX_VALUE_LENGTH)
    fail(`value is longer than ${MAX_VALUE_LENGTH} characters (the kernel reads at most one page)`);
  if (value.trim() === '') fail('empty value');
  if (/^\s*["']/.test(value)) fail('value is quoted; sysctl.d writes quotes literally (the kernel rejects them)');
  const spec = keySpec(key);
  if (!spec) return;
  const why = shapeProblem(spec.shape, value);
  if (why) fail(why);
  if (key === 'net.ipv4.ip_local_port_range') {
    const [low = 0, high = 0] = valueTokens(value).map(Number);
    if (low > high) fail(`range low ${low} is above high ${high} (the kernel rejects it)`);
  }
}

function shapeProblem(shape: ValueShape, value: string): string | undefined {
  const tokens = valueTokens(value);
  switch (shape.kind) {
    case 'int':
    case 'ints': {
      const count = shape.kind === 'int' ? 1 : shape.count;
      if (tokens.length !== count)
        return `expected ${count === 1 ? 'one integer' : `${count} integers`}, got "${excerpt(value.trim())}"`;
      for (const t of tokens) {
        const n = parseIntToken(t);
        if (n === undefined) return `"${excerpt(t)}" is not an integer`;
        if (shape.min !== undefined && n < shape.min) return `${n} is below the minimum ${shape.min}`;
        if (shape.max !== undefined && n > shape.max) return `${n} is above the maximum ${shape.max}`;
      }
      return undefined;
    }
    case 'ulong': {
      const t = tokens.length === 1 ? (tokens[0] ?? '') : '';
      return /^\d{1,20}$/.test(t) && BigInt(t) < 2n ** 64n
        ? undefined
        : `expected one unsigned integer below 2^64, got "${excerpt(value.trim())}"`;
    }
    case 'string':
      return tokens.length === 1 && shape.pattern.test(tokens[0] ?? '')
        ? undefined
        : `expected ${shape.describe}, got "${excerpt(value.trim())}"`;
    case 'port-list':
      return portListProblem(value);
  }
}

function portListProblem(value: string): string | undefined {
  for (const part of value.trim().split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!m) return `"${excerpt(part.trim())}" is not a port or port range`;
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    if (lo < 1 || hi > 65535 || lo > hi) return `"${part.trim()}" is outside 1-65535 or inverted`;
  }
  return undefined;
}
