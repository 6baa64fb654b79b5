// `tune history`, `tune status`, `tune rollback`, `tune recover`: the state directory as people see it.
import { readHistory } from '../../apply/history.js';
import {
  lastApplied,
  recoverInterrupted,
  rollbackPreview,
  rollbackTransaction,
  statusDrift,
} from '../../apply/operations.js';
import { diffOwnedFile } from '../../core/owned-file.js';
import { normalizeValue } from '../../core/sysctl-value.js';
import { readPending } from '../../apply/confirmation.js';
import { readBackup } from '../../apply/transaction.js';
import { UserError } from '../../core/errors.js';
import { renderTable } from '../../core/text-table.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { hostContext } from '../host-context.js';

interface StateFlags {
  root?: string;
  stateDir?: string;
  json?: boolean;
  yes?: boolean;
  force?: boolean;
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
      e.of ? `${e.kind} of ${e.of}` : e.kind,
      e.state,
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
  const applied = [...entries].reverse().find((e) => e.state === 'applied' || e.state === 'pending confirmation');
  const drift = applied ? statusDrift(h, readBackup(h.stateDir, applied.id)) : [];
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
  const out = [`Last transaction: ${last ? `${last.id} (${last.kind}, ${last.state})` : 'none'}`];
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
  if (applied)
    out.push(
      drift.length
        ? ctx.style.yellow(`Drift since ${applied.id}:\n  ${drift.join('\n  ')}`)
        : `No drift since ${applied.id}.`,
    );
  ctx.out(out.join('\n') + '\n');
  return EXIT.OK;
}

export async function runRollback(ctx: CliContext, id: string | undefined, flags: StateFlags): Promise<number> {
  const h = hostContext(ctx, flags);
  if (!flags.yes && !ctx.isTerminal)
    throw new UserError('no terminal to ask for confirmation: review with `tune history`, then pass --yes');
  const target = id ?? lastApplied(h.stateDir);
  const preview = rollbackPreview(h, target);
  const lines = [ctx.style.bold(`Rolling back ${target} restores:`)];
  for (const v of preview.values)
    lines.push(`  ${v.key}: ${v.now === null ? '(absent)' : normalizeValue(v.now)} -> ${normalizeValue(v.restored)}`);
  const diff = diffOwnedFile(preview.file.path, preview.file.now, preview.file.restored ?? '');
  if (preview.file.restored === null)
    lines.push(
      preview.file.now === null
        ? `  ${preview.file.path}: stays absent`
        : `  ${preview.file.path}: removed (it did not exist before)`,
    );
  else if (diff) lines.push(diff.trimEnd());
  if (preview.drift.length)
    lines.push(
      ctx.style.yellow(`Changed since ${target} (a rollback overwrites it):\n  ${preview.drift.join('\n  ')}`),
    );
  ctx.out(lines.join('\n') + '\n');
  let force = flags.force === true;
  if (!flags.yes) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { confirm } = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
    try {
      if (
        !(await confirm({
          message: preview.drift.length ? 'Roll back anyway, overwriting those changes?' : 'Roll back?',
          default: false,
        }))
      ) {
        ctx.err('Not confirmed: nothing changed.\n');
        return EXIT.RUNTIME;
      }
    } catch {
      ctx.err('Aborted: nothing changed.\n');
      return EXIT.RUNTIME;
    }
    force = true;
  }
  const result = rollbackTransaction(h, target, force);
  ctx.out(
    `Rolled back ${target} as transaction ${result.id}: ${result.runtimeWritten.length} runtime value(s) restored; owned file ${result.file}.\n`,
  );
  return EXIT.OK;
}

export function runRecover(ctx: CliContext, flags: StateFlags): number {
  const h = hostContext(ctx, flags);
  const r = recoverInterrupted(h);
  ctx.out(r ? `Recovered interrupted transaction ${r.id}: ${r.account}.\n` : 'Nothing to recover.\n');
  return EXIT.OK;
}

export async function runConfirm(ctx: CliContext, flags: StateFlags): Promise<number> {
  const { confirmPending } = await import('../../apply/confirmation.js');
  ctx.out(`Confirmed transaction ${confirmPending(hostContext(ctx, flags))}.\n`);
  return EXIT.OK;
}

/** The detached watchdog (hidden command started by apply --confirm-within). */
export async function runWatchdog(ctx: CliContext, id: string, flags: StateFlags): Promise<number> {
  const { watchPending } = await import('../../apply/confirmation.js');
  await watchPending(hostContext(ctx, flags), id, ctx.sleep);
  return EXIT.OK;
}
