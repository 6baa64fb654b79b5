// The shape of a saved plan (`tune plan --json`), checked field by field before `apply --plan` compares it with a
// fresh plan: the file is untrusted, so every field it documents (docs/json.md) must have its type, and a mismatch
// names the field. Fields added later within schema version 1 (`allow`, `fileValue`, `summary.skipped`) are optional.
import { JsonField } from '../json-shape.js';
import type { BootValue, ChangeStatus, KeyChange, Plan } from './planner.js';
import type { Finding } from '../rules/rule.js';
import { parseSysctlKey } from '../sysctl/sysctl-key.js';

/** `skipped` exists only in interactive apply, never in `tune plan --json`. */
const STATUSES: readonly ChangeStatus[] = ['change', 'same', 'refused', 'absent', 'read-only'];
const SEVERITIES = ['refuse', 'warn', 'info'] as const;

/** Returns `data` as a Plan, or throws ShapeMismatch at the first field that is not what `tune plan --json` writes. */
export function checkPlanShape(data: unknown): Plan {
  const top = new JsonField(data);
  top.object();
  const createdAt = top.field('createdAt').string();
  const kernel = top.field('kernel').string();
  const profiles = top.field('profiles').strings();
  const overrides = top.field('overrides').strings();
  const allow = top.field('allow').optional((f) => f.strings()) ?? [];
  const snap = top.field('snapshot');
  const snapshot = {
    takenAt: snap.field('takenAt').string(),
    hostname: snap.field('hostname').string(),
    root: snap.field('root').string(),
  };
  const changes = top.field('changes').list(change);
  const findings = top.field('findings').list(finding);
  const f = top.field('file');
  const file = {
    path: f.field('path').string(),
    before: f.field('before').nullable((v) => v.string()),
    after: f.field('after').string(),
    diff: f.field('diff').string(),
  };
  const s = top.field('summary');
  const count = (k: string) => s.field(k).number({ min: 0, whole: true });
  const summary = {
    change: count('change'),
    same: count('same'),
    refused: count('refused'),
    absent: count('absent'),
    readOnly: count('readOnly'),
    skipped: s.field('skipped').optional(() => count('skipped')) ?? 0,
    pending: s.field('pending').boolean(),
    refusedAny: s.field('refusedAny').boolean(),
  };
  const schemaVersion = top.field('schemaVersion').number({ whole: true });
  return { schemaVersion, createdAt, kernel, profiles, overrides, allow, snapshot, changes, findings, file, summary };
}

function sysctlKey(f: JsonField): string {
  const key = f.string();
  let canonical: string | undefined;
  try {
    canonical = parseSysctlKey(key);
  } catch {
    canonical = undefined;
  }
  return canonical === key ? key : f.fail('a sysctl key in dotted form (e.g. "net.core.somaxconn")');
}

function bootValue(f: JsonField): BootValue {
  return {
    value: f.field('value').string(),
    file: f.field('file').string(),
    line: f.field('line').number({ min: 0, whole: true }),
  };
}

function finding(f: JsonField): Finding {
  const key = f.field('key').optional((v) => v.string());
  const allowed = f.field('allowed').optional((v) => v.boolean());
  return {
    rule: f.field('rule').string(),
    severity: f.field('severity').oneOf(SEVERITIES),
    message: f.field('message').string(),
    evidence: f.field('evidence').object() as Finding['evidence'],
    ...(key !== undefined ? { key } : {}),
    ...(allowed !== undefined ? { allowed } : {}),
  };
}

function change(f: JsonField): KeyChange {
  const bootProcps = f.field('bootProcps').optional((v) => v.nullable(bootValue));
  // Plans saved before fileValue existed lack it (docs/json.md); plan-compare then compares without it.
  const fileValue = f.field('fileValue').optional((v) => v.nullable((x) => x.string()));
  const origin = f.field('origin');
  return {
    key: sysctlKey(f.field('key')),
    current: f.field('current').nullable((v) => v.string()),
    boot: f.field('boot').nullable(bootValue),
    ...(bootProcps !== undefined ? { bootProcps } : {}),
    target: f.field('target').string(),
    ...(fileValue !== undefined ? { fileValue } : {}),
    op: f.field('op').oneOf(['set', 'raise', 'lower'] as const),
    status: f.field('status').oneOf(STATUSES),
    reason: f.field('reason').string(),
    origin: {
      profile: origin.field('profile').string(),
      file: origin.field('file').string(),
      line: origin.field('line').number({ min: 0, whole: true }),
    },
    findings: f.field('findings').list(finding),
  } as KeyChange;
}
