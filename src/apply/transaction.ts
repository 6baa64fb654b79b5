// The transaction: lock, decide again under the lock, back up (exact bytes and runtime values), journal, write
// runtime values in order with read-back, write the files atomically, commit. Any failure undoes what was done; a
// crash leaves a journal that `tune recover` (and every later transaction) detects.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../core/errors.js';
import type { SysctlKey } from '../core/sysctl/sysctl-key.js';
import { removeStaleTemporaries, writeExact } from '../system/files/atomic-file.js';
import { confinedPath } from '../system/files/host-root.js';
import { writeSysctl } from '../system/proc/proc-sys-write.js';
import { acquireLock } from '../system/state/state-lock.js';
import { testHook } from '../system/test-hooks.js';
import {
  appendJournal,
  createTransactionDir,
  discardTransactionDir,
  nextTransactionId,
  sha256,
  StateWriteError,
  writeDurable,
} from '../system/state/state-dir.js';
import { normalizeValue } from '../core/sysctl/sysctl-value.js';
import { findInterrupted } from './history.js';
import { readHostFile, readRuntime } from './host-state.js';

export type TransactionKind = 'apply' | 'rollback' | 'reset';

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

/** Runtime values and files, as a transaction found or left them. */
export interface HostState {
  runtime: RuntimeSetting[];
  files: FileState[];
}

/** Everything needed to put the host back exactly, and to see what the transaction set. */
export interface Backup {
  schemaVersion: 2;
  id: string;
  kind: TransactionKind;
  createdAt: string;
  user: string;
  message: string;
  profiles: string[];
  root: string;
  /** rollback/reset: the transaction whose before-state it restores. */
  of?: string;
  /** rollback/reset: every transaction it undoes, newest first. */
  undoes?: string[];
  /** Why a rollback ran without a person asking: the confirmation deadline of `of` passed. */
  trigger?: 'expired-confirmation';
  before: HostState;
  after: HostState;
}

/** What a transaction will do, decided under the lock. */
export interface TransactionRequest {
  kind: TransactionKind;
  message: string;
  profiles: string[];
  of?: string;
  undoes?: string[];
  trigger?: Backup['trigger'];
  /** Runtime values to set, in this order. */
  runtime: { key: string; value: string }[];
  /** Files to replace with exactly these bytes (null: remove). */
  files: { path: string; bytes: Buffer | null }[];
  /**
   * Runs after every write and before the commit record (a failure here undoes the transaction): what must be
   * durable no later than the commit, such as the deadline of a confirmation.
   */
  beforeCommit?: (id: string) => void;
  /** Runs after a failure was undone, still under the lock (e.g. withdrawing what beforeCommit made durable). */
  onAbort?: (id: string) => void;
  /** Runs after the commit is journaled, still under the lock (e.g. clearing a pending confirmation it answers). */
  onCommit?: (id: string) => void;
}

export interface TransactionTarget {
  root: string;
  stateDir: string;
  user: string;
}

export interface TransactionResult {
  id: string;
  runtimeWritten: string[];
  files: { path: string; outcome: 'written' | 'removed' | 'unchanged' }[];
}

/** A file's state for the backup. */
export function fileState(p: string, bytes: Buffer | null): FileState {
  return {
    path: p,
    bytes: bytes === null ? null : bytes.toString('base64'),
    sha256: bytes === null ? null : sha256(bytes),
  };
}

/** Decodes a backed-up file state, checking its checksum. */
export function fileBytes(f: FileState): Buffer | null {
  if (f.bytes === null) return null;
  const b = Buffer.from(f.bytes, 'base64');
  if (sha256(b) !== f.sha256) throw new UserError(`backup of ${f.path} is corrupt (checksum mismatch)`, {}, 1);
  return b;
}

/** A failed write of the owned file, as one line naming it (the step that failed is in the errno's syscall). */
function fileWriteError(e: unknown, file: string): unknown {
  const err = e as NodeJS.ErrnoException;
  if (!err.code) return e;
  return new UserError(`cannot write the file (${err.code}${err.syscall ? ` at ${err.syscall}` : ''})`, { file }, 1);
}

/**
 * Runs one transaction under the lock. `decide` runs after the lock is taken and must re-read whatever on the host
 * its decision depends on (it throws to refuse: a stale plan, drift; it returns null when there is nothing to do);
 * the id is taken then, so ids sort in commit order. Throws UserError (exit 1) after undoing everything on failure.
 */
