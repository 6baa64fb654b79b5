// Finds every persistent sysctl file (all sysctl.d directories and /etc/sysctl.conf) with symlinks and masks as they are.
import fs = require('node:fs');
import { fileKind } from '../files/safe-read.js';
import { PROCPS_DIRS, SYSCTL_CONF } from '../../core/boot/boot-precedence.js';
import type { ConfigFile } from '../../core/snapshot.js';
import { confinedPath, readHostText } from '../files/host-root.js';

/** Reads the entries of every sysctl.d directory and /etc/sysctl.conf under the root. */
export function readConfigFiles(root: string): ConfigFile[] {
  const out: ConfigFile[] = [];
  // On merged-/usr systems /lib/sysctl.d is /usr/lib/sysctl.d again: listed twice, the same names lose to the first.
  for (const dir of PROCPS_DIRS) {
    let names: string[];
    try {
      names = fs.readdirSync(confinedPath(root, dir, 'follow')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const entry = readEntry(root, dir, name);
      if (entry) out.push(entry);
    }
  }
  const conf = readEntry(root, SYSCTL_CONF.slice(0, SYSCTL_CONF.lastIndexOf('/')), 'sysctl.conf');
  // A dangling /etc/sysctl.conf symlink is absent: procps reads it only when stat() finds a regular file.
  if (conf && conf.error !== 'ENOENT') out.push({ ...conf, dir: '' });
  return out;
}

/**
 * One entry as the loaders see it. A symlink is followed inside the root; what it reaches must be a regular file of
 * at most 1 MiB, else the entry carries the reason (`not a regular file (a FIFO)`) and no content. Null when there is
 * no such entry: a name listed a moment ago that another writer (a racing `tune rollback`) removed before it was read
 * is gone, as a loader running now would find it, not an unreadable file. A symlink whose target is missing stays an
 * entry (dangling, ENOENT): the link itself is there.
 */
export function readEntry(root: string, dir: string, name: string): ConfigFile | null {
  const hostPath = `${dir}/${name}`;
  let kind: ConfigFile['kind'] = 'file';
  let target: string | undefined;
  try {
    const onDisk = confinedPath(root, hostPath, 'nofollow');
    const st = fs.lstatSync(onDisk);
    if (st.isSymbolicLink()) {
      kind = 'symlink';
      target = fs.readlinkSync(onDisk);
    } else if (!st.isFile()) return { path: hostPath, dir, name, kind, error: `not a regular file (${fileKind(st)})` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    return code === 'ENOENT' ? null : { path: hostPath, dir, name, kind, error: code };
  }
  const entry: ConfigFile = { path: hostPath, dir, name, kind, ...(target !== undefined ? { target } : {}) };
  if (target === '/dev/null') return { ...entry, content: '' };
  const read = readHostText(root, hostPath);
  if (read.text !== undefined) return { ...entry, content: read.text };
  if (read.code === 'ENOENT' && kind === 'file') return null;
  return { ...entry, error: read.code ?? 'EIO' };
}
