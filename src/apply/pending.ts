// The pending confirmation of an `apply --confirm-within` (pending-confirmation.json in the state directory): which
// transaction waits, until when, and the watchdog that enforces the deadline.
import path = require('node:path');
import { writeExact } from '../system/files/atomic-file.js';
import { UserError } from '../core/errors.js';
import { JsonField, parseChecked } from '../core/json-shape.js';
import { isTransactionId, readStateFile } from '../system/state/state-dir.js';

export interface PendingConfirmation {
  id: string;
  deadline: string;
  watchdogPid: number | null;
  root: string;
}

const pendingFile = (stateDir: string) => path.join(stateDir, 'pending-confirmation.json');

/**
 * The pending confirmation, if any. It is written atomically (never torn), so a file that is not one tune wrote is a
 * one-line error naming it (exit 1), not "nothing pending": guessing could drop a rollback the operator relies on.
 */
export function readPending(stateDir: string): PendingConfirmation | null {
  const file = pendingFile(stateDir);
  const text = readStateFile(file);
  if (text === null) return null;
  const bad = (why: string): never => {
    throw new UserError(`not a pending confirmation tune wrote: ${why}`, { file }, 1);
  };
  return parseChecked(
    text,
    (data: unknown) => {
      const f = new JsonField(data);
      const id = f.field('id').string();
      if (!isTransactionId(id)) f.field('id').fail('a transaction id');
      const deadline = f.field('deadline').string();
      if (Number.isNaN(Date.parse(deadline))) f.field('deadline').fail('a date and time');
      return {
        id,
        deadline,
        watchdogPid: f.field('watchdogPid').nullable((v) => v.number({ min: 1, whole: true })),
        root: f.field('root').string(),
      };
    },
    bad,
  );
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
