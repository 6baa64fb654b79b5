// Which process holds a socket: /proc/PID/fd links "socket:[inode]" (what `ss -p` does).
import fs = require('node:fs');
import type { OwnerInfo } from '../../core/diagnose/diagnosis.js';
import type { ProcessIdentity } from '../../core/diagnose/process-identity.js';
import { confinedPath } from '../files/host-root.js';
import { readProcessIdentity } from '../probes/process-identity.js';

export interface InodeOwners {
  /** Socket inode -> every pid holding it (a socket shared across fork() has several). */
  pidsOf: Map<number, number[]>;
  /** Processes whose descriptors could not be listed (another user's, as non-root). */
  unreadable: number;
}

/**
 * Maps socket inodes to the processes holding them. `first` lists pids to look at before the others (the owners
 * found last time); when they hold every inode the full scan of /proc is skipped.
 */
export function findInodeOwners(root: string, inodes: Set<number>, first: number[] = []): InodeOwners {
  const pidsOf = new Map<number, number[]>();
  const result = { pidsOf, unreadable: 0 };
  if (!inodes.size) return result;
  const visit = (pid: string): void => {
    let dir: string;
    let fds: string[];
    try {
      dir = confinedPath(root, `/proc/${pid}/fd`, 'follow');
      fds = fs.readdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') result.unreadable++;
      return;
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
      const list = pidsOf.get(inode);
      if (!list) pidsOf.set(inode, [Number(pid)]);
      else if (!list.includes(Number(pid))) list.push(Number(pid));
    }
  };
  for (const pid of first) visit(String(pid));
  if (pidsOf.size === inodes.size) return result;
  pidsOf.clear();
  result.unreadable = 0;
  let pids: string[];
  try {
    pids = fs.readdirSync(confinedPath(root, '/proc', 'follow')).filter((p) => /^\d+$/.test(p));
  } catch {
    return result;
  }
  for (const pid of pids) visit(pid);
  return result;
}

/** Identities of pids, read once each. */
export class IdentityCache {
  private readonly known = new Map<number, ProcessIdentity>();
  constructor(private readonly root: string) {}
  of(pid: number): ProcessIdentity {
    let p = this.known.get(pid);
    if (!p) {
      p = readProcessIdentity(this.root, pid);
      this.known.set(pid, p);
    }
    return p;
  }
}

/** Counts the given CLOSE_WAIT sockets per owning process, with who each process is. */
export function ownersOf(found: InodeOwners, inodes: Set<number>, ids: IdentityCache): OwnerInfo {
  const owners = new Map<number, OwnerInfo['owners'][number]>();
  let attributed = 0;
  for (const inode of inodes) {
    const pids = found.pidsOf.get(inode);
    if (!pids) continue;
    attributed++;
    for (const pid of pids) {
      let o = owners.get(pid);
      if (!o) owners.set(pid, (o = { ...ids.of(pid), sockets: 0 }));
      o.sockets++;
    }
  }
  return {
    owners: [...owners.values()].sort((a, b) => b.sockets - a.sockets || a.pid - b.pid),
    unreadableProcesses: found.unreadable,
    attributed,
  };
}
