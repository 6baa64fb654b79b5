// Every host path resolves under a root (--root / TUNE_ROOT), so fixture trees and offline reviews read the same way.
import fs = require('node:fs');
import path = require('node:path');

/** Joins a host path (absolute, as seen on the host) under the root. */
export function underRoot(root: string, hostPath: string): string {
  return root === '/' ? hostPath : path.join(root, hostPath);
}

/**
 * Resolves symlinks one component at a time, treating absolute targets as relative to the root, so a fixture's
 * `/lib -> /usr/lib` never escapes into the real host. Returns the host-absolute path, or undefined on a loop.
 */
export function resolveHostPath(root: string, hostPath: string): string | undefined {
  // Under the real root the kernel's own resolution is exactly right (and one syscall instead of one per component).
  if (root === '/') return hostPath;
  const parts = hostPath.split('/').filter((p) => p !== '' && p !== '.');
  let resolved: string[] = [];
  for (let hops = 0, i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = '/' + [...resolved, part].join('/');
    let target: string;
    try {
      target = fs.readlinkSync(underRoot(root, candidate));
    } catch {
      resolved.push(part);
      continue;
    }
    if (++hops > 40) return undefined;
    const rest = parts.slice(i + 1);
    const base = target.startsWith('/') ? [] : resolved;
    const next = [...base, ...target.split('/').filter((p) => p !== '' && p !== '.'), ...rest];
    parts.splice(0, parts.length, ...next);
    resolved = [];
    i = -1;
  }
  return '/' + resolved.join('/');
}

/** Reads a text file under the root (following symlinks safely), or undefined with the error code. */
export function readHostText(root: string, hostPath: string): { text?: string; code?: string } {
  const real = resolveHostPath(root, hostPath);
  if (real === undefined) return { code: 'ELOOP' };
  try {
    return { text: fs.readFileSync(underRoot(root, real), 'utf8') };
  } catch (e) {
    return { code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
}
