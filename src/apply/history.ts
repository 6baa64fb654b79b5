// Transaction history from the state directory: what each did and how it ended.
import { UserError } from '../core/errors.js';
import { listTransactions, readJournal, readStateFile, transactionDir } from '../system/state/state-dir.js';
import { lockHeldByAnother } from '../system/state/state-lock.js';
import { backupPath, parseBackup } from './backup-file.js';
import { readPending } from './pending.js';

export type TransactionState =
  | 'applied'
  | 'rolled back'
  | 'interrupted'
  | 'running'
  | 'recovered'
  | 'aborted'
  | 'pending confirmation'
  | 'expired, not rolled back';

export interface HistoryEntry {
  id: string;
  kind: string;
  createdAt: string;
  user: string;
  message: string;
  profiles: string[];
  of: string | null;
  /** rollback/reset: the transactions it undid, newest first. */
  undoes: string[];
  /** 'expired-confirmation' for the rollback the confirmation deadline triggered. */
  trigger: string | null;
  /** The rollback or reset that undid this transaction, if one did. */
  undoneBy: string | null;
  keys: string[];
  /** Host paths the transaction wrote. */
  files: string[];
  /** It committed: its changes reached the host (it may have been undone since). */
  committed: boolean;
  state: TransactionState;
  error: string | null;
}

/**
 * Every transaction, in the order they ran, with its state. A transaction that never began (no `begin` in its
 * journal) and has no readable backup crashed before its backup was durable and changed nothing: it is skipped.
 * Any other backup must be one tune wrote, or the history is refused with one line naming the file (exit 1).
 */
export function readHistory(stateDir: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const id of listTransactions(stateDir)) {
    const dir = transactionDir(stateDir, id);
    const journal = readJournal(dir);
    const file = backupPath(stateDir, id);
    const text = readStateFile(file);
    const began = journal.some((r) => r.step === 'begin');
    if (!began && (text === null || !parsesAsJson(text))) continue;
    if (text === null) throw new UserError(`transaction ${id} began but has no backup`, { file }, 1);
    const backup = parseBackup(text, id, file);
    const aborted = journal.find((r) => r.step === 'aborted');
    const expired = journal.find((r) => r.step === 'expired' && r.rolledBack === false);
    const state = journalState(journal);
    entries.push({
      id,
      kind: backup.kind,
      createdAt: backup.createdAt,
      user: backup.user,
      message: backup.message,
      profiles: backup.profiles,
      of: backup.of ?? null,
      undoes: backup.undoes ?? (backup.of ? [backup.of] : []),
      trigger: backup.trigger ?? null,
      undoneBy: null,
      keys: [...new Set(backup.after.runtime.map((r) => r.key))],
      files: backup.after.files.map((f) => f.path),
      committed: state === 'applied',
      state: state === 'applied' && expired ? 'expired, not rolled back' : state,
      error: aborted ? String(aborted.error) : expired ? String(expired.error ?? '') : null,
    });
  }
  // Which committed transactions are in effect now, replayed in order: a rollback or reset to before X brings back
  // exactly the set that was in effect before X (so a rollback of a rollback puts its transactions back in effect).
  let inEffect = new Set<string>();
  const effectBefore = new Map<string, Set<string>>();
  const removedBy = new Map<string, string>();
  for (const e of entries.filter((x) => x.committed)) {
    effectBefore.set(e.id, new Set(inEffect));
    if (e.of && e.undoes.length) {
      const restored = effectBefore.get(e.of) ?? new Set<string>();
      for (const id of inEffect) if (!restored.has(id)) removedBy.set(id, e.id);
      inEffect = new Set(restored);
    }
    inEffect.add(e.id);
  }
  for (const e of entries)
    if (e.committed && !inEffect.has(e.id)) {
      e.undoneBy = removedBy.get(e.id) ?? null;
      e.state = 'rolled back';
    }
  // A committed apply still waiting for `tune confirm`.
  const pending = readPending(stateDir)?.id;
  const waiting = entries.find((e) => e.id === pending && e.state === 'applied');
  if (waiting) waiting.state = 'pending confirmation';
  // Begun and not ended while another process holds the lock: the newest such is that process's, still running.
  const open = entries.filter((e) => e.state === 'interrupted').pop();
  if (open && lockHeldByAnother(stateDir)) open.state = 'running';
  return entries;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The id of a transaction that began but neither committed nor aborted nor was recovered, and that no other live
 * process is still running (it holds the lock): a crash. Found by journal state, not by position, so an older interrupted transaction
 * is never hidden behind a newer one. Inside a transaction the lock is ours, so a crashed predecessor is found.
 */
export function findInterrupted(stateDir: string): string | undefined {
  const ids = listTransactions(stateDir);
  let checkedLock = false;
  for (let i = ids.length - 1; i >= 0; i--) {
    const id = ids[i] ?? '';
    const open = () => journalState(readJournal(transactionDir(stateDir, id))) === 'interrupted';
    if (!open()) continue;
    if (!checkedLock) {
      checkedLock = true;
      // The newest open one may be another process's transaction, still running; an older one cannot be.
      if (lockHeldByAnother(stateDir)) continue;
      // Its process may have committed and released the lock between the two reads: open after a free lock is a crash.
      if (!open()) continue;
    }
    return id;
  }
  return undefined;
}

/** How a transaction ended, from its journal: begun and never ended means a crash. */
function journalState(journal: Record<string, unknown>[]): TransactionState {
  const steps = journal.map((r) => String(r.step));
  if (steps.includes('recovered')) return 'recovered';
  if (steps.includes('aborted')) return 'aborted';
  if (steps.includes('commit')) return 'applied';
  return steps.includes('begin') ? 'interrupted' : 'aborted';
}
