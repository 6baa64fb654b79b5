// The transaction: lock, back up (exact bytes and runtime values), journal, write runtime values in order with
// read-back, write the owned file atomically, commit. Any failure undoes what was done; a crash leaves a journal
// that `tune recover` (and every later transaction) detects.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../core/errors.js';
import type { SysctlKey } from '../core/sysctl-key.js';
import { readExact, writeExact } from '../system/atomic-file.js';
import { underRoot } from '../system/host-root.js';
import { readSysctl } from '../system/proc-sys.js';
import { writeSysctl } from '../system/proc-sys-write.js';
import {
  acquireLock,
  appendJournal,
  newTransactionId,
  sha256,
  transactionDir,
  writeDurable,
} from '../system/state-dir.js';
import { findInterrupted } from './history.js';

export type TransactionKind = 'apply' | 'rollback' | 'recover';

export interface RuntimeSetting {
  key: string;
  /** null: the key did not exist (nothing to restore). */
  value: string | null;
}

export interface FileState {
  /** Host path (under the root). */
  path: string;
  /** base64 of the exact bytes; null when the file is absent. */
  bytes: string | null;
  sha256: string | null;
}

/** Everything needed to put the host back exactly, and to see what the transaction set. */
export interface Backup {
  schemaVersion: 1;
  id: string;
  kind: TransactionKind;
  createdAt: string;
  user: string;
  message: string;
  profiles: string[];
  root: string;
  /** The transaction this one rolls back or recovers. */
  of?: string;
  before: { runtime: RuntimeSetting[]; file: FileState };
  after: { runtime: RuntimeSetting[]; file: FileState };
}

export interface TransactionRequest {
  kind: TransactionKind;
  root: string;
  stateDir: string;
  now: Date;
  user: string;
  message: string;
  profiles: string[];
  of?: string;
  /** Runtime values to set, in this order. */
  runtime: { key: string; value: string }[];
  file: { path: string; bytes: Buffer | null };
}

export interface TransactionResult {
  id: string;
  runtimeWritten: string[];
  file: 'written' | 'removed' | 'unchanged';
}

const fileState = (p: string, bytes: Buffer | null): FileState => ({
  path: p,
  bytes: bytes === null ? null : bytes.toString('base64'),
  sha256: bytes === null ? null : sha256(bytes),
});

/** Decodes a backed-up file state, checking its checksum. */
export function fileBytes(f: FileState): Buffer | null {
  if (f.bytes === null) return null;
  const b = Buffer.from(f.bytes, 'base64');
  if (sha256(b) !== f.sha256) throw new UserError(`backup of ${f.path} is corrupt (checksum mismatch)`, {}, 1);
  return b;
}

