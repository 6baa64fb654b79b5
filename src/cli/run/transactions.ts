// `tune history`, `tune status`, `tune rollback`, `tune reset`, `tune recover`, `tune confirm`: the state directory
// as people see it.
import { readHistory, type HistoryEntry } from '../../apply/history.js';
import {
  lastApplied,
  previewRollback,
  recoverInterrupted,
  resetTarget,
  rollbackTo,
  statusDrift,
} from '../../apply/operations.js';
import { readPending } from '../../apply/pending.js';
import { StaleState } from '../../apply/host-state.js';
import { ReportedFailure, UserError } from '../../core/errors.js';
import { excerpt } from '../../core/text/excerpt.js';
import { diffOwnedFile } from '../../core/plan/owned-file.js';
import { normalizeValue } from '../../core/sysctl/sysctl-value.js';
import { renderTable } from '../../core/text/text-table.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { isTransactionId } from '../../system/state/state-dir.js';
import { hostContext } from '../host-context.js';

interface StateFlags {
  root?: string;
  stateDir?: string;
  json?: boolean;
  yes?: boolean;
  force?: boolean;
}

/** KIND as people read it: `rollback of X`, `rollback of X (confirmation expired)`, `reset to before X`. */
function kindText(e: HistoryEntry): string {
  if (!e.of) return e.kind;
  const base = e.kind === 'reset' ? `reset to before ${e.of}` : `rollback of ${e.of}`;
  const more = e.undoes.length > 1 ? ` (+${e.undoes.length - 1} later)` : '';
  return `${base}${more}${e.trigger === 'expired-confirmation' ? ' (confirmation expired)' : ''}`;
}

export function runHistory(ctx: CliContext, flags: StateFlags): number {
  const h = hostContext(ctx, flags);
  const entries = readHistory(h.stateDir);
  if (flags.json) {
    ctx.out(JSON.stringify(entries, null, 2) + '\n');
    return EXIT.OK;
  }
  if (!entries.length) {
    ctx.out(`No transactions in ${h.stateDir}.\n`);
    return EXIT.OK;
  }
  const rows = renderTable([
    ['ID', 'TIME', 'USER', 'KIND', 'STATE', 'KEYS', 'PROFILES / MESSAGE'].map((t) => ({
      text: t,
      paint: ctx.style.bold,
    })),
    ...entries.map((e) => [
      e.id,
      e.createdAt,
      e.user,
      kindText(e),
      e.undoneBy ? `${e.state} (${e.undoneBy})` : e.state,
      String(e.keys.length),
      [e.profiles.join(','), e.message].filter(Boolean).join(' / '),
    ]),
  ]);
  ctx.out(rows.join('\n') + '\n');
  return EXIT.OK;
}

export function runStatus(ctx: CliContext, flags: StateFlags): number {
  const h = hostContext(ctx, flags);
  const entries = readHistory(h.stateDir);
  const last = entries.at(-1) ?? null;
  const interrupted = entries.find((e) => e.state === 'interrupted') ?? null;
  const applied = [...entries]
    .reverse()
    .find((e) => e.kind === 'apply' && (e.state === 'applied' || e.state === 'pending confirmation'));
  const drift = statusDrift(h, entries, applied?.id ?? null);
  const p = readPending(h.stateDir);
  const pending = p
    ? {
        id: p.id,
        deadline: p.deadline,
        secondsLeft: Math.max(0, Math.round((Date.parse(p.deadline) - h.now.getTime()) / 1000)),
      }
    : null;
  if (flags.json) {
    ctx.out(JSON.stringify({ last, interrupted, pending, lastApplied: applied?.id ?? null, drift }, null, 2) + '\n');
    return EXIT.OK;
  }
  const out = [`Last transaction: ${last ? `${last.id} (${kindText(last)}, ${last.state})` : 'none'}`];
  if (pending)
    out.push(
      ctx.style.yellow(
        `Pending confirmation of ${pending.id}: ${pending.secondsLeft}s left (\`tune confirm\` keeps it; otherwise it is rolled back).`,
      ),
    );
  if (interrupted)
    out.push(
      ctx.style.red(`Interrupted transaction ${interrupted.id}: run \`tune recover\` to restore the state before it.`),
    );
  if (entries.some((e) => e.committed))
    out.push(
      drift.length
        ? ctx.style.yellow(`Drift since tune's last transaction:\n  ${drift.join('\n  ')}`)
        : `No drift since tune's last transaction${applied ? ` (last applied: ${applied.id})` : ''}.`,
    );
  ctx.out(out.join('\n') + '\n');
  return EXIT.OK;
}

