// The planner: pure. The same Snapshot (live or from a file) and request always give the same Plan.
import { bootEnvOf } from '../boot/boot-env.js';
import { modelBoot, type BootModel } from '../boot/boot-precedence.js';
import { planBound } from '../boot/bound-target.js';
import { kernelDefaults } from '../sysctl/kernel-defaults.js';
import { keySpec } from '../sysctl/key-catalog.js';
import { parseKernelRelease } from '../sysctl/kernel-version.js';
import { diffOwnedFile, ownedEntries, ownedFileText, renderOwnedFile, type OwnedEntry } from './owned-file.js';
import { formatPortList, parsePortList } from '../sysctl/port-list.js';
import type { ResolvedRequest, SettingOrigin } from './profile-resolver.js';
import type { SettingOp } from './profile.js';
import type { Finding, PlannedKey, Rule, RuleContext } from '../rules/rule.js';
import type { Snapshot } from '../snapshot.js';
import { intTokens, normalizeValue, sameValue } from '../sysctl/sysctl-value.js';
import { orderWrites } from './write-order.js';

export const PLAN_SCHEMA_VERSION = 1;

/** `skipped`: a change the operator deselected at review (runtime untouched; the owned file keeps its line). */
export type ChangeStatus = 'change' | 'same' | 'refused' | 'absent' | 'read-only' | 'skipped';

export interface BootValue {
  value: string;
  file: string;
  line: number;
}

export interface KeyChange {
  key: string;
  current: string | null;
  /** What would be set at boot today (systemd-sysctl's view), null when nothing sets it. */
  boot: BootValue | null;
  /** procps `sysctl --system`'s view when it differs from systemd's. */
  bootProcps?: BootValue | null;
  /** The runtime target. */
  target: string;
  /** The key's line in the owned file after the plan; null: no line (not written, or boot already meets `>N`/`<N`). */
  fileValue: string | null;
  op: SettingOp;
  status: ChangeStatus;
  reason: string;
  origin: SettingOrigin;
  findings: Finding[];
}

export interface Plan {
  schemaVersion: number;
  createdAt: string;
  kernel: string;
  profiles: string[];
  overrides: string[];
  /** Rule ids the request overrode (--allow): with profiles and overrides, the whole request (apply --plan replays it). */
  allow: string[];
  snapshot: { takenAt: string; hostname: string; root: string };
  /** In write order: apply executes them as listed. */
  changes: KeyChange[];
  /** Every finding, key-specific ones included (each names its key). */
  findings: Finding[];
  file: { path: string; before: string | null; after: string; diff: string };
  summary: {
    change: number;
    same: number;
    refused: number;
    absent: number;
    readOnly: number;
    skipped: number;
    pending: boolean;
    refusedAny: boolean;
  };
}

export interface PlanOptions {
  ownedFile: string;
  /** Rule ids whose refusals the operator overrides (--allow). */
  allow: string[];
  /** The --set texts, for the owned file's header. */
  overrides: string[];
  /**
   * Changes the operator deselected at review: their runtime value is not touched and the owned file keeps the
   * line it has for them today (or none), so the file written is exactly the one re-rendered for the selection.
   */
  deselect?: string[];
}

