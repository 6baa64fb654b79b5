// `tune apply --plan FILE`: a plan saved with `tune plan --json`. The file is untrusted input: its shape is checked
// field by field, then its request is planned again on this host and only an identical outcome is executed (the
// plan executed is the fresh one; nothing in the file is written as it stands).
import { UserError } from '../core/errors.js';
import { PLAN_SCHEMA_VERSION, type ChangeStatus, type Plan } from '../core/planner.js';
import { readErrorText, readRegular, UnreadableFile } from '../system/safe-read.js';

const MAX_PLAN_BYTES = 16 * 1024 * 1024;
const STATUSES: ChangeStatus[] = ['change', 'same', 'refused', 'absent', 'read-only'];

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
  let data: unknown;
  try {
    data = JSON.parse(readBounded(file));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError('not a tune plan (not JSON; expected the output of `tune plan --json`)', { file });
  }
  const bad = (field: string, why: string): never => {
    throw new UserError(`not a tune plan: ${field} ${why} (expected the output of \`tune plan --json\`)`, { file });
  };
  const obj = (v: unknown, field: string): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : bad(field, 'is not an object');
  const str = (v: unknown, field: string): string => (typeof v === 'string' ? v : bad(field, 'is not a string'));
  const strOrNull = (v: unknown, field: string): string | null => (v === null ? null : str(v, field));
  const strings = (v: unknown, field: string): string[] =>
    Array.isArray(v) ? v.map((x, i) => str(x, `${field}[${i}]`)) : bad(field, 'is not a list');
  const p = obj(data, 'the file');
  if (p.schemaVersion !== PLAN_SCHEMA_VERSION)
    bad('schemaVersion', `is ${JSON.stringify(p.schemaVersion)}, not ${PLAN_SCHEMA_VERSION}`);
  strings(p.profiles, 'profiles');
  strings(p.overrides, 'overrides');
  if (p.allow !== undefined) strings(p.allow, 'allow');
  if (!Array.isArray(p.changes)) bad('changes', 'is not a list');
  (p.changes as unknown[]).forEach((c, i) => {
    const ch = obj(c, `changes[${i}]`);
    str(ch.key, `changes[${i}].key`);
    strOrNull(ch.current, `changes[${i}].current`);
    str(ch.target, `changes[${i}].target`);
    if (!STATUSES.includes(ch.status as ChangeStatus)) bad(`changes[${i}].status`, `is ${JSON.stringify(ch.status)}`);
    if (ch.fileValue !== undefined) strOrNull(ch.fileValue, `changes[${i}].fileValue`);
  });
  const f = obj(p.file, 'file');
  str(f.path, 'file.path');
  strOrNull(f.before, 'file.before');
  str(f.after, 'file.after');
  return { ...(p as unknown as Plan), allow: p.allow === undefined ? [] : (p.allow as string[]) };
}

/** The request to replay on this host. */
export function savedRequest(plan: Plan): SavedRequest {
  return { profiles: plan.profiles, overrides: plan.overrides, allow: plan.allow, file: plan.file.path };
}
