// The things that change a host, all through runTransaction: apply a plan, roll back to a point (or reset), recover
// from an interrupted transaction. Each re-reads the host under the lock and refuses when it has outrun the review.
import { modelBoot } from '../core/boot/boot-precedence.js';
import { UserError } from '../core/errors.js';
import type { Plan } from '../core/plan/planner.js';
import { normalizeValue, sameValue } from '../core/sysctl/sysctl-value.js';
import { orderWrites } from '../core/plan/write-order.js';
import { readConfigFiles } from '../system/config/sysctl-config-files.js';
import { removeStaleTemporaries } from '../system/files/atomic-file.js';
import { confinedPath } from '../system/files/host-root.js';
import { appendJournal, transactionDir } from '../system/state/state-dir.js';
import { acquireLock } from '../system/state/state-lock.js';
import { clearPending, deadlinePassed, readPending, writePending } from './pending.js';
import { findInterrupted, readHistory, type HistoryEntry } from './history.js';
import {
  compareHost,
  describeDrift,
  describeStale,
  readHostFile,
  readRuntime,
  StaleState,
  type ExpectedState,
} from './host-state.js';
import { firstCommitted, rollbackChain, type RollbackChain } from './rollback-chain.js';
import { readBackup } from './backup-file.js';
import { restore, runTransaction, type Backup, type TransactionResult } from './transaction.js';

export interface HostContext {
  root: string;
  stateDir: string;
  now: Date;
  user: string;
}

/** What the plan was made from: every key it read a runtime value of, and the owned file's bytes. */
export function planBasis(plan: Plan): ExpectedState {
  return {
    runtime: plan.changes.map((c) => ({ key: c.key, value: c.current })),
    files: [{ path: plan.file.path, bytes: plan.file.before === null ? null : Buffer.from(plan.file.before) }],
  };
}

/** Refuses while an applied change waits for `tune confirm`: a second change on top would blur what is undone. */
function refuseWhilePending(h: HostContext): void {
  const p = readPending(h.stateDir);
  if (p)
    throw new UserError(
      `transaction ${p.id} is waiting for confirmation until ${p.deadline}: \`tune confirm\` it or \`tune rollback\` it first`,
      {},
      1,
    );
}

/**
 * Executes exactly the reviewed plan: its `change` keys in plan order and its owned file's bytes. Under the lock,
 * every value the plan read and the owned file are read again; if any differs, nothing is written (StaleState).
 */
export function applyPlan(h: HostContext, plan: Plan, message: string, confirmWithin?: number): TransactionResult {
  const result = runTransaction(h, 'apply', () => {
    refuseWhilePending(h);
    const stale = compareHost(h.root, planBasis(plan));
    if (stale.length)
      throw new StaleState(
        `the host changed since the plan was made: ${stale.map(describeStale).join('; ')}; nothing was written`,
        stale,
      );
    return {
      kind: 'apply',
      message,
      profiles: plan.profiles,
      runtime: plan.changes.filter((c) => c.status === 'change').map((c) => ({ key: c.key, value: c.target })),
      files: [{ path: plan.file.path, bytes: Buffer.from(plan.file.after) }],
      // The deadline is durable before the commit: a crash right after it still leaves a deadline to enforce.
      ...(confirmWithin !== undefined
        ? {
            beforeCommit: (id: string) =>
              writePending(h.stateDir, {
                id,
                deadline: new Date(Date.now() + confirmWithin * 1000).toISOString(),
                watchdogPid: null,
                root: h.root,
              }),
            onAbort: (id: string) => {
              if (readPending(h.stateDir)?.id === id) clearPending(h.stateDir);
            },
          }
        : {}),
    };
  });
  if (!result) throw new Error('apply decided nothing to do'); // cannot happen: apply always returns a request
  return result;
}

/**
 * Whether an existing file is tune's own: it carries the header tune renders. History is not enough: a file tune
 * adopted and a rollback handed back to its author is that author's again.
 */
export function writtenByTune(content: string | null): boolean {
  return content === null || content.startsWith('# Managed by tune');
}

