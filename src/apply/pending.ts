// The pending confirmation of an `apply --confirm-within` (pending-confirmation.json in the state directory): which
// transaction waits, until when, and the watchdog that enforces the deadline.
import path = require('node:path');
import { writeExact } from '../system/atomic-file.js';
import { readStateFile } from '../system/state-dir.js';

export interface PendingConfirmation {
  id: string;
  deadline: string;
  watchdogPid: number | null;
  root: string;
}

const pendingFile = (stateDir: string) => path.join(stateDir, 'pending-confirmation.json');

/** The pending confirmation, if any. */
export function readPending(stateDir: string): PendingConfirmation | null {
  const text = readStateFile(pendingFile(stateDir));
  if (text === null) return null;
  try {
    const p = JSON.parse(text) as PendingConfirmation;
    return p && typeof p.id === 'string' && typeof p.deadline === 'string' && !Number.isNaN(Date.parse(p.deadline))
      ? p
      : null;
  } catch {
    return null; // torn by a crash: nothing is pending that can be enforced
  }
}

/** Records (durably) that `p.id` waits for confirmation until `p.deadline`. */
export function writePending(stateDir: string, p: PendingConfirmation): void {
  writeExact(pendingFile(stateDir), Buffer.from(JSON.stringify(p)), 0o600);
}

/** Nothing waits any more (confirmed, rolled back, or expired). */
export function clearPending(stateDir: string): void {
  writeExact(pendingFile(stateDir), null);
}

/** Whether the deadline has passed at `now`. */
export function deadlinePassed(p: PendingConfirmation, now: Date): boolean {
  return Date.parse(p.deadline) <= now.getTime();
}
