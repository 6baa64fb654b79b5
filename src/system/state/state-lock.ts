// The single transaction lock: a kernel flock(2) on <state dir>/lock, a file that is never unlinked. The kernel
// releases it when the holder exits, however it dies, so there is no stale lock to judge and no takeover to race.
// Node has no flock(), so util-linux's flock(1) takes it on our own open file description (passed as fd 3): the
// lock belongs to that description, stays held after flock(1) exits, and goes when this process closes it or dies.
// The file's content (pid, command, since) only names the holder in the busy message.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { processAlive } from '../probes/process-alive.js';
import { checkTrusted, ensureStateDir } from './state-dir.js';

/** Another live process holds the transaction lock: worth a bounded retry, never a takeover. */
export class LockBusy extends UserError {
  constructor(message: string, file: string) {
    super(message, { file }, 1);
  }
}

export interface LockInfo {
  pid: number;
  command: string;
  since: string;
}

/** flock(1)'s exit status when the lock is held elsewhere (its --conflict-exit-code). */
const BUSY = 75;

/** The state directories whose lock this process holds (a second open description would conflict with our own). */
const heldHere = new Set<string>();

const lockFile = (dir: string) => path.join(dir, 'lock');

/** flock(1) from util-linux, looked up in the system directories first (tune runs as root: PATH is not trusted). */
function flockBinary(): string {
  for (const p of ['/usr/bin/flock', '/bin/flock', '/usr/local/bin/flock']) if (fs.existsSync(p)) return p;
  return 'flock';
}

/** Tries to lock the description behind `fd` exclusively without waiting: true when taken, false when busy. */
function tryLock(fd: number, file: string): boolean {
  // Loaded here: only transactions lock, and child_process is a measurable share of start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(flockBinary(), ['--nonblock', '--exclusive', '--conflict-exit-code', String(BUSY), '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
    encoding: 'utf8',
  });
  if (r.status === 0) return true;
  if (r.status === BUSY) return false;
  const why = r.error
    ? (r.error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'flock(1) from util-linux is not installed'
      : r.error.message
    : (r.stderr.trim().split('\n')[0] ?? `flock exited ${String(r.status ?? r.signal)}`);
  throw new UserError(`cannot take the lock: ${why}`, { file }, 1);
}

/** Opens the lock file without following a symlink, refusing anything but a private regular file (null: absent). */
function openLock(file: string, create: boolean): number | null {
  if (!checkTrusted(file, 'file') && !create) return null;
  try {
    return fs.openSync(
      file,
      (create ? fs.constants.O_RDWR | fs.constants.O_CREAT : fs.constants.O_RDONLY) | fs.constants.O_NOFOLLOW,
      0o600,
    );
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !create) return null;
    throw new UserError(`cannot open the lock (${code ?? 'EIO'})`, { file }, 1);
  }
}

/** Who holds the lock, from the file's content (absent or torn while a new holder is writing it). */
function holderOf(fd: number): LockInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(fd, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && processAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the single transaction lock, or fails at once naming the holder. Returns the release function. */
export function acquireLock(dir: string, command: string): () => void {
  ensureStateDir(dir);
  const file = lockFile(dir);
  if (heldHere.has(dir)) throw new UserError('this process already holds the lock', { file }, 1);
  const fd = openLock(file, true) as number; // creating: never null
  try {
    if (!tryLock(fd, file)) {
      const holder = holderOf(fd);
      throw new LockBusy(
        holder
          ? `another tune transaction is running (pid ${holder.pid}, ${holder.command}, since ${holder.since})`
          : 'another tune transaction is starting',
        file,
      );
    }
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  const mine: LockInfo = { pid: process.pid, command, since: new Date().toISOString() };
  try {
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, JSON.stringify(mine), 0);
  } catch {
    // Only names the holder in others' busy message; the kernel's lock is held regardless. A full or failing disk
    // fails the backup next, with its own one line.
  }
  heldHere.add(dir);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldHere.delete(dir);
    try {
      fs.ftruncateSync(fd, 0); // the name goes with the lock: a busy message never names a finished holder
    } catch {
      // best effort: a stale name with a dead pid reads as "starting", and blocks nothing
    } finally {
      fs.closeSync(fd); // closing our description releases the flock
    }
  };
}

/** Whether another process holds the transaction lock (its transaction is running, not interrupted). */
export function lockHeldByAnother(dir: string): boolean {
  if (heldHere.has(dir)) return false;
  let fd: number | null;
  try {
    fd = openLock(lockFile(dir), false);
  } catch {
    return false;
  }
  if (fd === null) return false;
  try {
    return !tryLock(fd, lockFile(dir)); // taken for a moment: closing the description below gives it back
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
