// Which process holds a socket: /proc/PID/fd links "socket:[inode]" (what `ss -p` does).
import fs = require('node:fs');
import type { OwnerInfo } from '../../core/diagnose/diagnosis.js';
import { confinedPath, readHostText } from '../files/host-root.js';

type SocketOwner = OwnerInfo['owners'][number];

/** Maps the given socket inodes to the processes holding them. */
export function findSocketOwners(root: string, inodes: Set<number>): OwnerInfo {
  const owners = new Map<number, SocketOwner>();
  let unreadable = 0;
  let attributed = 0;
  if (!inodes.size) return { owners: [], unreadableProcesses: 0, attributed: 0 };
  let pids: string[];
  try {
    pids = fs.readdirSync(confinedPath(root, '/proc', 'follow')).filter((p) => /^\d+$/.test(p));
  } catch {
    return { owners: [], unreadableProcesses: 0, attributed: 0 };
  }
  const seen = new Set<number>();
  for (const pid of pids) {
    let dir: string;
    let fds: string[];
    try {
      dir = confinedPath(root, `/proc/${pid}/fd`, 'follow');
      fds = fs.readdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') unreadable++;
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`${dir}/${fd}`);
      } catch {
        continue;
      }
      if (!link.startsWith('socket:[')) continue;
      const inode = Number(link.slice(8, -1));
      if (!inodes.has(inode)) continue;
      const n = Number(pid);
      let o = owners.get(n);
      if (!o) {
        // A name is at most 16 bytes; a fixture's comm that is a FIFO or huge gives '?' (as a process gone does).
        const command = readHostText(root, `/proc/${pid}/comm`, { limit: 4096 }).text?.trim() ?? '?';
        o = { pid: n, command, sockets: 0 };
        owners.set(n, o);
      }
      o.sockets++;
      if (!seen.has(inode)) {
        seen.add(inode);
        attributed++;
      }
    }
  }
  return {
    owners: [...owners.values()].sort((a, b) => b.sockets - a.sockets),
    unreadableProcesses: unreadable,
    attributed,
  };
}
