// `apply --confirm-within S`: the change stays pending until `tune confirm`; a detached watchdog rolls it back
// when the deadline passes, even if the shell or SSH session that ran apply is gone.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../core/errors.js';
import { writeExact } from '../system/atomic-file.js';
import { acquireLock, appendJournal, transactionDir } from '../system/state-dir.js';
import { rollbackTransaction, type HostContext } from './operations.js';

export interface PendingConfirmation {
  id: string;
  deadline: string;
  watchdogPid: number | null;
  root: string;
}

const pendingFile = (stateDir: string) => path.join(stateDir, 'pending-confirmation.json');

/** The pending confirmation, if any. */
export function readPending(stateDir: string): PendingConfirmation | null {
  try {
    return JSON.parse(fs.readFileSync(pendingFile(stateDir), 'utf8')) as PendingConfirmation;
  } catch {
    return null;
  }
}

function writePending(stateDir: string, p: PendingConfirmation): void {
  writeExact(pendingFile(stateDir), Buffer.from(JSON.stringify(p)), 0o600);
}

/**
 * Leaves transaction `id` pending and starts the watchdog: a detached process in its own session (so it outlives
 * the terminal or SSH session) running `tune watchdog ID` from the same entry point. Returns its pid.
 */
export function startWatchdog(h: HostContext, id: string, seconds: number, entry: string): number | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const deadline = new Date(Date.now() + seconds * 1000).toISOString();
  writePending(h.stateDir, { id, deadline, watchdogPid: null, root: h.root });
  const watchdog = spawn(process.execPath, [entry, 'watchdog', id, '--root', h.root, '--state-dir', h.stateDir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  writePending(h.stateDir, { id, deadline, watchdogPid: watchdog.pid ?? null, root: h.root });
  return watchdog.pid ?? null;
}

/** Confirms the pending transaction: the watchdog finds nothing to do. */
export function confirmPending(h: HostContext): string {
  const release = acquireLock(h.stateDir, 'confirm');
  try {
    const p = readPending(h.stateDir);
    if (!p) throw new UserError('nothing is waiting for confirmation', {}, 1);
    fs.rmSync(pendingFile(h.stateDir), { force: true });
    appendJournal(transactionDir(h.stateDir, p.id), { step: 'confirmed', by: h.user });
    return p.id;
  } finally {
    release();
  }
}

/** The watchdog's work: wait for the deadline; if still unconfirmed, roll the transaction back. */
export async function watchPending(
  h: HostContext,
  id: string,
  sleep: (ms: number) => Promise<void>,
): Promise<'confirmed' | 'rolled back'> {
  const p = readPending(h.stateDir);
  if (!p || p.id !== id) return 'confirmed';
  await sleep(Math.max(0, Date.parse(p.deadline) - Date.now()));
  for (let attempt = 0; ; attempt++) {
    const still = readPending(h.stateDir);
    if (!still || still.id !== id) return 'confirmed';
    try {
      rollbackTransaction({ ...h, now: new Date() }, id, true);
      fs.rmSync(pendingFile(h.stateDir), { force: true });
      appendJournal(transactionDir(h.stateDir, id), { step: 'expired', rolledBack: true });
      return 'rolled back';
    } catch (e) {
      // Another transaction holds the lock (a confirm racing the deadline): try again shortly, for up to a minute.
      if (attempt > 300 || !(e instanceof UserError) || !/another tune transaction/.test(e.message)) throw e;
      await sleep(200);
    }
  }
}
