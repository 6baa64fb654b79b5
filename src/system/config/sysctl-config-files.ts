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
    for (const name of names) out.push(readEntry(root, dir, name));
  }
  const conf = readEntry(root, SYSCTL_CONF.slice(0, SYSCTL_CONF.lastIndexOf('/')), 'sysctl.conf');
  if (conf.error !== 'ENOENT') out.push({ ...conf, dir: '' });
  return out;
}

/**
 * One entry as the loaders see it. A symlink is followed inside the root; what it reaches must be a regular file of
 * at most 1 MiB, else the entry carries the reason (`not a regular file (a FIFO)`) and no content.
 */
function readEntry(root: string, dir: string, name: string): ConfigFile {
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
    return { path: hostPath, dir, name, kind, error: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  const entry: ConfigFile = { path: hostPath, dir, name, kind, ...(target !== undefined ? { target } : {}) };
  if (target === '/dev/null') return { ...entry, content: '' };
  const read = readHostText(root, hostPath);
  return read.text !== undefined ? { ...entry, content: read.text } : { ...entry, error: read.code ?? 'EIO' };
}
