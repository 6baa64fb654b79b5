// A fleet review: many hosts' plans of one request, grouped so hosts with identical plans are reviewed once. Pure:
// the CLI reads the snapshots and plans each host; this decides provenance findings, groups, order and summary.
import type { Plan } from '../plan/planner.js';
import type { Finding } from '../rules/rule.js';
import type { Snapshot } from '../snapshot.js';

export const FLEET_SCHEMA_VERSION = 1;

/** Provenance finding ids: about where a plan's data came from, not about the tuning (usable with --fail-on). */
export const SNAPSHOT_STALE = 'SNAPSHOT_STALE';
export const SNAPSHOT_UNREADABLE = 'SNAPSHOT_UNREADABLE';
export const NO_SNAPSHOT_DATA = 'NO_SNAPSHOT_DATA';
export const PROVENANCE_RULES = [SNAPSHOT_STALE, SNAPSHOT_UNREADABLE, NO_SNAPSHOT_DATA];

/** One host as planned: the snapshot file it came from and its plan, or null when the file held no data. */
export interface HostInput {
  source: string;
  snapshot: Snapshot | null;
  plan: Plan | null;
}

export type Outcome = 'change' | 'tuned' | 'refused' | 'no-data';
/** The summary lists larger groups first, and among equal sizes in this order. */
const RANK: Record<Outcome, number> = { change: 0, tuned: 1, refused: 2, 'no-data': 3 };

export interface HostResult {
  source: string;
  hostname: string;
  /** When the snapshot was taken (null: no data). */
  takenAt: string | null;
  /** Whole seconds between takenAt and the review (negative: taken in the future by the host's clock). */
  ageSeconds: number | null;
  kernel: string | null;
  outcome: Outcome;
  /** Index into FleetPlan.groups. */
  group: number;
  /** Findings about the data itself (stale, unreadable keys, no data); the plan's own findings are in plan. */
  provenance: Finding[];
  plan: Plan | null;
}

export interface PlanGroup {
  /** 1-based, in display order (outliers first). */
  id: number;
  outcome: Outcome;
  /** What the group does, in the summary's words: `change 4 keys`, `already tuned`, `refused (TW_RECYCLE_NAT)`. */
  label: string;
  /** Indexes into FleetPlan.hosts, in input order. */
  hosts: number[];
  /** The plan of the group's first host (every host in the group has the same decisions); null for no data. */
  plan: Plan | null;
}

export interface FleetPlan {
  schemaVersion: number;
  createdAt: string;
  profiles: string[];
  overrides: string[];
  allow: string[];
  maxAgeSeconds: number;
  hosts: HostResult[];
  groups: PlanGroup[];
  summary: {
    hosts: number;
    plans: number;
    change: number;
    tuned: number;
    refused: number;
    noData: number;
    stale: number;
    pending: boolean;
    refusedAny: boolean;
    /** The one-line summary shown first in every format. */
    text: string;
  };
}

export interface FleetRequest {
  profiles: string[];
  overrides: string[];
  allow: string[];
}

/** Groups the hosts' plans and adds provenance findings; `now` is the review time, `maxAgeSeconds` the staleness bound. */
export function groupFleet(inputs: HostInput[], request: FleetRequest, now: Date, maxAgeSeconds: number): FleetPlan {
  const byIdentity = new Map<string, number[]>();
  const hosts = inputs.map((h, i): HostResult => {
    const result = hostResult(h, now, maxAgeSeconds);
    const identity = h.plan ? planIdentity(h.plan) : 'no-data';
    const members = byIdentity.get(identity);
    if (members) members.push(i);
    else byIdentity.set(identity, [i]);
    return result;
  });
  // Outliers first: the smallest groups, then (for equal sizes) the order their first host was given in.
  const ordered = [...byIdentity.values()].sort((a, b) => a.length - b.length || (a[0] ?? 0) - (b[0] ?? 0));
  const groups = ordered.map((members, i): PlanGroup => {
    const first = hosts[members[0] ?? 0];
    const plan = first?.plan ?? null;
    for (const m of members) {
      const h = hosts[m];
      if (h) h.group = i;
    }
    return { id: i + 1, outcome: first?.outcome ?? 'no-data', label: groupLabel(plan), hosts: members, plan };
  });
  const count = (o: Outcome) => hosts.filter((h) => h.outcome === o).length;
  const text =
    `${hosts.length} host${hosts.length === 1 ? '' : 's'}, ${groups.length} distinct plan${groups.length === 1 ? '' : 's'}` +
    (groups.length ? ': ' : '') +
    [...groups]
      .sort((a, b) => b.hosts.length - a.hosts.length || RANK[a.outcome] - RANK[b.outcome] || a.id - b.id)
      .map((g) => `${g.hosts.length} ${g.label}`)
      .join(', ');
  return {
    schemaVersion: FLEET_SCHEMA_VERSION,
    createdAt: now.toISOString(),
    profiles: request.profiles,
    overrides: request.overrides,
    allow: request.allow,
    maxAgeSeconds,
    hosts,
    groups,
    summary: {
      hosts: hosts.length,
      plans: groups.length,
      change: count('change'),
      tuned: count('tuned'),
      refused: count('refused'),
      noData: count('no-data'),
      stale: hosts.filter((h) => h.provenance.some((f) => f.rule === SNAPSHOT_STALE)).length,
      pending: hosts.some((h) => h.plan?.summary.pending === true),
      refusedAny: hosts.some((h) => h.plan?.summary.refusedAny === true),
      text,
    },
  };
}