/** Decides everything: targets, statuses, findings, the owned file and its diff. */
export function planTuning(
  snapshot: Snapshot,
  request: ResolvedRequest,
  rules: Rule[],
  now: Date,
  opts: PlanOptions,
): Plan {
  const kernel = parseKernelRelease(snapshot.kernel.release);
  const defaults = kernelDefaults(snapshot);
  const keys = new Set([...request.settings.map((s) => s.key), ...Object.keys(snapshot.sysctl)]);
  const ownedPath = opts.ownedFile;
  // Boot as if the owned file were empty: what `>N`/`<N` keys get at boot unless tune writes them.
  const bootWithoutOwned = bootModels(snapshot, keys, ownedPath, '');
  const planned = new Map<string, PlannedKey>();
  for (const s of request.settings) {
    const cur = snapshot.sysctl[s.key];
    const current = cur?.state === 'ok' ? cur.value : undefined;
    const bound =
      s.op === 'set' ? undefined : planBound(s.key, s.op, Number(s.value), current, bootWithoutOwned, defaults);
    planned.set(s.key, {
      key: s.key,
      current,
      target: bound?.runtime ?? targetValue(s.key, s.op, s.value, current),
      op: s.op,
      reason: s.reason,
      origin: s.origin,
      ...(bound ? { bound } : {}),
    });
  }
  const before = ownedFileText(snapshot.config, ownedPath);
  const bootBefore = bootModels(snapshot, keys, ownedPath, undefined);
  const base: RuleContext = {
    snapshot,
    kernel,
    defaults,
    planned,
    boot: { before: bootBefore, after: bootBefore },
    ownedFile: { path: ownedPath, before, after: before ?? '' },
    ignoredSections: request.ignoredSections,
    profileNotes: request.notes ?? [],
  };
  // Pass 1 decides statuses (only non-boot rules refuse); pass 2 sees the file those statuses produce.
  const statuses = decideStatuses(snapshot, planned, runRules(rules, base, opts.allow));
  for (const key of opts.deselect ?? []) if (statuses.get(key) === 'change') statuses.set(key, 'skipped');
  const ordered = orderWrites([...planned.values()]);
  const kept = ownedEntries(before);
  const entries = ordered.flatMap((p): OwnedEntry[] => {
    const st = statuses.get(p.key);
    if (st === 'change' || st === 'same') {
      const value = p.bound ? p.bound.file : p.target;
      return value === null ? [] : [{ key: p.key, value, reason: p.reason, source: p.origin.profile }];
    }
    const old = st === 'skipped' ? kept.get(p.key) : undefined;
    return old ? [old] : [];
  });
  const after = renderOwnedFile(request.profiles, opts.overrides, entries);
  const ctx: RuleContext = {
    ...base,
    boot: { before: bootBefore, after: bootModels(snapshot, keys, ownedPath, after) },
    ownedFile: { path: ownedPath, before, after },
    notWritten: new Set([...statuses].filter(([, st]) => st !== 'change' && st !== 'same').map(([k]) => k)),
  };
  const findings = runRules(rules, ctx, opts.allow);
  const changes = ordered.map((p): KeyChange => {
    const sd = bootValue(bootBefore.systemd, p.key);
    const pp = bootValue(bootBefore.procps, p.key);
    return {
      key: p.key,
      current: p.current ?? null,
      boot: sd,
      ...(JSON.stringify(sd) !== JSON.stringify(pp) ? { bootProcps: pp } : {}),
      target: p.target,
      fileValue: entries.find((e) => e.key === p.key)?.value ?? null,
      op: p.op,
      status: statuses.get(p.key) ?? 'change',
      reason: p.reason,
      origin: p.origin,
      findings: findings.filter((f) => f.key === p.key),
    };
  });
  const count = (st: ChangeStatus) => changes.filter((c) => c.status === st).length;
  const diff = diffOwnedFile(ownedPath, before, after);
  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    createdAt: now.toISOString(),
    kernel: snapshot.kernel.release,
    profiles: request.profiles,
    overrides: opts.overrides,
    allow: opts.allow,
    snapshot: { takenAt: snapshot.takenAt, hostname: snapshot.hostname, root: snapshot.root },
    changes,
    findings,
    file: { path: ownedPath, before, after, diff },
    summary: {
      change: count('change'),
      same: count('same'),
      refused: count('refused'),
      absent: count('absent'),
      readOnly: count('read-only'),
      skipped: count('skipped'),
      pending: count('change') > 0 || diff !== '',
      refusedAny: findings.some((f) => f.severity === 'refuse' && !f.allowed),
    },
  };
}

/** The value tune would write: `>N`/`<N` only move one way (see bound-target.ts); reserved ports merge with current. */
export function targetValue(key: string, op: SettingOp, value: string, current: string | undefined): string {
  if (op !== 'set') {
    const want = Number(value);
    const cur = intTokens(current ?? '')?.[0];
    if (cur === undefined) return String(want);
    return String(op === 'raise' ? Math.max(cur, want) : Math.min(cur, want));
  }
  if (keySpec(key)?.combine === 'merge-ports') {
    return formatPortList([...parsePortList(current ?? ''), ...parsePortList(value)]);
  }
  return normalizeValue(value);
}

function runRules(rules: Rule[], ctx: RuleContext, allow: string[]): Finding[] {
  return rules.flatMap((r) =>
    r.check(ctx).map((h): Finding => {
      const allowed = r.severity === 'refuse' && r.overridable === true && allow.includes(r.id);
      return {
        rule: r.id,
        severity: allowed ? 'warn' : r.severity,
        ...(h.key !== undefined ? { key: h.key } : {}),
        message: allowed ? `${h.message} (allowed by --allow ${r.id})` : h.message,
        evidence: h.evidence,
        ...(allowed ? { allowed: true } : {}),
      };
    }),
  );
}

function decideStatuses(
  snapshot: Snapshot,
  planned: Map<string, PlannedKey>,
  findings: Finding[],
): Map<string, ChangeStatus> {
  const out = new Map<string, ChangeStatus>();
  for (const p of planned.values()) {
    const rv = snapshot.sysctl[p.key];
    let st: ChangeStatus;
    if (!rv || rv.state !== 'ok') st = 'absent';
    else if (!rv.writable) st = 'read-only';
    else if (findings.some((f) => f.key === p.key && f.severity === 'refuse')) st = 'refused';
    else st = sameValue(p.current ?? '', p.target) ? 'same' : 'change';
    out.set(p.key, st);
  }
  return out;
}

function bootModels(
  snapshot: Snapshot,
  keys: Set<string>,
  ownedPath: string,
  ownedAfter: string | undefined,
): Record<'systemd' | 'procps', BootModel> {
  let files = snapshot.config;
  if (ownedAfter !== undefined) {
    const slash = ownedPath.lastIndexOf('/');
    const owned = {
      path: ownedPath,
      dir: ownedPath.slice(0, slash) || '/',
      name: ownedPath.slice(slash + 1),
      kind: 'file' as const,
      content: ownedAfter,
    };
    files = [...files.filter((f) => f.path !== ownedPath), owned];
  }
  const env = bootEnvOf(snapshot);
  return { systemd: modelBoot(files, 'systemd', keys, env), procps: modelBoot(files, 'procps', keys, env) };
}

function bootValue(model: BootModel, key: string): BootValue | null {
  const a = model.assignments.get(key);
  return a ? { value: a.value, file: a.file, line: a.line } : null;
}
