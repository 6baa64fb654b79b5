// Plans from plain data: a snapshot and settings, through the real resolver, rules and planner.
import { DEFAULT_OWNED_FILE } from '../../src/core/plan/owned-file.js';
import { planTuning, type Plan } from '../../src/core/plan/planner.js';
import { resolveRequest } from '../../src/core/plan/profile-resolver.js';
import { parseProfile } from '../../src/core/plan/profile.js';
import { allRules } from '../../src/core/rules/index.js';
import type { Snapshot } from '../../src/core/snapshot.js';

export const NOW = new Date('2026-06-01T12:00:00Z');

/** Plans `--set` style settings (and optional inline profiles) against a snapshot. */
export function planOf(
  snapshot: Snapshot,
  sets: string[],
  opts: { allow?: string[]; profiles?: Record<string, string>; use?: string[]; file?: string } = {},
): Plan {
  const load = (ref: string) => {
    const text = opts.profiles?.[ref];
    return text === undefined ? undefined : parseProfile(ref, `/profiles/${ref}.conf`, text);
  };
  const request = resolveRequest(opts.use ?? [], sets, load);
  return planTuning(snapshot, request, allRules, NOW, {
    ownedFile: opts.file ?? DEFAULT_OWNED_FILE,
    allow: opts.allow ?? [],
    overrides: sets,
  });
}

/** The rule ids a plan reported, with severity: "RULE:severity". */
export function ruleHits(plan: Plan): string[] {
  return plan.findings.map((f) => `${f.rule}:${f.severity}`);
}