function hostResult(h: HostInput, now: Date, maxAgeSeconds: number): HostResult {
  const snap = h.snapshot;
  const hostname = snap?.hostname ?? hostFromFile(h.source);
  if (!snap || !h.plan) {
    return {
      source: h.source,
      hostname,
      takenAt: snap?.takenAt ?? null,
      ageSeconds: null,
      kernel: snap?.kernel.release ?? null,
      outcome: 'no-data',
      group: -1,
      provenance: [
        {
          rule: NO_SNAPSHOT_DATA,
          severity: 'warn',
          message: `${h.source} is empty (no snapshot data): this host is not planned`,
          evidence: { source: h.source },
        },
      ],
      plan: null,
    };
  }
  const taken = Date.parse(snap.takenAt);
  const ageSeconds = Number.isNaN(taken) ? null : Math.floor((now.getTime() - taken) / 1000);
  const provenance: Finding[] = [];
  if (ageSeconds === null || ageSeconds > maxAgeSeconds) {
    provenance.push({
      rule: SNAPSHOT_STALE,
      severity: 'warn',
      message:
        ageSeconds === null
          ? `the snapshot's time "${snap.takenAt}" is not a date: its age is unknown`
          : `the snapshot is ${formatAge(ageSeconds)} old (more than --max-age ${formatAge(maxAgeSeconds)}): take a new one before applying`,
      evidence: { takenAt: snap.takenAt, ageSeconds, maxAgeSeconds },
    });
  }
  const unreadable = Object.entries(snap.sysctl)
    .filter(([k, v]) => v.state === 'unreadable' && h.plan?.changes.some((c) => c.key === k))
    .map(([k]) => k);
  if (unreadable.length) {
    provenance.push({
      rule: SNAPSHOT_UNREADABLE,
      severity: 'warn',
      message: `${unreadable.length} planned key(s) could not be read when the snapshot was taken (not root?): ${unreadable.join(', ')}; they show as absent`,
      evidence: { keys: unreadable.join(' ') },
    });
  }
  const plan = h.plan;
  return {
    source: h.source,
    hostname,
    takenAt: snap.takenAt,
    ageSeconds,
    kernel: snap.kernel.release,
    outcome: plan.summary.refusedAny ? 'refused' : plan.summary.pending ? 'change' : 'tuned',
    group: -1,
    provenance,
    plan,
  };
}

/**
 * What makes two plans the same for a reviewer: every decision (values read, targets, statuses, boot values,
 * findings' rules and messages) and the owned file before and after. Not the host's name, time, kernel string or
 * the findings' evidence, which may hold host-specific numbers that change no decision.
 */
export function planIdentity(plan: Plan): string {
  const finding = (f: Finding) => [f.rule, f.severity, f.key ?? '', f.message, f.allowed === true];
  return JSON.stringify([
    plan.changes.map((c) => [
      c.key,
      c.current,
      c.boot,
      c.bootProcps,
      c.target,
      c.fileValue,
      c.op,
      c.status,
      c.origin,
      c.findings.map(finding),
    ]),
    plan.findings.map(finding),
    plan.file.path,
    plan.file.before,
    plan.file.after,
  ]);
}

function groupLabel(plan: Plan | null): string {
  if (!plan) return 'no snapshot data';
  if (plan.summary.refusedAny) {
    const rules = [...new Set(plan.findings.filter((f) => f.severity === 'refuse' && !f.allowed).map((f) => f.rule))];
    return `refused (${rules.join(', ')})`;
  }
  if (!plan.summary.pending) return 'already tuned';
  const n = plan.summary.change;
  return n ? `change ${n} key${n === 1 ? '' : 's'}` : `rewrite ${plan.file.path} only`;
}

/** A host name for a file without data: its base name without `.json`. */
function hostFromFile(source: string): string {
  return (source.slice(source.lastIndexOf('/') + 1) || source).replace(/\.json$/, '');
}

/** `45s`, `12m`, `3h 5m`, `2d 4h`: an age a reviewer reads at a glance. */
export function formatAge(seconds: number): string {
  if (seconds < 0) return `${formatAge(-seconds)} in the future`;
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

/** Every finding of every host, provenance included: what --fail-on looks at. */
export function fleetFindings(fleet: FleetPlan): Finding[] {
  return fleet.hosts.flatMap((h) => [...h.provenance, ...(h.plan?.findings ?? [])]);
}

/**
 * Whether a finding reaches the --fail-on level: `refuse` (a refusal not allowed), `warn` (a warning or a refusal),
 * or a rule id (any finding of that rule). The same levels as `tune audit --fail-on`.
 */
export function failsOn(findings: Pick<Finding, 'rule' | 'severity'>[], failOn: string[]): boolean {
  return findings.some((f) =>
    failOn.some((level) =>
      level === 'refuse'
        ? f.severity === 'refuse'
        : level === 'warn'
          ? f.severity === 'refuse' || f.severity === 'warn'
          : f.rule === level,
    ),
  );
}
