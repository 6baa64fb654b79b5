// `tune apply --plan FILE`: a plan saved with `tune plan --json`, executed only if the host still matches it.
import fs = require('node:fs');
import { UserError } from '../core/errors.js';
import { PLAN_SCHEMA_VERSION, type Plan } from '../core/planner.js';
import type { SysctlKey } from '../core/sysctl-key.js';
import { sameValue } from '../core/sysctl-value.js';
import { readExact } from '../system/atomic-file.js';
import { underRoot } from '../system/host-root.js';
import { readSysctl } from '../system/proc-sys.js';

/** Reads a saved plan; a file that is not one is a user error naming it. */
export function readSavedPlan(file: string): Plan {
  let data: Plan;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')) as Plan;
  } catch (e) {
    throw new UserError(`cannot read plan (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
  if (
    data?.schemaVersion !== PLAN_SCHEMA_VERSION ||
    !Array.isArray(data.changes) ||
    typeof data.file?.after !== 'string'
  )
    throw new UserError(
      `not a tune plan (schemaVersion ${JSON.stringify(data?.schemaVersion)}; expected the output of \`tune plan --json\`)`,
      { file },
    );
  return data;
}

/** Where the host no longer matches what the plan was made from (runtime values it changes, the owned file). */
export function planDrift(root: string, plan: Plan): string[] {
  const drift: string[] = [];
  for (const c of plan.changes.filter((x) => x.status === 'change')) {
    const v = readSysctl(root, c.key as SysctlKey);
    const now = v.state === 'ok' ? (v.value ?? '') : null;
    if (now === null || c.current === null || !sameValue(now, c.current))
      drift.push(`${c.key} is now ${now ?? '(absent)'} (the plan was made with ${c.current ?? '(absent)'})`);
  }
  const bytes = readExact(underRoot(root, plan.file.path));
  const now = bytes === null ? null : bytes.toString('utf8');
  if (now !== plan.file.before) drift.push(`${plan.file.path} changed since the plan was made`);
  return drift;
}
