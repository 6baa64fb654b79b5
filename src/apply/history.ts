// Transaction history from the state directory: what each did and how it ended.
import { listTransactions, lockHeldByAnother, readJournal, transactionDir } from '../system/state-dir.js';
import fs = require('node:fs');
import path = require('node:path');

export type TransactionState =
  'applied' | 'rolled back' | 'interrupted' | 'recovered' | 'aborted' | 'pending confirmation';

export interface HistoryEntry {
  id: string;
  kind: string;
  createdAt: string;
  user: string;
  message: string;
  profiles: string[];
  of: string | null;
  keys: string[];
  state: TransactionState;
  error: string | null;
}

/** Every transaction, oldest first, with its state. */
export function readHistory(stateDir: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const id of listTransactions(stateDir)) {
    const dir = transactionDir(stateDir, id);
    let backup: Record<string, unknown> = {};
    try {
      backup = JSON.parse(fs.readFileSync(path.join(dir, 'backup.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      continue; // crashed before its backup was durable: nothing was changed by it
    }
    const journal = readJournal(dir);
    const last = journal.find((r) => r.step === 'aborted');
    const state = journalState(journal);
    const after = backup.after as { runtime?: { key: string }[] } | undefined;
    entries.push({
      id,
      kind: String(backup.kind ?? ''),
      createdAt: String(backup.createdAt ?? ''),
      user: String(backup.user ?? ''),
      message: String(backup.message ?? ''),
      profiles: (backup.profiles as string[]) ?? [],
      of: (backup.of as string) ?? null,
      keys: (after?.runtime ?? []).map((r) => r.key),
      state,
      error: last ? String(last.error) : null,
    });
  }
  // An applied transaction that a later committed rollback undid is shown as rolled back.
  for (const e of entries)
    if (e.kind === 'rollback' && e.state === 'applied' && e.of) {
      const target = entries.find((x) => x.id === e.of);
      if (target && target.state === 'applied') target.state = 'rolled back';
    }
  // A committed apply still waiting for `tune confirm`.
  const pending = readPendingId(stateDir);
  const waiting = entries.find((e) => e.id === pending && e.state === 'applied');
  if (waiting) waiting.state = 'pending confirmation';
  return entries;
}

function readPendingId(stateDir: string): string | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(stateDir, 'pending-confirmation.json'), 'utf8')) as { id: string }).id;
  } catch {
    return null;
  }
}

/**
 * The id of a transaction that began but neither committed nor aborted nor was recovered, and that no other live
 * process is still running: a crash. Only the newest can be (none starts while one is interrupted; recover creates
 * none). Inside a transaction the lock is ours, so a crashed predecessor is still found.
 */
export function findInterrupted(stateDir: string): string | undefined {
  const last = listTransactions(stateDir).at(-1);
  if (last === undefined || journalState(readJournal(transactionDir(stateDir, last))) !== 'interrupted')
    return undefined;
  return lockHeldByAnother(stateDir) ? undefined : last;
}

/** How a transaction ended, from its journal: begun and never ended means a crash. */
function journalState(journal: Record<string, unknown>[]): TransactionState {
  const steps = journal.map((r) => String(r.step));
  if (steps.includes('recovered')) return 'recovered';
  if (steps.includes('aborted')) return 'aborted';
  if (steps.includes('commit')) return 'applied';
  return steps.includes('begin') ? 'interrupted' : 'aborted';
}
