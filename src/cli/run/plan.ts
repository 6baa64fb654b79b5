// `tune plan`: read (live or snapshot), resolve profiles, decide, render. Writes nothing.
import { UserError } from '../../core/errors.js';
import { evidenceKeys } from '../../core/plan/evidence-keys.js';
import { checkAllowIds, checkRequestKeys } from '../../core/plan/key-suggestions.js';
import { DEFAULT_OWNED_FILE } from '../../core/plan/owned-file.js';
import { ownablePathProblem } from '../../core/plan/owned-path.js';
import { planTuning, type Plan } from '../../core/plan/planner.js';
import { resolveRequest } from '../../core/plan/profile-resolver.js';
import { renderPlan } from '../../core/plan/render-plan.js';
import { allRules } from '../../core/rules/index.js';
import { createProfileLoader } from '../../system/config/profile-store.js';
import { readSnapshotFile, readSnapshotSources } from '../../system/config/snapshot-file.js';
import { failsOn, fleetFindings, groupFleet, PROVENANCE_RULES } from '../../core/fleet/fleet-plan.js';
import { renderFleet } from '../../core/fleet/render-fleet.js';
import { renderFleetMarkdown } from '../../core/fleet/render-markdown.js';
import { readSnapshot } from '../../system/snapshot-reader.js';
import type { CliContext } from '../context.js';
import { ownedFileFlag } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { failOnFlag } from '../fail-on.js';

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

/** What every plan of a request shares: the resolved profiles, the plan options and the host root. */
function planRequest(ctx: CliContext, flags: PlanFlags) {
  const profiles = flags.profile ?? [];
  const overrides = flags.set ?? [];
  if (!profiles.length && !overrides.length)
    throw new UserError('nothing to plan: give --profile NAME or --set KEY=VALUE (see `tune profiles`)');
  if (flags.snapshot && flags.root) throw new UserError('--snapshot and --root are mutually exclusive');
  const ownedFile = ownedFileFlag(flags.file ?? DEFAULT_OWNED_FILE);
  // A plan shows what apply would do: a file apply would refuse to write is refused here too, before any read.
  const notOwnable = ownablePathProblem(ownedFile);
  if (notOwnable) throw new UserError(notOwnable, { file: ownedFile });
  checkAllowIds(flags.allow ?? [], allRules);
  const root = ctx.root(flags.root);
  const request = resolveRequest(profiles, overrides, createProfileLoader(root, { hostFacts: !flags.snapshot }));
  return { root, request, opts: { ownedFile, allow: flags.allow ?? [], overrides } };
}

/** Builds the plan from flags: the one path shared by `plan` and `apply`. */
export async function preparePlan(ctx: CliContext, flags: PlanFlags): Promise<PreparedPlan> {
  const { root, request, opts } = planRequest(ctx, flags);
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
  checkRequestKeys(request, [snapshot]);
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

/** `tune plan`'s own flags: --snapshot repeats (files and directories), and the fleet review's options. */
export interface PlanCommandFlags extends Omit<PlanFlags, 'snapshot'> {
  snapshot?: string[];
  format?: string;
  maxAge?: string;
  failOn?: string[];
}

export async function runPlan(ctx: CliContext, flags: PlanCommandFlags): Promise<number> {
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'markdown')
    throw new UserError(`--format takes text or markdown, got "${format}"`);
  if (format === 'markdown' && flags.json) throw new UserError('--format markdown and --json are mutually exclusive');
  const maxAge = durationFlag(flags.maxAge ?? '24h', '--max-age');
  const failOn = failOnFlag(flags.failOn ?? [], PROVENANCE_RULES);
  const detailed = flags.detailedExitcode === true;
  const paths = flags.snapshot ?? [];
  if (!paths.length) {
    const plan = await buildPlan(ctx, { ...flags, snapshot: undefined });
    ctx.out(flags.json ? JSON.stringify(plan, null, 2) + '\n' : renderPlan(plan, ctx.style));
    return Math.max(planExitCode(plan, detailed), failsOn(plan.findings, failOn) ? EXIT.REFUSED : EXIT.OK);
  }
  const { request, opts } = planRequest(ctx, { ...flags, snapshot: paths.join(' ') });
  const sources = readSnapshotSources(paths);
  checkRequestKeys(
    request,
    sources.flatMap((s) => (s.snapshot ? [s.snapshot] : [])),
  );
  const now = ctx.now();
  const fleet = groupFleet(
    sources.map(({ source, snapshot }) => ({
      source,
      snapshot,
      plan: snapshot ? planTuning(snapshot, request, allRules, now, opts) : null,
    })),
    { profiles: request.profiles, overrides: opts.overrides, allow: opts.allow },
    now,
    maxAge,
  );
  const only = fleet.hosts.length === 1 && format === 'text' && paths.length === 1 ? fleet.hosts[0] : undefined;
  if (only) {
    // One snapshot file: today's output exactly; where its data came from is a warning on stderr when stale.
    const plan = only.plan;
    if (!plan) {
      // An empty file alone is not a fleet with a host without data: the same error as before fleets.
      readSnapshotFile(only.source);
      throw new UserError('not a tune snapshot: the file is empty', { file: only.source });
    }
    ctx.out(flags.json ? JSON.stringify(plan, null, 2) + '\n' : renderPlan(plan, ctx.style));
    for (const f of only.provenance) ctx.err(`tune: ${only.source}: ${f.rule}: ${f.message}\n`);
  } else if (flags.json) ctx.out(JSON.stringify(fleet, null, 2) + '\n');
  else ctx.out(format === 'markdown' ? renderFleetMarkdown(fleet) : renderFleet(fleet, ctx.style));
  if (fleet.summary.refusedAny || failsOn(fleetFindings(fleet), failOn)) return EXIT.REFUSED;
  return detailed && fleet.summary.pending ? EXIT.PENDING : EXIT.OK;
}

/** `--max-age`: a whole number with a unit (s, m, h, d; plain digits are seconds), in seconds. */
function durationFlag(value: string, flag: string): number {
  const m = /^(\d{1,9})([smhd]?)$/.exec(value.trim());
  if (!m) throw new UserError(`${flag} takes a duration such as 90m, 24h or 7d, got "${value}"`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
