// `tune apply`: show the plan, review it (or --yes), then execute exactly what was shown last as one transaction.
import { findInterrupted } from '../../apply/history.js';
import { readHostFile, StaleState } from '../../apply/host-state.js';
import { applyPlan, writtenByTune, type HostContext } from '../../apply/operations.js';
import { readPending } from '../../apply/pending.js';
import { readSavedPlan, savedRequest } from '../../apply/saved-plan.js';
import { planDifferences } from '../../core/plan/plan-compare.js';
import { ReportedFailure, UserError } from '../../core/errors.js';
import { ownablePathProblem } from '../../core/plan/owned-path.js';
import type { Plan } from '../../core/plan/planner.js';
import { renderPlan } from '../../core/plan/render-plan.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { hostContext } from '../host-context.js';
import { ownedFileFlag } from '../options.js';
import { preparePlan, type PlanFlags, type PreparedPlan } from './plan.js';

export interface ApplyFlags extends PlanFlags {
  plan?: string;
  confirmWithin?: string;
  yes?: boolean;
  skipRefused?: boolean;
  dryRun?: boolean;
  message?: string;
  stateDir?: string;
  adopt?: boolean;
}

/** The longest --confirm-within (mirrors MAX_CONFIRM_SECONDS, kept here so parsing does not load the watchdog). */
const MAX_CONFIRM_SECONDS = 86_400;

/**
 * A saved plan: its request is planned again on this host and executed only when tune decides exactly what the file
 * says (values it read, targets, statuses, the owned file's content); the fresh plan is the one executed, whole.
 */
async function savedPlan(ctx: CliContext, flags: ApplyFlags, file: string): Promise<PreparedPlan> {
  const saved = readSavedPlan(file);
  const req = savedRequest(saved);
  if (!req.profiles.length && !req.overrides.length)
    throw new UserError('not a tune plan: it requests nothing', { file });
  try {
    ownedFileFlag(req.file);
  } catch (e) {
    throw e instanceof UserError ? new UserError(e.message, { file, key: 'file.path' }) : e;
  }
  const notOwnable = ownablePathProblem(req.file);
  if (notOwnable) throw new UserError(notOwnable, { file, key: 'file.path' });
  let fresh: Plan;
  try {
    fresh = (
      await preparePlan(ctx, {
        profile: req.profiles,
        set: req.overrides,
        allow: req.allow,
        file: req.file,
        ...(flags.root ? { root: flags.root } : {}),
      })
    ).plan;
  } catch (e) {
    throw e instanceof UserError ? inSavedPlan(e, file) : e;
  }
  const differences = planDifferences(saved, fresh);
  if (differences.length)
    throw new UserError(
      `the host no longer matches the plan: ${differences.join('; ')}. Make a new plan`,
      { file },
      EXIT.RUNTIME,
    );
  return { plan: fresh, select: () => fresh };
}

/**
 * A request field of a saved plan that the replay rejects is named in the plan (`plan.json: overrides[0]: ...`), not
 * as the command-line flag it stands for. Errors located in a profile's own file keep that file:line.
 */
function inSavedPlan(e: UserError, file: string): UserError {
  const { location: at, message } = e;
  const where = (field: string) => ({ file, key: at.key === undefined ? field : `${field}: ${at.key}` });
  if (at.file === '--set') return new UserError(message, where(`overrides[${(at.line ?? 1) - 1}]`), e.exitCode);
  if (at.file === '--profile') return new UserError(message, where('profiles'), e.exitCode);
  return e;
}

/** --confirm-within: whole seconds from 1 to a day; anything else is a usage error before anything happens. */
function confirmSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > MAX_CONFIRM_SECONDS)
    throw new UserError(`--confirm-within takes whole seconds from 1 to ${MAX_CONFIRM_SECONDS}, got "${value}"`);
  return n;
}

/** Taking over a file tune did not write needs --adopt: tune otherwise only ever writes its own file. */
function checkOwnership(host: HostContext, path: string, adopt: boolean): void {
  const bytes = readHostFile(host.root, path);
  if (adopt || writtenByTune(bytes === null ? null : bytes.toString('utf8'))) return;
  throw new UserError(
    'exists and was not written by tune; pass --adopt to take it over (it is backed up first, and `tune rollback` restores it)',
    { file: path },
    EXIT.USAGE,
  );
}