/** Keys whose value at the next boot would differ from runtime (or come from another file) for one transaction. */
function bootDrift(root: string, b: Backup): string[] {
  const files = readConfigFiles(root);
  const model = modelBoot(
    files,
    'systemd',
    b.after.runtime.map((r) => r.key),
  );
  const owned = b.after.files.map((f) => f.path);
  const out: string[] = [];
  for (const r of b.after.runtime) {
    if (r.value === null) continue;
    const win = model.assignments.get(r.key);
    const runtime = readRuntime(root, r.key);
    const now = runtime === null ? '(absent)' : normalizeValue(runtime);
    if (!win) out.push(`${r.key}: nothing sets it at boot (runtime ${now} is lost at reboot)`);
    else if (runtime === null || !sameValue(win.value, runtime))
      out.push(`${r.key}: runtime ${now} but boot sets ${normalizeValue(win.value)} (${win.file}:${win.line})`);
    else if (!owned.includes(win.file)) out.push(`${r.key}: at boot ${win.file}:${win.line} sets it, not ${owned[0]}`);
  }
  return out;
}

/** The whole chain since tune's first transaction on record (what tune left, for drift), or null with none. */
function chainSinceFirst(h: HostContext, entries: HistoryEntry[]): RollbackChain | null {
  const first = firstCommitted(entries);
  return first ? rollbackChain(entries, (id) => readBackup(h.stateDir, id), first) : null;
}

/** Everything `tune status` calls drift: host vs what tune's transactions left, and boot vs runtime. */
export function statusDrift(h: HostContext, entries: HistoryEntry[], lastApplied: string | null): string[] {
  const chain = chainSinceFirst(h, entries);
  const host = chain ? compareHost(h.root, chain.left).map(describeDrift) : [];
  const boot = lastApplied ? bootDrift(h.root, readBackup(h.stateDir, lastApplied)) : [];
  return [...host, ...boot];
}

/** The newest apply still in effect: what a bare `tune rollback` undoes (with everything after it). */
export function lastApplied(entries: HistoryEntry[]): string {
  const last = [...entries]
    .reverse()
    .find((e) => e.kind === 'apply' && (e.state === 'applied' || e.state === 'pending confirmation'));
  if (!last) throw new UserError('no applied transaction to roll back (see `tune history`)', {}, 1);
  return last.id;
}

export interface RollbackPreview {
  chain: RollbackChain;
  entries: HistoryEntry[];
  values: { key: string; now: string | null; restored: string }[];
  files: { path: string; now: string | null; restored: string | null }[];
  /** Changes by other writers since tune's last transaction: a rollback overwrites them. */
  drift: string[];
  /** Whether the host already is at the state to restore. */
  nothingToDo: boolean;
}

/** What rolling back to before `target` would do, read now (shown before asking; decided again under the lock). */
export function previewRollback(h: HostContext, target: string): RollbackPreview {
  const entries = readHistory(h.stateDir);
  const chain = rollbackChain(entries, (id) => readBackup(h.stateDir, id), target);
  const values = chain.restore.runtime.flatMap((r) =>
    r.value === null ? [] : [{ key: r.key, now: readRuntime(h.root, r.key), restored: r.value }],
  );
  const files = chain.restore.files.map((f) => {
    const now = readHostFile(h.root, f.path);
    return {
      path: f.path,
      now: now === null ? null : now.toString('utf8'),
      restored: f.bytes === null ? null : f.bytes.toString('utf8'),
    };
  });
  const nothingToDo = compareHost(h.root, chain.restore).length === 0;
  return { chain, entries, values, files, drift: compareHost(h.root, chain.left).map(describeDrift), nothingToDo };
}

/** The first transaction `tune reset` goes back before, or null when none is on record. */
export function resetTarget(h: HostContext): string | null {
  return firstCommitted(readHistory(h.stateDir));
}

export interface RollbackOptions {
  kind: 'rollback' | 'reset';
  /** Overwrite changes made by other writers since tune's last transaction. */
  force: boolean;
  /** What the operator reviewed: if the chain or the drift differs under the lock, nothing is written. */
  seen?: { tip: string; drift: string[] };
  trigger?: Backup['trigger'];
}

/** The runtime writes that restore `state`, ordered so every intermediate state is one the kernel accepts. */
function restoreWrites(root: string, state: ExpectedState): { key: string; value: string }[] {
  const items = state.runtime.flatMap((r) => {
    if (r.value === null) return [];
    const current = readRuntime(root, r.key);
    if (current !== null && sameValue(current, r.value)) return [];
    return [{ key: r.key, current: current ?? undefined, target: r.value }];
  });
  return orderWrites(items).map((i) => ({ key: i.key, value: i.target }));
}

/**
 * Restores the state from before `target`: undoes it and every later committed transaction, newest first, as one
 * new transaction (itself undoable). Returns null when the host already is in that state.
 */