/** A deliberate crash at a step boundary, for the fault-injection tests (TUNE_CRASH_AT=step). */
function crashPoint(step: string): void {
  if (process.env.TUNE_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
}

/** Backup and journal failures (disk full, read-only state dir) come before any host write: report, don't crash. */
function beforeAnyWrite(fn: () => void, where: string): void {
  try {
    fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    throw new UserError(`cannot write the backup (${code}); nothing was changed`, { file: where }, 1);
  }
}

/** Runs one transaction under the lock. Throws UserError (exit 1) after undoing everything on failure. */
export function runTransaction(req: TransactionRequest): TransactionResult {
  const release = acquireLock(req.stateDir, req.kind);
  try {
    crashPoint('locked');
    if (req.kind !== 'recover') {
      const interrupted = findInterrupted(req.stateDir);
      if (interrupted)
        throw new UserError(
          `transaction ${interrupted} was interrupted and not recovered; run \`tune recover\` first`,
          {},
          1,
        );
    }
    const ownedHost = underRoot(req.root, req.file.path);
    const id = newTransactionId(req.now);
    const dir = transactionDir(req.stateDir, id);
    beforeAnyWrite(() => fs.mkdirSync(dir, { recursive: true, mode: 0o700 }), dir);
    // Everything that can fail runs before the first write: capture, backup, lock, checks.
    const beforeRuntime = req.runtime.map(({ key }): RuntimeSetting => {
      const v = readSysctl(req.root, key as SysctlKey);
      return { key, value: v.state === 'ok' ? (v.value ?? '') : null };
    });
    const beforeFile = readExact(ownedHost);
    if (!fs.existsSync(path.dirname(ownedHost)))
      throw new UserError(`directory ${path.dirname(req.file.path)} does not exist`, { file: req.file.path }, 1);
    const backup: Backup = {
      schemaVersion: 1,
      id,
      kind: req.kind,
      createdAt: req.now.toISOString(),
      user: req.user,
      message: req.message,
      profiles: req.profiles,
      root: req.root,
      ...(req.of ? { of: req.of } : {}),
      before: { runtime: beforeRuntime, file: fileState(req.file.path, beforeFile) },
      after: { runtime: req.runtime.map((r) => ({ ...r })), file: fileState(req.file.path, req.file.bytes) },
    };
    beforeAnyWrite(() => writeDurable(path.join(dir, 'backup.json'), JSON.stringify(backup, null, 2) + '\n'), dir);
    crashPoint('backup');
    beforeAnyWrite(() => appendJournal(dir, { step: 'begin', kind: req.kind }), dir);
    crashPoint('begin');
    const written: string[] = [];
    let fileOutcome: TransactionResult['file'] = 'unchanged';
    try {
      for (const { key, value } of req.runtime) {
        const out = writeSysctl(req.root, key as SysctlKey, value);
        if (!out.ok) {
          const why =
            out.code === 'MISMATCH'
              ? `the kernel reads back "${out.readBack}"`
              : `the kernel refused the write (${out.code})`;
          throw new UserError(`could not set ${key} = ${value}: ${why}`, { key }, 1);
        }
        written.push(key);
        appendJournal(dir, { step: 'runtime', key });
        crashPoint(`runtime:${key}`);
      }
      fileOutcome = writeExact(ownedHost, req.file.bytes);
      appendJournal(dir, { step: 'file', outcome: fileOutcome });
      crashPoint('file');
    } catch (e) {
      const undo = restore(req.root, backup.before, written);
      appendJournal(dir, { step: 'aborted', error: (e as Error).message, undo });
      if (e instanceof UserError) throw new UserError(`${e.message}; nothing was changed (${undo})`, e.location, 1);
      throw new UserError(`${(e as Error).message}; nothing was changed (${undo})`, {}, 1);
    }
    appendJournal(dir, { step: 'commit' });
    crashPoint('commit');
    return { id, runtimeWritten: written, file: fileOutcome };
  } finally {
    release();
  }
}

/**
 * Puts runtime values (those in `keys`, or all) back in reverse order of writing, then the file's exact bytes.
 * Returns a short account; never throws for one key so the others are still restored.
 */
export function restore(root: string, before: Backup['before'], keys?: string[]): string {
  const failures: string[] = [];
  const todo = [...before.runtime].reverse().filter((r) => r.value !== null && (!keys || keys.includes(r.key)));
  for (const r of todo) {
    const out = writeSysctl(root, r.key as SysctlKey, r.value ?? '');
    if (!out.ok) failures.push(`${r.key} (${out.code})`);
  }
  try {
    writeExact(underRoot(root, before.file.path), fileBytes(before.file));
  } catch (e) {
    failures.push(`${before.file.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return failures.length
    ? `restore FAILED for ${failures.join(', ')}`
    : `restored ${todo.length} runtime value(s) and ${before.file.path}`;
}

/** The backup of a transaction. */
export function readBackup(stateDir: string, id: string): Backup {
  const file = path.join(transactionDir(stateDir, id), 'backup.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Backup;
  } catch (e) {
    throw new UserError(
      `no readable backup for transaction ${id} (${(e as NodeJS.ErrnoException).code ?? 'corrupt'})`,
      { file },
      1,
    );
  }
}
