// `--fail-on` (plan and audit): refuse, warn or rule ids, repeatable or comma-separated; an unknown id is a usage error.
import { UserError } from '../core/errors.js';
import { allRules } from '../core/rules/index.js';

/** The levels and ids asked for; `extraIds` are ids a command reports besides the rules (provenance, audit). */
export function failOnFlag(values: string[], extraIds: readonly string[] = []): string[] {
  const known = new Set<string>([...allRules.map((r) => r.id), ...extraIds]);
  const out = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const v of out)
    if (v !== 'refuse' && v !== 'warn' && !known.has(v))
      throw new UserError(`--fail-on takes refuse, warn or a rule id (see docs/rules.md), got "${v}"`);
  return out;
}
