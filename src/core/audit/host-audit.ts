// `tune audit`: judges the persistent configuration a host already carries, line by line, with the same rules as a
// plan and the boot model. Pure: a Snapshot (live or from a file) in, a report out. Changes nothing.
import { bootEnvOf } from '../boot/boot-env.js';
import { bootFailures, failureMessage, LOADER_NAME, LOADERS } from '../boot/boot-failures.js';
import { modelBoot, type BootLoader, type BootModel } from '../boot/boot-precedence.js';
import { readLoaderLines } from '../boot/loader-lines.js';
import { loadOrder, PROCPS_DIRS, SYSCTL_CONF } from '../boot/loader-files.js';
import { UserError } from '../errors.js';
import { planTuning } from '../plan/planner.js';
import type { ResolvedSetting } from '../plan/profile-resolver.js';
import type { Finding, Rule, Severity } from '../rules/rule.js';
import type { Snapshot } from '../snapshot.js';
import { commentsAbove } from '../sysctl/conf-comments.js';
import { keySpec } from '../sysctl/key-catalog.js';
import { parseSysctlKey, procPathToKey, type SysctlKey } from '../sysctl/sysctl-key.js';
import { normalizeValue, sameValue } from '../sysctl/sysctl-value.js';
import { validateValue } from '../sysctl/value-validation.js';
import { excerpt } from '../text/excerpt.js';

export const AUDIT_SCHEMA_VERSION = 1;

export interface AuditFinding {
  /** The file and line it is pinned to; null for a finding about the host as a whole. */
  file: string | null;
  line: number | null;
  key?: string;
  rule: string;
  severity: Severity;
  message: string;
}

export interface AuditFile {
  path: string;
  /** The loaders that read it at boot. */
  readBy: BootLoader[];
  /** Why a loader skips it, when one does. */
  skipped?: string;
}

export interface AuditReport {
  schemaVersion: number;
  host: { hostname: string; kernel: string; takenAt: string; root: string };
  files: AuditFile[];
  assignments: number;
  findings: AuditFinding[];
  summary: { refuse: number; warn: number; info: number };
}

/** The finding ids the audit adds to the plan's rules (usable with --fail-on). */
export const AUDIT_RULES = [
  'DEFAULT_RESTATED',
  'CONFIG_FILE_SKIPPED',
  'CONFIG_VALUE_INVALID',
  'BOOT_MODULE_NOT_LOADED',
  'RUNTIME_DIFFERS_FROM_BOOT',
] as const;

/** Plan rules that are about tune's own file or already covered by the audit's boot findings. */
const PLAN_ONLY = new Set([
  'OWNED_FILE_NOT_LOADED',
  'OWNED_FILE_KEY_DROPPED',
  'BOOT_SHADOWED',
  'BOOT_WRITE_REJECTED',
  'BOOT_KEY_UNREACHABLE',
  'BOOT_LOADERS_DISAGREE',
  'CONFIG_LINE_INVALID',
  'CONFIG_INLINE_COMMENT',
  'KEY_ABSENT',
  'RUNTIME_UNPERSISTED',
  'PROFILE_SECTIONS_IGNORED',
  'MODULE_KEY_NOT_LOADED',
]);

/** A path no loader reads: the plans the audit runs need an owned file, and it must not change the boot model. */
const NO_OWNED_FILE = '/nonexistent/tune-audit.conf';

interface Assignment {
  file: string;
  line: number;
  key: SysctlKey;
  value: string;
  reason: string;
}

export function auditHost(snapshot: Snapshot, rules: Rule[], now: Date): AuditReport {
  const findings: AuditFinding[] = [];
  const keysNamed = new Set(Object.keys(snapshot.sysctl));
  const env = bootEnvOf(snapshot);
  const models = {} as Record<BootLoader, BootModel>;
  for (const l of LOADERS) models[l] = modelBoot(snapshot.config, l, keysNamed, env);

  const files = fileReport(snapshot, models, findings);
  const assignments = explicitAssignments(snapshot);
  bootFindings(snapshot, models, findings);
  ruleFindings(snapshot, assignments, models, rules, now, findings);
  const order = (f: AuditFinding) => `${f.file ?? '~'}\u0000${String(f.line ?? 0).padStart(8, '0')}`;
  findings.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    host: {
      hostname: snapshot.hostname,
      kernel: snapshot.kernel.release,
      takenAt: snapshot.takenAt,
      root: snapshot.root,
    },
    files,
    assignments: assignments.length,
    findings,
    summary: {
      refuse: findings.filter((f) => f.severity === 'refuse').length,
      warn: findings.filter((f) => f.severity === 'warn').length,
      info: findings.filter((f) => f.severity === 'info').length,
    },
  };
}

