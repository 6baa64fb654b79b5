// `tune plan`: read (live or snapshot), resolve profiles, decide, render. Writes nothing.
import { UserError } from '../../core/errors.js';
import { evidenceKeys } from '../../core/plan/evidence-keys.js';
import { DEFAULT_OWNED_FILE } from '../../core/plan/owned-file.js';
import { ownablePathProblem } from '../../core/plan/owned-path.js';
import { planTuning, type Plan } from '../../core/plan/planner.js';
import { resolveRequest } from '../../core/plan/profile-resolver.js';
import { renderPlan } from '../../core/plan/render-plan.js';
import { allRules } from '../../core/rules/index.js';
import { createProfileLoader } from '../../system/config/profile-store.js';
import { readSnapshotFile } from '../../system/config/snapshot-file.js';
import { readSnapshot } from '../../system/snapshot-reader.js';
import type { CliContext } from '../context.js';
import { ownedFileFlag } from '../options.js';
import { EXIT } from '../exit-codes.js';

export interface PlanFlags {
  profile?: string[];
  set?: string[];
  allow?: string[];
  root?: string;
  snapshot?: string;
  file?: string;
  json?: boolean;
  detailedExitcode?: boolean;
}

export interface PreparedPlan {
  plan: Plan;
  /**
   * The same plan (same snapshot, same request) with only `keys` of its changes selected: the others are `skipped`
   * and keep their current owned-file line. What interactive apply shows last and then executes.
   */
  select(keys: string[]): Plan;
}

/** Builds the plan from flags: the one path shared by `plan` and `apply`. */
export async function preparePlan(ctx: CliContext, flags: PlanFlags): Promise<PreparedPlan> {
  const profiles = flags.profile ?? [];
  const overrides = flags.set ?? [];
  if (!profiles.length && !overrides.length)
    throw new UserError('nothing to plan: give --profile NAME or --set KEY=VALUE (see `tune profiles`)');
  if (flags.snapshot && flags.root) throw new UserError('--snapshot and --root are mutually exclusive');
  const ownedFile = ownedFileFlag(flags.file ?? DEFAULT_OWNED_FILE);
  // A plan shows what apply would do: a file apply would refuse to write is refused here too, before any read.
  const notOwnable = ownablePathProblem(ownedFile);
  if (notOwnable) throw new UserError(notOwnable, { file: ownedFile });
  const root = ctx.root(flags.root);
  const request = resolveRequest(profiles, overrides, createProfileLoader(root));
  const snapshot = flags.snapshot
    ? readSnapshotFile(flags.snapshot)
    : await readSnapshot({
        root,
        now: ctx.now(),
        keys: evidenceKeys(
          allRules,
          request.settings.map((s) => s.key),
        ),
      });
  const opts = { ownedFile, allow: flags.allow ?? [], overrides };
  const now = ctx.now();
  return {
    plan: planTuning(snapshot, request, allRules, now, opts),
    select: (keys) => {
      const plan = planTuning(snapshot, request, allRules, now, opts);
      const deselect = plan.changes.filter((c) => c.status === 'change' && !keys.includes(c.key)).map((c) => c.key);
      return deselect.length ? planTuning(snapshot, request, allRules, now, { ...opts, deselect }) : plan;
    },
  };
}

/** Builds the plan from flags. */
export async function buildPlan(ctx: CliContext, flags: PlanFlags): Promise<Plan> {
  return (await preparePlan(ctx, flags)).plan;
}

/** The plan's exit code: refusals first, then pending changes when --detailed-exitcode asks for it. */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (plan.summary.refusedAny) return EXIT.REFUSED;
  return detailed && plan.summary.pending ? EXIT.PENDING : EXIT.OK;
}

export async function runPlan(ctx: CliContext, flags: PlanFlags): Promise<number> {
  const plan = await buildPlan(ctx, flags);
  ctx.out(flags.json ? JSON.stringify(plan, null, 2) + '\n' : renderPlan(plan, ctx.style));
  return planExitCode(plan, flags.detailedExitcode === true);
}
