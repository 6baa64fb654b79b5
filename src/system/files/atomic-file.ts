// Atomic, durable file replacement: temporary file in the same directory (name not ending in .conf), fsync,
// rename, fsync the directory. Never follows a symlink at the target; branches on error codes only.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { processAlive } from '../probes/process-alive.js';
import { openRegular, UnreadableFile } from './safe-read.js';
import { testHook } from '../test-hooks.js';

/** fsyncs a directory so a rename in it survives a crash. */
export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What is at a path now: its exact bytes, or null when absent. Refuses a symlink (tune never writes through one) and
 * anything but a regular file (a FIFO would block the read, a device or directory is nothing tune may replace).
 * `shownAs` names the file in those refusals (the host path, when `file` is its place under a --root tree).
 */
export function readExact(file: string, shownAs = file): Buffer | null {
  let fd: number;
  try {
    fd = openRegular(file, { follow: false });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP')
      throw new UserError(
        'is a symlink; tune does not write through symlinks (replace it with a regular file or choose --file)',
        { file: shownAs },
        1,
      );
    if (e instanceof UnreadableFile)
      throw new UserError(
        `is ${e.message}; tune reads and replaces only regular files (remove it or choose --file)`,
        { file: shownAs },
        1,
      );
    throw e;
  }
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The temporary name writeExact uses for `file` in process `pid` (never ending in .conf, so no loader reads it). */
const temporaryName = (file: string, pid: number) =>
  path.join(path.dirname(file), `.${path.basename(file)}.tune-${pid}.tmp`);

/**
 * Removes temporary files a killed tune left next to `file` (its process is gone). Called under the lock, so no
 * live writer's file is touched. Returns the names removed.
 */
export function removeStaleTemporaries(file: string): string[] {
  const prefix = `.${path.basename(file)}.tune-`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return removed;
  }
  for (const n of names) {
    const m = n.startsWith(prefix) ? /^(\d+)\.tmp$/.exec(n.slice(prefix.length)) : null;
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    fs.rmSync(path.join(path.dirname(file), n), { force: true });
    removed.push(n);
  }
  return removed;
}

/** Replaces (or creates) `file` with exactly `bytes`, or removes it when `bytes` is null. Skips when already equal. */
export function writeExact(file: string, bytes: Buffer | null, mode = 0o644): 'written' | 'removed' | 'unchanged' {
  const current = readExact(file);
  if (bytes === null) {
    if (current === null) return 'unchanged';
    fs.unlinkSync(file);
    syncDir(path.dirname(file));
    return 'removed';
  }
  if (current !== null && current.equals(bytes)) return 'unchanged';
  const tmp = temporaryName(file, process.pid);
  const fd = fs.openSync(
    tmp,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
    mode,
  );
  try {
    fs.writeSync(fd, bytes);
    fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  testHook('temporary');
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(path.dirname(file));
  return 'written';
}