export function rollbackTo(h: HostContext, target: string, opts: RollbackOptions): TransactionResult | null {
  const expiry = opts.trigger === 'expired-confirmation';
  return runTransaction(h, opts.kind, () => {
    const pending = readPending(h.stateDir);
    // The watchdog (or a late prompt) acts only on a confirmation that is still pending and past its deadline.
    if (expiry && (!pending || pending.id !== target || !deadlinePassed(pending, new Date()))) return null;
    const settleExpiry = (record: Record<string, unknown>) => {
      appendJournal(transactionDir(h.stateDir, target), { step: 'expired', ...record });
      clearPending(h.stateDir);
    };
    const entries = readHistory(h.stateDir);
    const chain = rollbackChain(entries, (id) => readBackup(h.stateDir, id), target);
    if (opts.seen && opts.seen.tip !== chain.tip)
      throw new StaleState(
        `transaction ${chain.tip} was committed after the preview; nothing was written: review again`,
        [],
      );
    const runtime = restoreWrites(h.root, chain.restore);
    const changedFiles = compareHost(h.root, { runtime: [], files: chain.restore.files }).map((m) => m.name);
    if (!runtime.length && !changedFiles.length) {
      if (expiry) settleExpiry({ rolledBack: true, note: 'nothing to restore' });
      return null;
    }
    const drift = compareHost(h.root, chain.left).map(describeDrift);
    if (opts.seen && JSON.stringify(drift) !== JSON.stringify(opts.seen.drift))
      throw new StaleState(
        `the host changed after the preview (${drift.join('; ') || 'the changes shown are gone'}); nothing was written: review again`,
        [],
      );
    if (drift.length && !opts.force) {
      // Like a person without --force, the watchdog does not overwrite another writer's change: it records why.
      if (expiry) {
        settleExpiry({ rolledBack: false, error: `not rolled back: ${drift.join('; ')}` });
        return null;
      }
      throw new UserError(
        `the host changed since tune's last transaction (not by tune): ${drift.join('; ')}. Use --force to roll back anyway`,
        {},
        1,
      );
    }
    const undoes = chain.undoes.map((e) => e.id);
    return {
      kind: opts.kind,
      message: expiry
        ? `confirmation of ${target} expired`
        : `${opts.kind === 'reset' ? 'reset to before' : 'rollback to before'} ${target}`,
      profiles: [],
      of: target,
      undoes,
      ...(opts.trigger ? { trigger: opts.trigger } : {}),
      runtime,
      files: chain.restore.files.filter((f) => changedFiles.includes(f.path)),
      onCommit: (id) => {
        if (expiry) settleExpiry({ rolledBack: true, by: id });
        else if (pending && undoes.includes(pending.id)) clearPending(h.stateDir);
      },
    };
  });
}

/**
 * Brings runtime values and files back to their state before an interrupted transaction, and removes the temporary
 * files its killed writer left next to them. Until `recovered` is in its journal the transaction stays interrupted
 * (restoring again is harmless), so every failure here says to run `tune recover` again.
 */
export function recoverInterrupted(h: HostContext): { id: string; account: string } | null {
  const release = acquireLock(h.stateDir, 'recover');
  try {
    const id = findInterrupted(h.stateDir);
    if (!id) return null;
    const b = readBackup(h.stateDir, id);
    for (const f of b.before.files) removeStaleTemporaries(confinedPath(h.root, f.path, 'nofollow'));
    const failed: string[] = [];
    const account = restore(h.root, b.before, undefined, failed);
    const dir = transactionDir(h.stateDir, id);
    if (failed.length) {
      try {
        appendJournal(dir, { step: 'recover-failed', by: h.user, account });
      } catch {
        /* not an end either way: it stays interrupted */
      }
      throw new UserError(
        `could not recover transaction ${id}: ${account}; it stays interrupted: run \`tune recover\` again once that is fixed`,
        {},
        1,
      );
    }
    try {
      appendJournal(dir, { step: 'recovered', by: h.user, account });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(
        `${e.message}: the state from before transaction ${id} is restored (${account}) but not recorded; run \`tune recover\` again`,
        e.location,
        1,
      );
    }
    // An apply that crashed after writing its deadline never committed: nothing waits for confirmation.
    if (readPending(h.stateDir)?.id === id) clearPending(h.stateDir);
    return { id, account };
  } finally {
    release();
  }
}
