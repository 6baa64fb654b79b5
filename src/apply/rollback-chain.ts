// Rolling back to a point: transaction ID and every later committed one are undone together, newest first, so the
// host returns to exactly the state before ID. Pure: works on history entries and backups already read.
import { UserError } from '../core/errors.js';
import type { HistoryEntry } from './history.js';
import type { ExpectedState } from './host-state.js';
import { fileBytes, type Backup } from './transaction.js';

/** What undoing a chain means: the state to restore, and the state tune's own transactions left (not drift). */
export interface RollbackChain {
  /** The transaction whose before-state is restored. */
  target: string;
  /** Every committed transaction from the target on, newest first. */
  undoes: HistoryEntry[];
  /** The newest of them: a transaction committed after a preview changes this. */
  tip: string;
  /** Each key and file as it was before the first transaction that touched it in the chain. */
  restore: ExpectedState;
  /** Each key and file as the last transaction that touched it left it: anything else is another writer (drift). */
  left: ExpectedState;
}

/** The chain that rolls back to the state before `target`. A bad or uncommitted id is a one-line error. */
export function rollbackChain(entries: HistoryEntry[], backups: (id: string) => Backup, target: string): RollbackChain {
  const at = entries.findIndex((e) => e.id === target);
  const entry = entries[at];
  if (!entry) throw new UserError(`no transaction ${target} on record (see \`tune history\`)`, {}, 1);
  if (!entry.committed)
    throw new UserError(
      `transaction ${target} ${entry.state === 'aborted' ? 'was aborted' : `is ${entry.state}`}: it left nothing to roll back`,
      {},
      1,
    );
  const chain = entries.slice(at).filter((e) => e.committed);
  const restoreRuntime = new Map<string, string | null>();
  const restoreFiles = new Map<string, Buffer | null>();
  const leftRuntime = new Map<string, string | null>();
  const leftFiles = new Map<string, Buffer | null>();
  for (const e of chain) {
    const b = backups(e.id);
    for (const r of b.before.runtime) if (!restoreRuntime.has(r.key)) restoreRuntime.set(r.key, r.value);
    for (const f of b.before.files) if (!restoreFiles.has(f.path)) restoreFiles.set(f.path, fileBytes(f));
    for (const r of b.after.runtime) leftRuntime.set(r.key, r.value);
    for (const f of b.after.files) leftFiles.set(f.path, fileBytes(f));
  }
  const state = (rt: Map<string, string | null>, fs: Map<string, Buffer | null>): ExpectedState => ({
    runtime: [...rt].map(([key, value]) => ({ key, value })),
    files: [...fs].map(([path, bytes]) => ({ path, bytes })),
  });
  return {
    target,
    undoes: [...chain].reverse(),
    tip: chain.at(-1)?.id ?? target,
    restore: state(restoreRuntime, restoreFiles),
    left: state(leftRuntime, leftFiles),
  };
}

/** The first committed transaction still on record: `tune reset` rolls back to the state before it. */
export function firstCommitted(entries: HistoryEntry[]): string | null {
  return entries.find((e) => e.committed)?.id ?? null;
}
