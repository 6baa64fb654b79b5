// `tune apply --plan FILE`: a plan saved with `tune plan --json`, executed only if the host still matches it.
import fs = require('node:fs');
import { UserError } from '../core/errors.js';
import { PLAN_SCHEMA_VERSION, type Plan } from '../core/planner.js';

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