export function runTransaction(
  t: TransactionTarget,
  kind: TransactionKind,
  decide: () => TransactionRequest | null,
): TransactionResult | null {
  testHook('before-lock');
  const release = acquireLock(t.stateDir, kind);
  try {
    testHook('locked');
    const interrupted = findInterrupted(t.stateDir);
    if (interrupted)
      throw new UserError(
        `transaction ${interrupted} was interrupted and not recovered; run \`tune recover\` first`,
        {},
        1,
      );
    const req = decide();
    if (req === null) return null;
    for (const f of req.files) {
      const dir = path.dirname(confinedPath(t.root, f.path, 'nofollow'));
      if (!fs.existsSync(dir))
        throw new UserError(`directory ${path.dirname(f.path)} does not exist`, { file: f.path }, 1);
      removeStaleTemporaries(confinedPath(t.root, f.path, 'nofollow'));
    }
    // Everything that can fail runs before the first write: capture, backup, checks.
    const keys = [...new Set(req.runtime.map((r) => r.key))];
    const before: HostState = {
      runtime: keys.map((key) => ({ key, value: readRuntime(t.root, key) })),
      files: req.files.map((f) => fileState(f.path, readHostFile(t.root, f.path))),
    };
    const now = new Date();
    const id = nextTransactionId(t.stateDir, now);
    const backup: Backup = {
      schemaVersion: 2,
      id,
      kind: req.kind,
      createdAt: now.toISOString(),
      user: t.user,
      message: req.message,
      profiles: req.profiles,
      root: t.root,
      ...(req.of ? { of: req.of } : {}),
      ...(req.undoes ? { undoes: req.undoes } : {}),
      ...(req.trigger ? { trigger: req.trigger } : {}),
      before,
      after: {
        runtime: req.runtime.map((r) => ({ ...r })),
        files: req.files.map((f) => fileState(f.path, f.bytes)),
      },
    };
    // Folder, backup and `begin` come before any host write: a failure there discards the folder (nothing happened).
    const nothingChanged = (e: unknown) =>
      e instanceof UserError ? new UserError(`${e.message}; nothing was changed`, e.location, 1) : e;
    let dir: string;
    try {
      dir = createTransactionDir(t.stateDir, id);
    } catch (e) {
      throw nothingChanged(e);
    }
    try {
      writeDurable(path.join(dir, 'backup.json'), JSON.stringify(backup, null, 2) + '\n');
      testHook('backup');
      appendJournal(dir, { step: 'begin', kind: req.kind });
    } catch (e) {
      discardTransactionDir(dir);
      throw nothingChanged(e);
    }
    testHook('begin');
    const written: string[] = [];
    const touched: string[] = [];
    const files: TransactionResult['files'] = [];
    try {
      for (const { key, value } of req.runtime) {
        // Touched before the write: a write the kernel takes but reads back differently must still be undone.
        if (!touched.includes(key)) touched.push(key);
        const out = writeSysctl(t.root, key as SysctlKey, value);
        if (!out.ok) {
          const why =
            out.code === 'MISMATCH'
              ? `the kernel reads back "${normalizeValue(out.readBack ?? '')}"`
              : `the kernel refused the write (${out.code})`;
          throw new UserError(`could not set ${key} = ${value}: ${why}`, { key }, 1);
        }
        if (!written.includes(key)) written.push(key);
        appendJournal(dir, { step: 'runtime', key });
        testHook(`runtime:${key}`);
      }
      for (const f of req.files) {
        let outcome: TransactionResult['files'][number]['outcome'];
        try {
          outcome = writeExact(confinedPath(t.root, f.path, 'nofollow'), f.bytes);
        } catch (e) {
          throw fileWriteError(e, f.path);
        }
        files.push({ path: f.path, outcome });
        appendJournal(dir, { step: 'file', path: f.path, outcome });
        testHook('file');
      }
      req.beforeCommit?.(id);
      testHook('before-commit');
      // The transaction takes effect when its commit record is durable; one that cannot be written is undone.
      appendJournal(dir, { step: 'commit' });
    } catch (e) {
      const error = abort(t.root, dir, backup.before, touched, e);
      req.onAbort?.(id);
      throw error;
    }
    req.onCommit?.(id);
    testHook('commit');
    return { id, runtimeWritten: written, files };
  } finally {
    release();
  }
}

/**
 * Undoes a transaction that failed after `begin` and records how it ended: `aborted` when everything was restored
 * (it changed nothing), `undo-failed` otherwise (not an end: it stays interrupted until `tune recover` succeeds).
 * When even that record cannot be written the journal has no end record, which also reads as interrupted. Returns
 * the one-line error to throw.
 */
function abort(root: string, dir: string, before: HostState, touched: string[], e: unknown): UserError {
  const failures: string[] = [];
  const undo = restore(root, before, touched, failures);
  const error = (e as Error).message;
  let unrecorded = '';
  try {
    appendJournal(dir, { step: failures.length ? 'undo-failed' : 'aborted', error, undo });
  } catch (je) {
    unrecorded = ` but the journal could not record it (${je instanceof StateWriteError ? je.code : 'EIO'})`;
  }
  const location = e instanceof UserError ? e.location : {};
  if (failures.length) return new UserError(`${error}; ${undo}: run \`tune recover\``, location, 1);
  if (unrecorded)
    return new UserError(`${error}; nothing was changed (${undo})${unrecorded}: run \`tune recover\``, location, 1);
  return new UserError(`${error}; nothing was changed (${undo})`, location, 1);
}

/**
 * Puts runtime values (those in `keys`, or all) back in reverse order of writing, then the files' exact bytes.
 * Returns a short account and collects what failed in `failures`; never throws for one key so the others are still
 * restored.
 */
export function restore(root: string, before: HostState, keys?: string[], failures: string[] = []): string {
  const todo = [...before.runtime].reverse().filter((r) => r.value !== null && (!keys || keys.includes(r.key)));
  for (const r of todo) {
    const out = writeSysctl(root, r.key as SysctlKey, r.value ?? '');
    if (!out.ok) failures.push(`${r.key} (${out.code})`);
  }
  for (const f of before.files) {
    try {
      writeExact(confinedPath(root, f.path, 'nofollow'), fileBytes(f));
    } catch (e) {
      failures.push(
        `${f.path} (${e instanceof UserError ? e.message : ((e as NodeJS.ErrnoException).code ?? (e as Error).message)})`,
      );
    }
  }
  const paths = before.files.map((f) => f.path).join(', ');
  return failures.length
    ? `restore FAILED for ${failures.join(', ')}`
    : `restored ${todo.length} runtime value(s) and ${paths || 'no file'}`;
}