/** Every entry of the sysctl directories and /etc/sysctl.conf, with the loaders that read it or why they skip it. */
function fileReport(s: Snapshot, models: Record<BootLoader, BootModel>, findings: AuditFinding[]): AuditFile[] {
  return s.config.map((f): AuditFile => {
    const readBy = LOADERS.filter((l) => models[l].files.includes(f.path));
    let skipped: string | undefined;
    if (f.error) skipped = `cannot be read (${f.error}): it masks any file of the same name in a lower directory`;
    else if (f.path !== SYSCTL_CONF && !f.name.endsWith('.conf')) skipped = 'not a *.conf file: no loader reads it';
    else if (readBy.length === 0) {
      const winner = PROCPS_DIRS.map((d) => `${d}/${f.name}`).find(
        (p) => p !== f.path && s.config.some((c) => c.path === p),
      );
      skipped = winner ? `overridden by ${winner} (the first directory wins)` : 'no loader reads it';
    } else if (readBy.length === 1)
      skipped = `read only by ${LOADER_NAME[readBy[0] as BootLoader]}${f.name.startsWith('.') ? ' (systemd-sysctl skips hidden names)' : f.path === SYSCTL_CONF ? ' (systemd-sysctl reads it only through a 99-sysctl.conf link)' : ''}`;
    const hasSettings = f.content !== undefined && readLoaderLines('procps', f.content).settings.length > 0;
    if (skipped && (hasSettings || f.error) && !(f.path === SYSCTL_CONF && readBy.length > 0))
      findings.push({
        file: f.path,
        line: null,
        rule: 'CONFIG_FILE_SKIPPED',
        severity: 'info',
        message: `${f.path}: ${skipped}.`,
      });
    return { path: f.path, readBy, ...(skipped ? { skipped } : {}) };
  });
}

/** The explicit assignments of every file procps reads (a superset of systemd's files), with their stated reasons. */
function explicitAssignments(s: Snapshot): Assignment[] {
  const out: Assignment[] = [];
  const seen = new Set<string>();
  for (const loader of ['procps', 'systemd'] as BootLoader[])
    for (const f of loadOrder(s.config, loader)) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      const reasons = commentsAbove(f.content ?? '');
      for (const st of readLoaderLines(loader, f.content ?? '').settings) {
        if (st.kind !== 'assign' || st.glob || st.path === null) continue;
        const key = procPathToKey(st.path);
        try {
          out.push({
            file: f.path,
            line: st.line,
            key: parseSysctlKey(key),
            value: st.value,
            reason: reasons.get(st.line) ?? '',
          });
        } catch {
          /* a spelling no key has: the boot findings report it as skipped */
        }
      }
    }
  return out;
}

/** Lines the loaders cannot parse, writes that fail, loaders that end in different places, runtime drift. */
function bootFindings(s: Snapshot, models: Record<BootLoader, BootModel>, findings: AuditFinding[]): void {
  const seen = new Set<string>();
  for (const l of LOADERS)
    for (const p of models[l].problems) {
      if (seen.has(`${p.file}:${p.line}`)) continue;
      seen.add(`${p.file}:${p.line}`);
      findings.push({
        file: p.file,
        line: p.line,
        rule: 'CONFIG_LINE_INVALID',
        severity: 'warn',
        message: `${p.file}:${p.line}: ${p.why}: "${excerpt(p.text, 60)}"`,
      });
    }
  for (const f of bootFailures(models, ['rejected', 'absent', 'unreachable'])) {
    const w = f.write;
    findings.push({
      file: w.file,
      line: w.line,
      ...(w.key ? { key: w.key } : {}),
      rule: w.result === 'rejected' ? 'BOOT_WRITE_REJECTED' : 'BOOT_KEY_UNREACHABLE',
      severity: 'warn',
      message: failureMessage(models, f, false),
    });
  }
  for (const l of LOADERS)
    for (const w of models[l].writes) {
      const spec = w.key ? keySpec(w.key) : undefined;
      if (!w.key || !spec?.module || s.sysctl[w.key]?.state !== 'absent' || seen.has(`module:${w.file}:${w.line}`))
        continue;
      seen.add(`module:${w.file}:${w.line}`);
      findings.push({
        file: w.file,
        line: w.line,
        key: w.key,
        rule: 'BOOT_MODULE_NOT_LOADED',
        severity: 'warn',
        message: `${w.file}:${w.line}: ${w.key} exists only once the ${spec.module} module is loaded, and it is not loaded now: at boot this line fails unless the module is loaded before the loader runs (list it in /etc/modules-load.d/).`,
      });
    }
  const keys = new Set([...models.systemd.assignments.keys(), ...models.procps.assignments.keys()]);
  for (const key of keys) {
    const a = models.systemd.assignments.get(key);
    const b = models.procps.assignments.get(key);
    if (a && b && !sameValue(a.value, b.value))
      findings.push({
        file: a.file,
        line: a.line,
        key,
        rule: 'BOOT_LOADERS_DISAGREE',
        severity: 'info',
        message: `${a.file}:${a.line}: at boot systemd-sysctl leaves ${key} = ${a.value} but sysctl --system leaves ${b.value} (${b.file}:${b.line}).`,
      });
    const rt = s.sysctl[key];
    const win = a ?? b;
    if (!win || rt?.state !== 'ok' || rt.value === undefined || sameValue(rt.value, win.value)) continue;
    findings.push({
      file: win.file,
      line: win.line,
      key,
      rule: 'RUNTIME_DIFFERS_FROM_BOOT',
      severity: 'warn',
      message: `${win.file}:${win.line}: ${key} is ${normalizeValue(rt.value)} now but the next boot sets ${win.value}: either a runtime change that a reboot will undo, or a line that was never applied.`,
    });
  }
}

