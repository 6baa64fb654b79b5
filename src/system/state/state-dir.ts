// The state directory (/var/lib/tune, TUNE_STATE_DIR, --state-dir): its trust checks, and one folder per transaction
// holding its backup (exact bytes, runtime values, checksums, the plan) and an append-only journal.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { syncDir } from '../files/atomic-file.js';

export const DEFAULT_STATE_DIR = '/var/lib/tune';

/**
 * Everything in the state directory is read back as authority (which files to restore, which keys to write), so it
 * must be root's (or this user's) and writable by nobody else, and never a symlink. Returns false when `p` is
 * absent; refuses (exit 1) otherwise.
 */
export function checkTrusted(p: string, want: 'directory' | 'file'): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    throw new UserError(`cannot read the state directory (${code ?? 'EIO'})`, { file: p }, 1);
  }
  const uid = process.geteuid?.() ?? 0;
  const why = st.isSymbolicLink()
    ? 'is a symlink'
    : want === 'directory' && !st.isDirectory()
      ? 'is not a directory'
      : want === 'file' && !st.isFile()
        ? 'is not a regular file'
        : st.uid !== 0 && st.uid !== uid
          ? `is owned by uid ${st.uid}`
          : st.mode & 0o022
            ? 'is writable by group or others'
            : null;
  if (why)
    throw new UserError(
      `${why}: tune trusts its state (backups, journal, lock) only in root-owned, private files; fix or move it (chown -R root:root, chmod -R go-w)`,
      { file: p },
      1,
    );
  return true;
}

/** A file of the state directory (its folder and itself checked first); null when absent. */
export function readStateFile(file: string): string | null {
  if (!checkTrusted(path.dirname(file), 'directory') || !checkTrusted(file, 'file')) return null;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new UserError(`cannot read (${code ?? 'EIO'})`, { file }, 1);
  }
}

/** Creates the state directory 0700 (and its transactions folder). */
export function ensureStateDir(dir: string): void {
  try {
    fs.mkdirSync(path.join(dir, 'transactions'), { recursive: true, mode: 0o700 });
    checkTrusted(dir, 'directory');
    checkTrusted(path.join(dir, 'transactions'), 'directory');
    fs.chmodSync(dir, 0o700);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `cannot use the state directory (${(e as NodeJS.ErrnoException).code ?? 'EIO'}; run as root, or set --state-dir)`,
      { file: dir },
      1,
    );
  }
}

const ID_PATTERN = /^(\d{8}T\d{6}Z)-(\d+)$/;

/** Whether `s` looks like a transaction id (`20261122T230000Z-000004`). */
export function isTransactionId(s: string): boolean {
  return ID_PATTERN.test(s);
}

/**
 * The next transaction id, taken under the lock: `YYYYMMDDTHHMMSSZ-NNNNNN`, the time clamped so it never runs
 * behind the previous id and a sequence one above the highest on record. Transactions run one at a time under
 * the lock, so plain string order is the order in which they began and committed (a plan's time says nothing).
 */
export function nextTransactionId(dir: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let seq = 0;
  let last = '';
  for (const id of listTransactions(dir)) {
    const m = ID_PATTERN.exec(id);
    if (!m) continue;
    seq = Math.max(seq, Number(m[2]));
    if ((m[1] ?? '') > last) last = m[1] ?? '';
  }
  return `${stamp > last ? stamp : last}-${String(seq + 1).padStart(6, '0')}`;
}

/** Id order: the time part, then the sequence as a number (so -1000000 follows -999999). */
function byIdOrder(a: string, b: string): number {
  const [, ta = '', sa = '0'] = ID_PATTERN.exec(a) ?? [];
  const [, tb = '', sb = '0'] = ID_PATTERN.exec(b) ?? [];
  return ta < tb ? -1 : ta > tb ? 1 : Number(sa) - Number(sb);
}

/** The folder of a transaction; an id that is not one is a user error (it comes from the command line). */
export function transactionDir(dir: string, id: string): string {
  if (!ID_PATTERN.test(id)) throw new UserError(`"${id}" is not a transaction id (see \`tune history\`)`);
  return path.join(dir, 'transactions', id);
}

/**
 * Every transaction id in the order they ran (see nextTransactionId). A folder that cannot be read is an error, never
 * "no transactions": that would hide an interrupted one and restart the sequence.
 */
export function listTransactions(dir: string): string[] {
  const folder = path.join(dir, 'transactions');
  if (!checkTrusted(dir, 'directory') || !checkTrusted(folder, 'directory')) return [];
  try {
    return fs
      .readdirSync(folder)
      .filter((n) => ID_PATTERN.test(n))
      .sort(byIdOrder);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return [];
    throw new UserError(`cannot read the state directory (${errnoCode(e)})`, { file: folder }, 1);
  }
}

