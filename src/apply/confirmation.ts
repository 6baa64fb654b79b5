// `apply --confirm-within S`: the change stays pending until `tune confirm`; at the deadline it is rolled back, by
// the detached watchdog (which outlives the terminal or SSH session) or by the apply still waiting on a terminal,
// whichever takes the lock first. A confirmation after the deadline is refused: it would claim a change that is gone.
import * as fs from 'node:fs';
import { UserError } from '../core/errors.js';
import { appendJournal, transactionDir } from '../system/state/state-dir.js';
import { acquireLock, LockBusy } from '../system/state/state-lock.js';
import { readHistory } from './history.js';
import { rollbackTo, type HostContext } from './operations.js';
import { clearPending, deadlinePassed, readPending, writePending } from './pending.js';

/** The longest confirmation window: a dead-man switch is for minutes, and timers above 2^31 ms misfire. */
export const MAX_CONFIRM_SECONDS = 86_400;

/**
 * Starts the watchdog of transaction `id`, whose deadline its apply made durable before committing: a detached
 * process in its own session running `tune watchdog ID` from the same entry point. Returns its pid and the deadline.
 * Should this process die first, every later tune command enforces the deadline (enforceExpiredConfirmation).
 */
export function startWatchdog(h: HostContext, id: string, entry: string): { pid: number | null; deadline: Date } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const pending = readPending(h.stateDir);
  if (!pending || pending.id !== id) throw new UserError(`transaction ${id} is not waiting for confirmation`, {}, 1);
  const deadline = new Date(pending.deadline);
  const watchdog = spawn(process.execPath, [entry, 'watchdog', id, '--root', h.root, '--state-dir', h.stateDir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  // Its pid is recorded under the lock, and only while `id` still waits: a confirm in between is never undone.
  try {
    const release = acquireLock(h.stateDir, 'apply');
    try {
      if (readPending(h.stateDir)?.id === id)
        writePending(h.stateDir, { ...pending, watchdogPid: watchdog.pid ?? null });
    } finally {
      release();
    }
  } catch (e) {
    if (!(e instanceof LockBusy)) throw e; // busy: the pid is only informational
  }
  return { pid: watchdog.pid ?? null, deadline };
}

/** How the confirmation of `id` ended, from the history: the rollback its expiry triggered, if any. */
export function expiryOf(h: HostContext, id: string): { rollback: string | null; note: string } | null {
  const entries = readHistory(h.stateDir);
  const rb = entries.find((e) => e.trigger === 'expired-confirmation' && e.of === id && e.committed);
  if (rb) return { rollback: rb.id, note: `rolled back as transaction ${rb.id} at ${rb.createdAt}` };
  const kept = entries.find((e) => e.id === id && e.state === 'expired, not rolled back');
  if (kept) return { rollback: null, note: `${kept.error ?? 'not rolled back'}` };
  return null;
}

/**
 * Rolls `id` back if its confirmation is still pending and past its deadline. The watchdog and a prompt waiting on a
 * terminal reach the deadline together: whoever gets the lock second waits for it (bounded) and then finds it done.
 */
export async function expirePending(h: HostContext, id: string, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      rollbackTo({ ...h, now: new Date() }, id, { kind: 'rollback', force: false, trigger: 'expired-confirmation' });
      return;
    } catch (e) {
      if (!(e instanceof LockBusy) || attempt >= 300) throw e;
      await sleep(200);
    }
  }
}

/**
 * Takes the lock, waiting (at most 10 s) while another process holds it: at a deadline the watchdog holds it for a
 * moment, and an operator's confirm must then get a truthful answer, not "busy".
 */
async function lockWaiting(h: HostContext, command: string, sleep: (ms: number) => Promise<void>) {
  for (let attempt = 0; ; attempt++) {
    try {
      return acquireLock(h.stateDir, command);
    } catch (e) {
      if (!(e instanceof LockBusy) || attempt >= 50) throw e;
      await sleep(200);
    }
  }
}

/** Confirms the pending transaction; after its deadline this is refused (exit 1) and the rollback is enforced. */
export async function confirmPending(h: HostContext, sleep: (ms: number) => Promise<void>): Promise<string> {
  // No state directory: nothing was ever applied there. Taking the lock would create one (a mistyped --state-dir).
  if (!fs.existsSync(h.stateDir))
    throw new UserError(`nothing is waiting for confirmation (no state directory at ${h.stateDir})`, {}, 1);
  const release = await lockWaiting(h, 'confirm', sleep);
  let late: string | null = null;
  try {
    const p = readPending(h.stateDir);
    if (!p) {
      const last = [...readHistory(h.stateDir)].reverse().find((e) => e.kind === 'apply' && e.committed);
      const expired = last ? expiryOf(h, last.id) : null;
      if (last && expired)
        throw new UserError(
          `too late: the confirmation deadline of transaction ${last.id} passed; it was ${expired.note}`,
          {},
          1,
        );
      throw new UserError('nothing is waiting for confirmation', {}, 1);
    }
    if (!deadlinePassed(p, new Date())) {
      clearPending(h.stateDir);
      appendJournal(transactionDir(h.stateDir, p.id), { step: 'confirmed', by: h.user });
      return p.id;
    }
    late = p.id;
  } finally {
    release();
  }
  // Past the deadline and the watchdog has not acted yet (dead, or a moment late): enforce it now.
  await expirePending(h, late, sleep);
  const how = expiryOf(h, late);
  throw new UserError(
    `too late: the confirmation deadline of transaction ${late} passed; it was ${how?.note ?? 'rolled back'}`,
    {},
    1,
  );
}

/**
 * What every tune command does first: a confirmation whose deadline passed while nothing enforced it (the watchdog
 * was killed, or the machine was off) is rolled back now, like the watchdog would have. Returns the line to show,
 * or null when nothing was overdue. Never throws for a state it cannot act on: it says why instead.
 */
export function enforceExpiredConfirmation(h: HostContext): string | null {
  const p = readPending(h.stateDir);
  if (!p || !deadlinePassed(p, new Date())) return null;
  try {
    rollbackTo({ ...h, root: p.root, now: new Date() }, p.id, {
      kind: 'rollback',
      force: false,
      trigger: 'expired-confirmation',
    });
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return `tune: warning: the confirmation deadline of transaction ${p.id} passed at ${p.deadline} and could not be enforced now: ${e.format()}`;
  }
  const how = expiryOf(h, p.id);
  return `tune: the confirmation deadline of transaction ${p.id} passed at ${p.deadline}: it was ${how?.note ?? 'rolled back'}`;
}

/** The watchdog's work: wait for the deadline; if still unconfirmed, roll the transaction back. */
export async function watchPending(h: HostContext, id: string, sleep: (ms: number) => Promise<void>): Promise<void> {
  for (;;) {
    const p = readPending(h.stateDir);
    if (!p || p.id !== id) return;
    const left = Date.parse(p.deadline) - Date.now();
    if (left <= 0) return expirePending(h, id, sleep);
    await sleep(Math.min(left, 60_000));
  }
}
