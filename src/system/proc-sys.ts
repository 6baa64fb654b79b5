// Reads runtime sysctl values from <root>/proc/sys, telling absent and read-only keys apart.
import fs = require('node:fs');
import path = require('node:path');
import type { RuntimeValue } from '../core/snapshot.js';
import { keyToProcPath, procPathToKey, type SysctlKey } from '../core/sysctl-key.js';
import { underRoot } from './host-root.js';

/** The file holding a key under the root. */
export function sysctlPath(root: string, key: SysctlKey): string {
  return underRoot(root, path.posix.join('/proc/sys', keyToProcPath(key)));
}

/** Reads one key: its value, and whether this process could write it (mode bits and a read-only mount both count). */
export function readSysctl(root: string, key: SysctlKey): RuntimeValue {
  const file = sysctlPath(root, key);
  let value: string;
  try {
    value = readProcFile(file).replace(/\n$/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'absent', writable: false };
    return { state: 'unreadable', writable: false };
  }
  return { state: 'ok', value, writable: isWritable(file, root === '/') };
}

const chunk = Buffer.allocUnsafe(4096);

/** open, read, close: procfs files report size 0, so readFileSync would add an fstat and an extra read. */
function readProcFile(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    let text = '';
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0;) {
      text += chunk.toString('utf8', 0, n);
      if (n < chunk.length) break;
    }
    return text;
  } finally {
    fs.closeSync(fd);
  }
}

function isWritable(file: string, live: boolean): boolean {
  try {
    // procfs enforces the mode even for root, and a read-only mount answers EROFS: access() alone is the truth live.
    // Fixture trees are ordinary files that root may always write, so there the mode bits decide.
    if (!live && (fs.statSync(file).mode & 0o222) === 0) return false;
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every key below the given /proc/sys prefixes (for `tune snapshot --all`). */
export function listSysctlKeys(root: string, prefixes: string[]): SysctlKey[] {
  const base = underRoot(root, '/proc/sys');
  const out: SysctlKey[] = [];
  const walk = (rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(base, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(procPathToKey(r));
    }
  };
  for (const p of prefixes) {
    const rel = p.replace(/\./g, '/');
    try {
      if (fs.statSync(path.join(base, rel)).isDirectory()) walk(rel);
      else out.push(procPathToKey(rel));
    } catch {
      /* absent prefix: nothing to list */
    }
  }
  return out.sort();
}