/**
 * A write to the state directory failed (disk full, I/O error, read-only): one line naming the file, exit 1. `code`
 * is the errno code, for callers that branch on it.
 */
export class StateWriteError extends UserError {
  readonly code: string;
  constructor(file: string, what: string, code: string) {
    super(`cannot ${what} (${code})`, { file }, 1);
    this.name = 'StateWriteError';
    this.code = code;
  }
}

const errnoCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? 'EIO';

/** Writes all of `bytes` at the fd's position; a short write (a full disk) is ENOSPC, never a silent truncation. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length;) {
    const n = fs.writeSync(fd, bytes, off, bytes.length - off);
    if (n <= 0) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    off += n;
  }
}

/**
 * Creates a transaction's folder and makes its name durable: fsyncs `transactions/`, the state directory and its
 * parent, so a power cut after the first host write cannot lose the record of it (the state directory may have been
 * created just now by the lock). On failure nothing of it is left; a folder that already exists is never touched.
 */
export function createTransactionDir(stateDir: string, id: string): string {
  const dir = transactionDir(stateDir, id);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    throw new StateWriteError(dir, 'create the transaction folder', errnoCode(e));
  }
  for (const d of [path.dirname(dir), stateDir, path.dirname(stateDir)])
    try {
      syncDir(d);
    } catch (e) {
      // A --state-dir whose parent this user may not open: its entry there is the user's to make durable.
      if (d === path.dirname(stateDir) && ['EACCES', 'EPERM'].includes(errnoCode(e))) continue;
      discardTransactionDir(dir);
      throw new StateWriteError(d, 'fsync the folder', errnoCode(e));
    }
  return dir;
}

/** Removes a transaction's folder that never began (best effort: a leftover without `begin` changed nothing). */
export function discardTransactionDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    syncDir(path.dirname(dir));
  } catch {
    /* history shows it as aborted */
  }
}

/** Writes a new file inside the state dir durably (file, then its name); a failure removes what was written. */
export function writeDurable(file: string, text: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (e) {
    throw new StateWriteError(file, 'write', errnoCode(e));
  }
  try {
    try {
      writeAll(fd, Buffer.from(text));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    syncDir(path.dirname(file));
  } catch (e) {
    fs.rmSync(file, { force: true });
    throw new StateWriteError(file, 'write', errnoCode(e));
  }
}

/**
 * Appends one journal record and fsyncs it (a new journal's name too). The record starts on its own line even after
 * a torn last line from a crash (else it would be glued to it and lost). If the record cannot be made durable it is
 * cut off again, so a reader never sees a record whose writer was told it failed (a commit that is being undone);
 * throws StateWriteError naming the journal.
 */
export function appendJournal(txDir: string, record: Record<string, unknown>): void {
  const file = path.join(txDir, 'journal');
  const line = JSON.stringify({ at: new Date().toISOString(), ...record }) + '\n';
  let fd: number;
  let created: boolean;
  try {
    created = !fs.existsSync(file);
    fd = fs.openSync(file, 'a+', 0o600);
  } catch (e) {
    throw new StateWriteError(file, `record "${String(record.step)}" in the journal`, errnoCode(e));
  }
  let size = -1;
  try {
    size = fs.fstatSync(fd).size;
    const last = Buffer.alloc(1);
    const torn = size > 0 && fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    writeAll(fd, Buffer.from(torn ? '\n' + line : line));
    fs.fsyncSync(fd);
    if (created) syncDir(txDir); // a new journal's name is durable too, not only its bytes
  } catch (e) {
    try {
      if (size >= 0) fs.ftruncateSync(fd, size);
    } catch {
      /* the record may stay: it is all or nothing on the next read */
    }
    throw new StateWriteError(file, `record "${String(record.step)}" in the journal`, errnoCode(e));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The journal's records. A crash can tear only the last record (each is one write ending in a newline), so a last
 * line without its newline is ignored; any other line that is not a record is a one-line error naming file:line.
 */
export function readJournal(txDir: string): Record<string, unknown>[] {
  const file = path.join(txDir, 'journal');
  const text = readStateFile(file) ?? '';
  const lines = text.split('\n');
  const out: Record<string, unknown>[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // torn by a crash: the write never completed
      record = undefined;
    }
    if (
      typeof record !== 'object' ||
      record === null ||
      Array.isArray(record) ||
      typeof (record as { step?: unknown }).step !== 'string'
    )
      throw new UserError(
        'not a journal record tune wrote (fix or move the transaction folder)',
        { file, line: i + 1 },
        1,
      );
    out.push(record as Record<string, unknown>);
  });
  return out;
}

export function sha256(bytes: Buffer | string): string {
  // Loaded here, not at the top: every command imports this module (interrupted-transaction check), few hash.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const crypto = require('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(bytes).digest('hex');
}
