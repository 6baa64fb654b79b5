// A saved plan is a request and the outcome it promised. `apply --plan` replays the request on the host and executes
// only when tune decides exactly the same now: a plan file can never make tune do what a fresh request would not.
import type { KeyChange, Plan } from './planner.js';
import { normalizeValue } from '../sysctl/sysctl-value.js';

const shown = (v: string | null | undefined) => (v === null || v === undefined ? '(absent)' : normalizeValue(v));

/** Every way `fresh` (planned now) differs from `saved`, one short phrase each; empty when they agree. */
export function planDifferences(saved: Plan, fresh: Plan): string[] {
  const out: string[] = [];
  const freshByKey = new Map(fresh.changes.map((c) => [c.key, c]));
  const savedKeys = new Set(saved.changes.map((c) => c.key));
  for (const s of saved.changes) {
    const f = freshByKey.get(s.key);
    if (!f) {
      out.push(`${s.key}: in the plan, not in the request it names`);
      continue;
    }
    if (shown(s.current) !== shown(f.current))
      out.push(`${s.key} was ${shown(s.current)} when planned, now ${shown(f.current)}`);
    else if (decision(s) !== decision(f))
      out.push(`${s.key}: the plan says ${decision(s)}, tune decides ${decision(f)}`);
  }
  for (const f of fresh.changes)
    if (!savedKeys.has(f.key)) out.push(`${f.key}: the request sets it, the plan does not list it`);
  if (saved.file.path !== fresh.file.path)
    out.push(`the plan writes ${saved.file.path}, the request ${fresh.file.path}`);
  else if ((saved.file.before ?? null) !== (fresh.file.before ?? null))
    out.push(`${saved.file.path} changed since the plan was made`);
  else if (saved.file.after !== fresh.file.after)
    out.push(`${saved.file.path}: the content in the plan is not what its changes render`);
  return out;
}

function decision(c: KeyChange): string {
  const file =
    c.fileValue === undefined ? '' : `, file ${c.fileValue === null ? 'no line' : normalizeValue(c.fileValue)}`;
  return `${c.status} to ${shown(c.target)}${file}`;
}