/** Every explicit assignment judged by the plan's rules, as if it were planned; findings pinned to its line. */
function ruleFindings(
  s: Snapshot,
  assignments: Assignment[],
  models: Record<BootLoader, BootModel>,
  rules: Rule[],
  now: Date,
  findings: AuditFinding[],
): void {
  // Writes the kernel refuses are reported by the boot model; tune's own limits are judged for the rest.
  const refused = new Set(
    LOADERS.flatMap((l) => models[l].writes.filter((w) => w.result === 'rejected').map((w) => `${w.file}:${w.line}`)),
  );
  const batches: Assignment[][] = [];
  for (const a of assignments) {
    if (/\s[#;]/.test(a.value))
      findings.push({
        file: a.file,
        line: a.line,
        key: a.key,
        rule: 'CONFIG_INLINE_COMMENT',
        severity: 'warn',
        message: `${a.file}:${a.line}: ${a.key} = "${excerpt(a.value, 60)}": sysctl.d has no inline comments, the comment is part of the value written to the kernel.`,
      });
    // The rules judge what the author meant: the value without its inline comment.
    const meant = /\s[#;]/.test(a.value) ? { ...a, value: a.value.replace(/\s[#;].*$/s, '').trim() } : a;
    // An absent key tune knows (tcp_tw_recycle on 4.12+) is still judged: its rules say why it is gone.
    if ((s.sysctl[a.key]?.state === 'absent' && !keySpec(a.key)) || refused.has(`${a.file}:${a.line}`)) continue;
    try {
      validateValue(meant.key, meant.value, { file: a.file, line: a.line });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      findings.push({
        file: a.file,
        line: a.line,
        key: a.key,
        rule: 'CONFIG_VALUE_INVALID',
        severity: 'warn',
        message: `${a.file}:${a.line}: ${a.key}: ${e.message} (tune would not set this value)`,
      });
      continue;
    }
    const def = keySpec(a.key)?.default;
    if (def !== undefined && sameValue(def, meant.value))
      findings.push({
        file: a.file,
        line: a.line,
        key: a.key,
        rule: 'DEFAULT_RESTATED',
        severity: 'info',
        message: `${a.file}:${a.line}: ${a.key} = ${meant.value} is the kernel default: the line changes nothing (and pins the value if a later kernel changes its default).`,
      });
    const batch = batches.find((b) => !b.some((x) => x.key === a.key));
    if (batch) batch.push(meant);
    else batches.push([meant]);
  }
  const hostWide = new Set<string>();
  for (const batch of batches) {
    const settings = batch.map((a): ResolvedSetting => ({
      key: a.key,
      value: a.value,
      op: 'set',
      reason: a.reason,
      origin: { profile: a.file, file: a.file, line: a.line },
      overrides: [],
    }));
    const plan = planTuning(s, { profiles: [], settings, ignoredSections: [] }, rules, now, {
      ownedFile: NO_OWNED_FILE,
      allow: [],
      overrides: [],
    });
    for (const f of plan.findings) {
      if (PLAN_ONLY.has(f.rule)) continue;
      const at = f.key ? batch.find((a) => a.key === f.key) : undefined;
      if (!at) {
        if (hostWide.has(f.rule + f.message)) continue;
        hostWide.add(f.rule + f.message);
      }
      findings.push(pinned(f, at));
    }
  }
}

function pinned(f: Finding, at: Assignment | undefined): AuditFinding {
  return {
    file: at?.file ?? null,
    line: at?.line ?? null,
    ...(f.key ? { key: f.key } : {}),
    rule: f.rule,
    severity: f.severity,
    message: at ? `${at.file}:${at.line}: ${f.key}: ${f.message}` : f.message,
  };
}
