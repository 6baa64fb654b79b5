// Every host path resolves under a root (--root / TUNE_ROOT), so fixture trees and offline reviews read the same way.
// confinedPath is the only way a host path becomes a path on disk: under a root every component, symlinks included,
// stays inside the root, for reads and writes alike.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { readErrorText, readRegular, TEXT_LIMIT } from './safe-read.js';

/** Links followed in one resolution before giving up with ELOOP (the kernel's own limit). */
const MAX_LINKS = 40;

/**
 * A path under a root that does not resolve (a symlink loop): a one-line error (exit 2: the tree is bad input) that
 * still carries `code` ELOOP, so readers that branch on fs error codes treat it as any other unreadable entry.
 */
export class SymlinkLoop extends UserError {
  readonly code = 'ELOOP';
  constructor(hostPath: string) {
    super(`more than ${MAX_LINKS} symlinks to follow under the root (a loop?)`, { file: hostPath }, 2);
  }
}

/** Whether `root` is the live host's `/`, where the kernel resolves paths itself. */
export function isLiveRoot(root: string): boolean {
  return root === '/' || (root.startsWith('/') && path.resolve(root) === '/');
}

/**
 * The path on disk of `hostPath` (absolute, as seen on the host) under the root. Under a root every directory on the
 * way is resolved one component at a time inside it: a symlink's absolute target is taken relative to the root and
 * `..` stops at the root, so a fixture's `/lib -> /usr/lib` or `etc/sysctl.d -> /etc` never reaches the real host.
 * The last component is resolved too with 'follow' (reads), or kept as it is with 'nofollow' (the path of a symlink
 * itself: for lstat and readlink, and for writes, which refuse a symlink there). The result holds no symlink (until
 * someone changes the tree), so readers open it with O_NOFOLLOW. Throws SymlinkLoop (code ELOOP) after 40 links.
 * Under `/` the host path is returned as it is: the kernel's resolution is exactly right and costs no extra syscall.
 */
export function confinedPath(root: string, hostPath: string, last: 'follow' | 'nofollow'): string {
  if (isLiveRoot(root)) return hostPath;
  return path.join(root, resolveInRoot(root, hostPath, last));
}

/** The host-absolute path `hostPath` resolves to inside the root (see confinedPath). */
function resolveInRoot(root: string, hostPath: string, last: 'follow' | 'nofollow'): string {
  const parts = hostPath.split('/').filter((p) => p !== '' && p !== '.');
  let resolved: string[] = [];
  for (let links = 0, i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part === '..') {
      resolved.pop(); // at the root already: stays there, as the kernel does at `/`
      continue;
    }
    if (i === parts.length - 1 && last === 'nofollow') {
      resolved.push(part);
      break;
    }
    let target: string;
    try {
      target = fs.readlinkSync(path.join(root, ...resolved, part));
    } catch {
      resolved.push(part); // not a symlink (EINVAL), absent or unreadable: the open that follows says which
      continue;
    }
    if (++links > MAX_LINKS) throw new SymlinkLoop(hostPath);
    const rest = parts.slice(i + 1);
    const base = target.startsWith('/') ? [] : resolved;
    parts.splice(0, parts.length, ...base, ...target.split('/').filter((p) => p !== '' && p !== '.'), ...rest);
    resolved = [];
    i = -1;
  }
  return '/' + resolved.join('/');
}

/** Whether a host path exists under the root (following symlinks inside it); false on any error. */
export function hostPathExists(root: string, hostPath: string): boolean {
  try {
    return fs.existsSync(confinedPath(root, hostPath, 'follow'));
  } catch {
    return false;
  }
}

/**
 * Reads a regular text file under the root (symlinks followed inside it), at most `limit` bytes (TEXT_LIMIT: 1 MiB;
 * `truncate` keeps the first `limit` bytes of a longer file). Returns the text, or the reason it was not read: an
 * error code (ENOENT, ELOOP, EACCES), `not a regular file (a FIFO)` or `larger than 1 MiB`.
 */
export function readHostText(
  root: string,
  hostPath: string,
  opts: { limit?: number; truncate?: boolean; encoding?: BufferEncoding } = {},
): { text?: string; code?: string } {
  const live = isLiveRoot(root);
  try {
    const bytes = readRegular(confinedPath(root, hostPath, 'follow'), {
      follow: live,
      procfs: live && hostPath.startsWith('/proc/'),
      limit: opts.limit ?? TEXT_LIMIT,
      truncate: opts.truncate ?? false,
    });
    return { text: bytes.toString(opts.encoding ?? 'utf8') };
  } catch (e) {
    return { code: readErrorText(e) };
  }
}