export async function runApply(ctx: CliContext, flags: ApplyFlags): Promise<number> {
  if (flags.snapshot) throw new UserError('apply acts on this host: --snapshot is for plan only');
  if (!flags.yes && !flags.dryRun && !ctx.isTerminal)
    throw new UserError('no terminal to ask for confirmation: review with `tune plan`, then run apply with --yes');
  if (flags.plan && (flags.profile?.length || flags.set?.length))
    throw new UserError('--plan executes a saved plan: give it without --profile or --set');
  const host = hostContext(ctx, flags);
  const confirmWithin = confirmSeconds(flags.confirmWithin);
  const interrupted = findInterrupted(host.stateDir);
  if (interrupted)
    throw new UserError(
      `transaction ${interrupted} was interrupted and not recovered; run \`tune recover\` first`,
      {},
      EXIT.RUNTIME,
    );
  const pending = readPending(host.stateDir);
  if (pending && !flags.dryRun)
    throw new UserError(
      `transaction ${pending.id} is waiting for confirmation until ${pending.deadline}: \`tune confirm\` it or \`tune rollback\` it first`,
      {},
      EXIT.RUNTIME,
    );
  for (;;) {
    const prepared = flags.plan ? await savedPlan(ctx, flags, flags.plan) : await preparePlan(ctx, flags);
    let plan = prepared.plan;
    checkOwnership(host, plan.file.path, flags.adopt === true);
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
      const reviewed = await reviewInteractively(ctx, prepared, !flags.plan);
      if (reviewed === 'declined') {
        ctx.err('Not confirmed: nothing changed.\n');
        return EXIT.RUNTIME;
      }
      if (reviewed === 'nothing') {
        ctx.out('Nothing selected changes the host: nothing to apply.\n');
        return EXIT.OK;
      }
      plan = reviewed;
    }
    let result;
    try {
      result = applyPlan(host, plan, flags.message ?? '', confirmWithin);
    } catch (e) {
      // The host moved while a person reviewed: show the new state and ask again (scripts stop: exit 1).
      if (!(e instanceof StaleState) || flags.yes || flags.plan) throw e;
      ctx.err(
        ctx.style.yellow(
          `The host changed while you reviewed (${e.mismatches.map((m) => m.name).join(', ')}): nothing was written. Here is the plan for the host as it is now.\n`,
        ),
      );
      continue;
    }
    const file = result.files[0]?.outcome ?? 'unchanged';
    ctx.out(
      `Applied transaction ${result.id}: ${result.runtimeWritten.length} runtime value(s) set and verified; ${plan.file.path} ${file}. Undo with \`tune rollback ${result.id}\`.\n`,
    );
    if (confirmWithin !== undefined) return awaitConfirmation(ctx, host, result.id, confirmWithin);
    return EXIT.OK;
  }
}

/**
 * Checklist and warnings, then the plan re-rendered for exactly that selection (table and file diff), then the final
 * yes: the plan returned is the one shown last, and the one executed.
 */
async function reviewInteractively(
  ctx: CliContext,
  prepared: PreparedPlan,
  selectable: boolean,
): Promise<Plan | 'declined' | 'nothing'> {
  const { chooseChanges, confirmYes, PromptAborted } = await import('../prompts.js');
  try {
    const selected = await chooseChanges(prepared.plan, selectable);
    if (!selectable && !selected.length) return 'declined';
    const plan = prepared.select(selected);
    ctx.out(
      `\n${ctx.style.bold('Review: this is exactly what will be done.')}\n\n${renderPlan(plan, ctx.style, 'apply')}`,
    );
    if (!plan.summary.pending) return 'nothing';
    const keys = plan.changes.filter((c) => c.status === 'change').length;
    const file = plan.file.diff ? `write ${plan.file.path} as shown` : `leave ${plan.file.path} as it is`;
    return (await confirmYes(`Set ${keys} runtime value(s) and ${file}?`)) ? plan : 'declined';
  } catch (e) {
    if (!(e instanceof PromptAborted)) throw e;
    ctx.err('Aborted: nothing changed.\n');
    throw new ReportedFailure(EXIT.RUNTIME);
  }
}

/**
 * Leaves the change pending: a detached watchdog (its own session, so it outlives this terminal or SSH session)
 * rolls it back at the deadline unless `tune confirm` arrives first. On a terminal the question ends at the
 * deadline too, and says what happened: an answer after it can never claim a change that is gone.
 */
async function awaitConfirmation(ctx: CliContext, host: HostContext, id: string, seconds: number): Promise<number> {
  const { startWatchdog, confirmPending, expirePending, expiryOf } = await import('../../apply/confirmation.js');
  const { pid, deadline } = startWatchdog(host, id, process.argv[1] ?? '');
  ctx.out(
    `Pending confirmation: run \`tune confirm\` before ${deadline.toISOString()} (${seconds}s), or the change is rolled back automatically (watchdog pid ${pid}).\n`,
  );
  if (!ctx.isTerminal) return EXIT.OK;
  const { keepChange, PromptAborted } = await import('../prompts.js');
  let answer: boolean | 'deadline';
  try {
    answer = await keepChange(
      `Keep the change? (rolled back at the deadline, in ${seconds}s, without an answer)`,
      deadline,
    );
  } catch (e) {
    if (!(e instanceof PromptAborted)) throw e;
    ctx.out(`No answer: the watchdog rolls the change back at ${deadline.toISOString()} unless \`tune confirm\`.\n`);
    return EXIT.OK;
  }
  if (answer === true) {
    ctx.out(`Confirmed transaction ${await confirmPending(host, ctx.sleep)}: the change stays.\n`);
    return EXIT.OK;
  }
  if (answer === 'deadline') {
    await ctx.sleep(0); // let the prompt library finish its own output first
    await expirePending(host, id, ctx.sleep);
    ctx.err(
      ctx.style.yellow(
        `No answer before the deadline: transaction ${id} was ${expiryOf(host, id)?.note ?? 'rolled back'}.\n`,
      ),
    );
    return EXIT.RUNTIME;
  }
  const { rollbackTo } = await import('../../apply/operations.js');
  const r = rollbackTo(host, id, { kind: 'rollback', force: false });
  ctx.out(`Not kept: transaction ${id} rolled back${r ? ` as transaction ${r.id}` : ''}.\n`);
  return EXIT.RUNTIME;
}
