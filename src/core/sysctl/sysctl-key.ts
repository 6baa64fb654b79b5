// A sysctl key, validated so that it always maps to a path inside /proc/sys and never escapes it.
import { UserError, type InputLocation } from '../errors.js';
import { excerpt } from '../text/excerpt.js';

/** Canonical dotted form, e.g. `net.ipv4.conf.eth0/100.rp_filter` (a `/` inside a segment is a literal `.`). */
export type SysctlKey = string & { readonly __brand: 'SysctlKey' };

const GLOB = /[*?[]/;

/**
 * Parses a key as sysctl.d writes it. The first separator decides (sysctl.d(5)): when it is `.`, dots separate
 * segments and `/` stands for a literal dot in a segment; when it is `/`, the name is a path.
 */
export function parseSysctlKey(raw: string, where: InputLocation = {}): SysctlKey {
  const segments = keySegments(raw, where);
  return segments.map((s) => s.replace(/\./g, '/')).join('.') as SysctlKey;
}

/** Whether a key pattern contains glob characters (systemd ≥ 245, procps ≥ 4). */
export function isGlobKey(raw: string): boolean {
  return GLOB.test(raw);
}

/** The path segments under /proc/sys for a key (a segment may contain a dot: `eth0.100`). */
export function keySegments(raw: string, where: InputLocation = {}): string[] {
  const key = raw.trim();
  const fail = (why: string): never => {
    throw new UserError(why, { ...where, key: printable(raw) });
  };
  if (key === '') fail('empty key');
  if (/[\0\n\r]/.test(key)) fail('key contains a NUL or newline character');
  if (/\s/.test(key)) fail('key contains white space');
  if (key.startsWith('/') || key.startsWith('.')) fail('key must be relative to /proc/sys (no leading "/" or ".")');
  const firstSep = key.search(/[./]/);
  const dotted = firstSep === -1 || key[firstSep] === '.';
  const segments = dotted ? key.split('.').map((s) => s.replace(/\//g, '.')) : key.split('/');
  for (const s of segments) {
    if (s === '') fail('key has an empty segment');
    if (s === '..' || s === '.') fail('key may not contain ".." or "." segments');
  }
  return segments;
}

/** Relative path under /proc/sys for a canonical key. */
export function keyToProcPath(key: SysctlKey): string {
  return keySegments(key).join('/');
}

/** Canonical key for a relative path under /proc/sys (inverse of keyToProcPath). */
export function procPathToKey(relPath: string): SysctlKey {
  return relPath
    .split('/')
    .map((s) => s.replace(/\./g, '/'))
    .join('.') as SysctlKey;
}

function printable(s: string): string {
  return excerpt(JSON.stringify(s).slice(1, -1), 80);
}
