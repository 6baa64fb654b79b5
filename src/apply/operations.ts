// The three things that change a host, all through runTransaction: apply a plan, roll back a transaction,
// recover from an interrupted one. They execute decisions already made; they never re-plan.
import { modelBoot } from '../core/boot-precedence.js';
import { UserError } from '../core/errors.js';
import type { Plan } from '../core/planner.js';
import type { SysctlKey } from '../core/sysctl-key.js';
import { sameValue } from '../core/sysctl-value.js';
import { readExact } from '../system/atomic-file.js';
import { underRoot } from '../system/host-root.js';
import { readSysctl } from '../system/proc-sys.js';
import { readConfigFiles } from '../system/sysctl-config-files.js';
import { acquireLock, appendJournal, transactionDir } from '../system/state-dir.js';
import { findInterrupted, readHistory } from './history.js';
import { fileBytes, readBackup, restore, runTransaction, type Backup, type TransactionResult } from './transaction.js';

export interface HostContext {
  root: string;
  stateDir: string;
  now: Date;
  user: string;
}

/** Applies the plan's `change` keys in plan order and writes its owned file. */
export function applyPlan(h: HostContext, plan: Plan, message: string): TransactionResult {
  return runTransaction({
    kind: 'apply',
    ...h,
    message,
    profiles: plan.profiles,
    runtime: plan.changes.filter((c) => c.status === 'change').map((c) => ({ key: c.key, value: c.target })),
    file: { path: plan.file.path, bytes: Buffer.from(plan.file.after) },
  });
}

/** Where the host differs from what a transaction left: runtime keys and the owned file. */
export function driftSince(h: HostContext, b: Backup): string[] {
  const drift: string[] = [];
  for (const r of b.after.runtime) {
    const now = readSysctl(h.root, r.key as SysctlKey);
    const cur = now.state === 'ok' ? (now.value ?? '') : null;
    if (r.value !== null && (cur === null || !sameValue(cur, r.value)))
      drift.push(`${r.key} is ${cur ?? '(absent)'}, transaction ${b.id} set ${r.value}`);
  }
  const file = readExact(underRoot(h.root, b.after.file.path));
  const expected = fileBytes(b.after.file);
  if ((file === null) !== (expected === null) || (file && expected && !file.equals(expected)))
    drift.push(`${b.after.file.path} changed since transaction ${b.id}`);
  return drift;
}

/** Keys the last transaction set whose value at the next boot would differ from runtime (or come from another file). */
function bootDrift(root: string, b: Backup): string[] {
  const files = readConfigFiles(root);
  const model = modelBoot(
    files,
    'systemd',
    b.after.runtime.map((r) => r.key),
  );
  const out: string[] = [];
  for (const r of b.after.runtime) {
    if (r.value === null) continue;
    const win = model.assignments.get(r.key);
    const now = readSysctl(root, r.key as SysctlKey);
    const runtime = now.state === 'ok' ? (now.value ?? '') : null;
    if (!win) out.push(`${r.key}: nothing sets it at boot (runtime ${runtime ?? '(absent)'} is lost at reboot)`);
    else if (runtime === null || !sameValue(win.value, runtime))
      out.push(`${r.key}: runtime ${runtime ?? '(absent)'} but boot sets ${win.value} (${win.file}:${win.line})`);
    else if (win.file !== b.after.file.path)
      out.push(`${r.key}: at boot ${win.file}:${win.line} sets it, not ${b.after.file.path}`);
  }
  return out;
}

/** Everything `tune status` calls drift: host vs the transaction, and boot-time values vs runtime. */
export function statusDrift(h: HostContext, b: Backup): string[] {
  return [...driftSince(h, b), ...bootDrift(h.root, b)];
}

/** The last transaction that is applied (what a bare `tune rollback` undoes). */
export function lastApplied(stateDir: string): string {
  const last = [...readHistory(stateDir)].reverse().find((e) => e.state === 'applied');
  if (!last) throw new UserError('no applied transaction to roll back (see `tune history`)', {}, 1);
  return last.id;
}

/** What a rollback of `id` would do: each runtime value now -> restored, and the owned file now -> restored. */
export function rollbackPreview(
  h: HostContext,
  id: string,
): {
  values: { key: string; now: string | null; restored: string }[];
  file: { path: string; now: string | null; restored: string | null };
  drift: string[];
} {
  const b = readBackup(h.stateDir, id);
  const values = [...b.before.runtime].reverse().flatMap((r) => {
    if (r.value === null) return [];
    const now = readSysctl(h.root, r.key as SysctlKey);
    return [{ key: r.key, now: now.state === 'ok' ? (now.value ?? '') : null, restored: r.value }];
  });
  const now = readExact(underRoot(h.root, b.before.file.path));
  const restored = fileBytes(b.before.file);
  return {
    values,
    file: {
      path: b.before.file.path,
      now: now === null ? null : now.toString('utf8'),
      restored: restored === null ? null : restored.toString('utf8'),
    },
    drift: driftSince(h, b),
  };
}

/** Restores the file bytes and runtime values from before transaction `id`, as a new transaction. */
export function rollbackTransaction(h: HostContext, id: string, force: boolean): TransactionResult {
  const b = readBackup(h.stateDir, id);
  const drift = driftSince(h, b);
  if (drift.length && !force)
    throw new UserError(
      `the host changed since transaction ${id}: ${drift.join('; ')}. Use --force to roll back anyway`,
      {},
      1,
    );
  return runTransaction({
    kind: 'rollback',
    ...h,
    message: `rollback of ${id}`,
    profiles: b.profiles,
    of: id,
    runtime: [...b.before.runtime].reverse().flatMap((r) => (r.value === null ? [] : [{ key: r.key, value: r.value }])),
    file: { path: b.before.file.path, bytes: fileBytes(b.before.file) },
  });
}

/** Brings runtime values and the owned file back to their state before an interrupted transaction. */
export function recoverInterrupted(h: HostContext): { id: string; account: string } | null {
  const release = acquireLock(h.stateDir, 'recover');
  try {
    const id = findInterrupted(h.stateDir);
    if (!id) return null;
    const b = readBackup(h.stateDir, id);
    const account = restore(h.root, b.before);
    appendJournal(transactionDir(h.stateDir, id), { step: 'recovered', by: h.user, account });
    return { id, account };
  } finally {
    release();
  }
}
