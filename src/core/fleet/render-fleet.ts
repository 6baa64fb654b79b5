// The human form of a fleet review: the summary line, then each distinct plan once (outliers first) with its hosts,
// where their data came from, and the plan's table, findings and file diff as `tune plan` shows them for one host.
import { renderPlan } from '../plan/render-plan.js';
import type { Plan } from '../plan/planner.js';
import type { Style } from '../text/text-style.js';
import { formatAge, type FleetPlan, type HostResult } from './fleet-plan.js';

/** Renders the grouped review for a terminal or a log. */
export function renderFleet(fleet: FleetPlan, style: Style): string {
  const out: string[] = [style.bold(fleet.summary.text), ''];
  for (const g of fleet.groups) {
    const members = g.hosts.map((i) => fleet.hosts[i]).filter((h): h is HostResult => h !== undefined);
    out.push(
      style.bold(`== Plan ${g.id} of ${fleet.groups.length}: ${members.length} host${plural(members)}, ${g.label} ==`),
    );
    for (const h of members) {
      out.push(`  ${h.hostname}  ${provenanceText(h)}`);
      for (const f of h.provenance) out.push(`      ${style.yellow('WARN  ')} ${f.rule}: ${f.message}`);
    }
    out.push('');
    if (g.plan) out.push(renderPlan(groupView(g.plan, members), style));
  }
  out.push(`${fleet.summary.text}. Nothing was written.`);
  return out.join('\n') + '\n';
}

const plural = (xs: unknown[]) => (xs.length === 1 ? '' : 's');

/** `web1.json, taken 2026-01-01T00:00:00.000Z (3h ago)`: which file, when, how old. */
export function provenanceText(h: HostResult): string {
  if (h.takenAt === null) return `${h.source}: no snapshot data`;
  const age = h.ageSeconds === null ? 'age unknown' : `${formatAge(h.ageSeconds)} ago`;
  return `${h.source}, taken ${h.takenAt} (${age}${h.kernel ? `, kernel ${h.kernel}` : ''})`;
}

/** The group's plan as renderPlan titles it: `on 3 hosts (kernel a, b)` instead of one host's name. */
export function groupView(plan: Plan, members: HostResult[]): Plan {
  if (members.length === 1) return plan;
  const kernels = [...new Set(members.map((h) => h.kernel ?? plan.kernel))];
  return {
    ...plan,
    kernel: kernels.join(', '),
    snapshot: { ...plan.snapshot, hostname: `${members.length} hosts` },
  };
}