/** Shared by rollback and reset: preview every transaction undone and every value and file restored, ask, run. */
async function rollBackTo(
  ctx: CliContext,
  flags: StateFlags,
  target: string,
  kind: 'rollback' | 'reset',
): Promise<number> {
  const h = hostContext(ctx, flags);
  if (!flags.yes && !ctx.isTerminal)
    throw new UserError('no terminal to ask for confirmation: review with `tune history`, then pass --yes');
  const preview = previewRollback(h, target);
  const undoes = preview.chain.undoes;
  if (preview.nothingToDo) {
    ctx.out(`Nothing to do: the host already is in the state from before ${target}.\n`);
    return EXIT.OK;
  }
  const lines = [
    ctx.style.bold(
      `${kind === 'reset' ? 'Reset' : 'Rolling back'} to the state before ${target} undoes ${undoes.length} transaction(s), newest first:`,
    ),
    ...undoes.map((e) => `  ${e.id}  ${kindText(e)}  ${[e.profiles.join(','), e.message].filter(Boolean).join(' / ')}`),
    ctx.style.bold('It restores:'),
  ];
  for (const v of preview.values)
    if (v.now === null || normalizeValue(v.now) !== normalizeValue(v.restored))
      lines.push(`  ${v.key}: ${v.now === null ? '(absent)' : normalizeValue(v.now)} -> ${normalizeValue(v.restored)}`);
  for (const f of preview.files) {
    if (f.restored === null)
      lines.push(f.now === null ? `  ${f.path}: stays absent` : `  ${f.path}: removed (it did not exist before)`);
    else {
      const diff = diffOwnedFile(f.path, f.now, f.restored);
      lines.push(diff ? diff.trimEnd() : `  ${f.path}: unchanged`);
    }
  }
  if (preview.drift.length)
    lines.push(
      ctx.style.yellow(
        `Changed by another writer since tune's last transaction (a rollback overwrites it):\n  ${preview.drift.join('\n  ')}`,
      ),
    );
  ctx.out(lines.join('\n') + '\n');
  let force = flags.force === true;
  if (!flags.yes) {
    const { confirmYes, PromptAborted } = await import('../prompts.js');
    try {
      const question = preview.drift.length
        ? `${kind === 'reset' ? 'Reset' : 'Roll back'} anyway, overwriting those changes?`
        : `${kind === 'reset' ? 'Reset' : 'Roll back'}?`;
      if (!(await confirmYes(question))) {
        ctx.err('Not confirmed: nothing changed.\n');
        return EXIT.RUNTIME;
      }
    } catch (e) {
      if (!(e instanceof PromptAborted)) throw e;
      ctx.err('Aborted: nothing changed.\n');
      throw new ReportedFailure(EXIT.RUNTIME);
    }
    force = true;
  }
  // What was shown is what may run: a transaction committed since, or different drift, stops it (with --yes too).
  const seen = { tip: preview.chain.tip, drift: preview.drift };
  let result;
  try {
    result = rollbackTo(h, target, { kind, force, seen });
  } catch (e) {
    if (e instanceof StaleState) throw new UserError(e.message, {}, EXIT.RUNTIME);
    throw e;
  }
  ctx.out(
    result
      ? `${kind === 'reset' ? 'Reset' : 'Rolled back'} to before ${target} as transaction ${result.id}: ${result.runtimeWritten.length} runtime value(s) and ${result.files.length} file(s) restored. Undo with \`tune rollback ${result.id}\`.\n`
      : `Nothing to do: the host already is in the state from before ${target}.\n`,
  );
  return EXIT.OK;
}

export async function runRollback(ctx: CliContext, id: string | undefined, flags: StateFlags): Promise<number> {
  if (id !== undefined && !isTransactionId(id))
    throw new UserError(`"${excerpt(id)}" is not a transaction id (see \`tune history\`)`);
  const h = hostContext(ctx, flags);
  return rollBackTo(ctx, flags, id ?? lastApplied(readHistory(h.stateDir)), 'rollback');
}

export async function runReset(ctx: CliContext, flags: StateFlags): Promise<number> {
  const target = resetTarget(hostContext(ctx, flags));
  if (!target) {
    ctx.out('Nothing to reset: no transaction of tune is on record.\n');
    return EXIT.OK;
  }
  return rollBackTo(ctx, flags, target, 'reset');
}

export async function runRecover(ctx: CliContext, flags: StateFlags): Promise<number> {
  const h = hostContext(ctx, flags);
  const r = recoverInterrupted(h);
  ctx.out(r ? `Recovered interrupted transaction ${r.id}: ${r.account}.\n` : 'Nothing to recover.\n');
  // A watchdog that died in the middle of its rollback: recover put the unconfirmed change back; its deadline holds.
  if (r) {
    const { enforceExpiredConfirmation } = await import('../../apply/confirmation.js');
    const note = enforceExpiredConfirmation(h);
    if (note) ctx.err(`${note}\n`);
  }
  return EXIT.OK;
}

export async function runConfirm(ctx: CliContext, flags: StateFlags): Promise<number> {
  const { confirmPending } = await import('../../apply/confirmation.js');
  ctx.out(`Confirmed transaction ${await confirmPending(hostContext(ctx, flags), ctx.sleep)}: the change stays.\n`);
  return EXIT.OK;
}

/** The detached watchdog (hidden command started by apply --confirm-within). */
export async function runWatchdog(ctx: CliContext, id: string, flags: StateFlags): Promise<number> {
  const { watchPending } = await import('../../apply/confirmation.js');
  await watchPending(hostContext(ctx, flags), id, ctx.sleep);
  return EXIT.OK;
}
