// `tune apply`: show the plan, review it (or --yes), then execute it as one transaction.
import { findInterrupted } from '../../apply/history.js';
import { applyPlan } from '../../apply/operations.js';
import { planDrift, readSavedPlan } from '../../apply/saved-plan.js';
import { ReportedFailure, UserError } from '../../core/errors.js';
import { renderPlan } from '../../core/render-plan.js';
import type { HostContext } from '../../apply/operations.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { hostContext } from '../host-context.js';
import { numberFlag } from '../options.js';
import { preparePlan, type PlanFlags, type PreparedPlan } from './plan.js';

export interface ApplyFlags extends PlanFlags {
  plan?: string;
  confirmWithin?: string;
  yes?: boolean;
  skipRefused?: boolean;
  dryRun?: boolean;
  message?: string;
  stateDir?: string;
}

/** A saved plan, refused when the host no longer matches it; it cannot be re-planned for a subset. */
function savedPlan(root: string, file: string): PreparedPlan {
  const plan = readSavedPlan(file);
  const drift = planDrift(root, plan);
  if (drift.length)
    throw new UserError(
      `the host no longer matches the plan: ${drift.join('; ')}. Make a new plan`,
      { file },
      EXIT.RUNTIME,
    );
  return {
    plan,
    subset: (keys) => {
      if (keys.length !== plan.changes.filter((c) => c.status === 'change').length)
        throw new UserError(
          'a saved plan is applied whole: deselecting changes needs a new plan',
          { file },
          EXIT.RUNTIME,
        );
      return plan;
    },
  };
}

export async function runApply(ctx: CliContext, flags: ApplyFlags): Promise<number> {
  if (flags.snapshot) throw new UserError('apply acts on this host: --snapshot is for plan only');
  if (!flags.yes && !flags.dryRun && !ctx.isTerminal)
    throw new UserError('no terminal to ask for confirmation: review with `tune plan`, then run apply with --yes');
  const host = hostContext(ctx, flags);
  const confirmWithin =
    flags.confirmWithin === undefined ? undefined : numberFlag(flags.confirmWithin, '--confirm-within', 0, 1);
  const interrupted = findInterrupted(host.stateDir);
  if (interrupted)
    throw new UserError(
      `transaction ${interrupted} was interrupted and not recovered; run \`tune recover\` first`,
      {},
      EXIT.RUNTIME,
    );
  if (flags.plan && (flags.profile?.length || flags.set?.length))
    throw new UserError('--plan executes a saved plan: give it without --profile or --set');
  const prepared = flags.plan ? savedPlan(host.root, flags.plan) : await preparePlan(ctx, flags);
  let plan = prepared.plan;
  ctx.out(renderPlan(plan, ctx.style, 'apply'));
  if (plan.summary.refusedAny && flags.yes && !flags.skipRefused) {
    ctx.err(
      'tune: refused by a safety rule (see REFUSE above); nothing changed. Use --skip-refused to apply the rest.\n',
    );
    return EXIT.REFUSED;
  }
  if (!plan.summary.pending) {
    ctx.out('Nothing to apply: the host already matches.\n');
    return EXIT.OK;
  }
  if (flags.dryRun) {
    const keys = plan.changes.filter((c) => c.status === 'change').map((c) => c.key);
    ctx.out(
      `Dry run: would set ${keys.length ? keys.join(', ') : 'no runtime value'} and write ${plan.file.path}; nothing changed.\n`,
    );
    return EXIT.OK;
  }
  if (!flags.yes) {
    const { reviewPlan, PromptAborted } = await import('../prompts.js');
    let selected: string[] | null;
    try {
      selected = await reviewPlan(plan);
    } catch (e) {
      if (!(e instanceof PromptAborted)) throw e;
      ctx.err('Aborted: nothing changed.\n');
      throw new ReportedFailure(EXIT.RUNTIME);
    }
    if (!selected) {
      ctx.err('Not confirmed: nothing changed.\n');
      return EXIT.RUNTIME;
    }
    plan = prepared.subset(selected);
  }
  const result = applyPlan(host, plan, flags.message ?? '');
  ctx.out(
    `Applied transaction ${result.id}: ${result.runtimeWritten.length} runtime value(s) set and verified; ${plan.file.path} ${result.file}. Undo with \`tune rollback ${result.id}\`.\n`,
  );
  if (confirmWithin !== undefined) await awaitConfirmation(ctx, host, result.id, confirmWithin);
  return EXIT.OK;
}

/**
 * Leaves the change pending: a detached watchdog (its own session, so it outlives this terminal or SSH session)
 * rolls it back at the deadline unless `tune confirm` (or Enter here, on a terminal) arrives first.
 */
async function awaitConfirmation(ctx: CliContext, host: HostContext, id: string, seconds: number): Promise<void> {
  const { startWatchdog, confirmPending, readPending } = await import('../../apply/confirmation.js');
  const pid = startWatchdog(host, id, seconds, process.argv[1] ?? '');
  ctx.out(
    `Pending confirmation: run \`tune confirm\` within ${seconds}s, or the change is rolled back automatically (watchdog pid ${pid}).\n`,
  );
  if (!ctx.isTerminal) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { confirm } = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
  try {
    const keep = await confirm({
      message: `Keep the change? (rolled back in ${seconds}s without an answer)`,
      default: true,
    });
    if (keep && readPending(host.stateDir)?.id === id) ctx.out(`Confirmed ${confirmPending(host)}.\n`);
  } catch {
    ctx.out('No answer: the watchdog will roll the change back at the deadline.\n');
  }
}
