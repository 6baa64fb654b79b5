// Reads runtime sysctl values from <root>/proc/sys, telling absent, unreadable and read-only keys apart. Read-only is
// what the kernel (the file's mode) or the mount says, never merely that the caller is not root: an ordinary user's
// snapshot reads what it can (most of /proc/sys is world-readable) and plans as root would.
import fs = require('node:fs');
import path = require('node:path');
import type { RuntimeValue } from '../../core/snapshot.js';
import { keyToProcPath, procPathToKey, type SysctlKey } from '../../core/sysctl/sysctl-key.js';
import { confinedPath, isLiveRoot } from '../files/host-root.js';
import { openRegular, TEXT_LIMIT, UnreadableFile } from '../files/safe-read.js';

/** The host path of a key (under /proc/sys; a SysctlKey can never escape it). */
function sysctlHostPath(key: SysctlKey): string {
  return path.posix.join('/proc/sys', keyToProcPath(key));
}

/**
 * The file holding a key on disk, to read (symlinks inside the root followed) or to write (the entry itself: tune
 * never writes through a symlink, so the writer's O_NOFOLLOW refuses one).
 */
export function sysctlPath(root: string, key: SysctlKey, use: 'read' | 'write'): string {
  return confinedPath(root, sysctlHostPath(key), use === 'read' ? 'follow' : 'nofollow');
}

/**
 * Reads one key: its value, and whether root could write it (mode bits and a read-only mount both count). A key the
 * caller may not read (EACCES: a 0600 file read by an ordinary user) is `unreadable`, not absent.
 */
export function readSysctl(root: string, key: SysctlKey): RuntimeValue {
  const live = isLiveRoot(root);
  let value: string;
  try {
    value = readProcFile(sysctlPath(root, key, 'read'), live).replace(/\n$/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'absent', writable: false };
    // Not root (a 0600 key): the key exists and root may write it, but its value is not known to this reader.
    if (code === 'EACCES' || code === 'EPERM') return { state: 'unreadable', writable: isWritable(root, key, live) };
    // A FIFO, device or directory where the value should be, a loop, a value over 1 MiB: there, but not a value.
    return { state: 'unreadable', writable: false };
  }
  return { state: 'ok', value, writable: isWritable(root, key, live) };
}

const chunk = Buffer.allocUnsafe(4096);

/**
 * open, read, close, at most 1 MiB. Non-blocking, and under a root only a regular file is read (openRegular), so a
 * FIFO in a fixture tree is refused instead of waited on; there the resolved path holds no symlink, so O_NOFOLLOW only
 * guards against one swapped in since. A short read is the end (procfs and regular files alike): no read() for 0.
 */
function readProcFile(file: string, live: boolean): string {
  const fd = openRegular(file, { follow: live, procfs: live });
  try {
    let text = '';
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0;) {
      text += chunk.toString('utf8', 0, n);
      if (text.length > TEXT_LIMIT) throw new UnreadableFile('TOOBIG', 'larger than 1 MiB');
      if (n < chunk.length) break;
    }
    return text;
  } finally {
    fs.closeSync(fd);
  }
}

const isRoot = () => (process.geteuid?.() ?? 0) === 0;

function isWritable(root: string, key: SysctlKey, live: boolean): boolean {
  try {
    if (live) {
      const file = sysctlHostPath(key);
      // procfs enforces the mode even for root, and a read-only mount answers EROFS: as root, access() is the truth.
      if (isRoot()) {
        fs.accessSync(file, fs.constants.W_OK);
        return true;
      }
      // An ordinary user's access() says EACCES before it looks at the mount: ask the mode and the mount table.
      return (fs.statSync(file).mode & 0o222) !== 0 && !mountedReadOnly(file);
    }
    // Fixture trees are ordinary files that root may always write, so there the mode bits decide, and an entry that
    // is a symlink is not writable: tune never writes through one.
    const file = sysctlPath(root, key, 'write');
    const st = fs.lstatSync(file);
    if (!st.isFile() || (st.mode & 0o222) === 0) return false;
    if (isRoot()) fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

let mountTable: { point: string; readOnly: boolean }[] | undefined;

/** Whether the mount holding `file` (the longest mount point above it in /proc/self/mountinfo) is read-only. */
function mountedReadOnly(file: string): boolean {
  if (!mountTable) {
    let text = '';
    try {
      text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      /* no mount table: nothing known to be read-only */
    }
    // `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue` (proc(5)).
    mountTable = text
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 9)
      .map((f) => {
        const sep = f.indexOf('-', 6);
        const superOpts = sep > 0 ? (f[sep + 3] ?? '') : '';
        return {
          point: (f[4] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))),
          readOnly: (f[5] ?? '').split(',').includes('ro') || superOpts.split(',').includes('ro'),
        };
      });
  }
  let best: { point: string; readOnly: boolean } | undefined;
  for (const m of mountTable) {
    const under = m.point === '/' || file === m.point || file.startsWith(`${m.point}/`);
    // Later lines stack on earlier ones at the same point: the last of the longest wins.
    if (under && (!best || m.point.length >= best.point.length)) best = m;
  }
  return best?.readOnly ?? false;
}

/** Every key below the given /proc/sys prefixes (for `tune snapshot --all`). Only real directories are walked. */
export function listSysctlKeys(root: string, prefixes: string[]): SysctlKey[] {
  const out: SysctlKey[] = [];
  const walk = (dir: string, rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = `${rel}/${e.name}`;
      // A Dirent describes the entry itself: a symlinked directory is listed as a key (read confined) and not walked.
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else out.push(procPathToKey(r));
    }
  };
  for (const p of prefixes) {
    const rel = p.replace(/\./g, '/');
    try {
      // The prefix itself is resolved inside the root (it may be a symlink there); below it nothing is followed.
      const dir = confinedPath(root, `/proc/sys/${rel}`, 'follow');
      if (fs.statSync(dir).isDirectory()) walk(dir, rel);
      else out.push(procPathToKey(rel));
    } catch {
      /* absent prefix: nothing to list */
    }
  }
  return out.sort();
}
