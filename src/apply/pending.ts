// The pending confirmation of an `apply --confirm-within` (pending-confirmation.json in the state directory): which
// transaction waits, until when, and the watchdog that enforces the deadline.
import fs = require('node:fs');
import path = require('node:path');
import { writeExact } from '../system/atomic-file.js';

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
    const p = JSON.parse(fs.readFileSync(pendingFile(stateDir), 'utf8')) as PendingConfirmation;
    return p && typeof p.id === 'string' && typeof p.deadline === 'string' ? p : null;
  } catch {
    return null;
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
