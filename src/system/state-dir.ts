// The state directory (/var/lib/tune, TUNE_STATE_DIR, --state-dir): its trust checks, and one folder per transaction
// holding its backup (exact bytes, runtime values, checksums, the plan) and an append-only journal.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../core/errors.js';
import { syncDir } from './atomic-file.js';

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

/** Every transaction id in the order they ran (see nextTransactionId). */
export function listTransactions(dir: string): string[] {
  if (!checkTrusted(dir, 'directory') || !checkTrusted(path.join(dir, 'transactions'), 'directory')) return [];
  try {
    return fs
      .readdirSync(path.join(dir, 'transactions'))
      .filter((n) => ID_PATTERN.test(n))
      .sort(byIdOrder);
  } catch {
    return [];
  }
}

/** Writes a file inside the state dir durably (it is new: no replacement needed). */
export function writeDurable(file: string, text: string): void {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  syncDir(path.dirname(file));
}

/** Appends one journal record and fsyncs it. */
export function appendJournal(txDir: string, record: Record<string, unknown>): void {
  const file = path.join(txDir, 'journal');
  const created = !fs.existsSync(file);
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify({ at: new Date().toISOString(), ...record }) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (created) syncDir(txDir); // a new journal's name is durable too, not only its bytes
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
