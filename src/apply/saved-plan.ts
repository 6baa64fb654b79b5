// `tune apply --plan FILE`: a plan saved with `tune plan --json`. The file is untrusted input: its shape is checked
// field by field, then its request is planned again on this host and only an identical outcome is executed (the
// plan executed is the fresh one; nothing in the file is written as it stands).
import { UserError } from '../core/errors.js';
import { parseChecked } from '../core/json-shape.js';
import { checkPlanShape } from '../core/plan/plan-shape.js';
import { PLAN_SCHEMA_VERSION, type Plan } from '../core/plan/planner.js';
import { readErrorText, readRegular, UnreadableFile } from '../system/files/safe-read.js';

const MAX_PLAN_BYTES = 16 * 1024 * 1024;

/** The request a saved plan replays: profiles, --set overrides, --allow rule ids, the owned file. */
export interface SavedRequest {
  profiles: string[];
  overrides: string[];
  allow: string[];
  file: string;
}

/** Reads a regular file of bounded size (a FIFO, device or directory is refused at once instead of hanging). */
function readBounded(file: string): string {
  try {
    return readRegular(file, { follow: true, limit: MAX_PLAN_BYTES }).toString('utf8');
  } catch (e) {
    if (e instanceof UnreadableFile) throw new UserError(`cannot read plan: ${e.message}`, { file });
    throw new UserError(`cannot read plan (${readErrorText(e)})`, { file });
  }
}

/** Reads and checks a saved plan; a file that is not one is a user error naming the file and the field. */
export function readSavedPlan(file: string): Plan {
  const text = readBounded(file);
  const bad = (why: string): never => {
    throw new UserError(`not a tune plan (the output of \`tune plan --json\`): ${why}`, { file });
  };
  return parseChecked(
    text,
    (data) => {
      const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
      if (data !== null && typeof data === 'object' && !Array.isArray(data) && version !== PLAN_SCHEMA_VERSION)
        bad(`schemaVersion is ${JSON.stringify(version) ?? 'missing'}, not ${PLAN_SCHEMA_VERSION}`);
      return checkPlanShape(data);
    },
    bad,
  );
}

/** The request to replay on this host. */
export function savedRequest(plan: Plan): SavedRequest {
  return { profiles: plan.profiles, overrides: plan.overrides, allow: plan.allow, file: plan.file.path };
}
