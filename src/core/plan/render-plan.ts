// The human form of a Plan: a per-key table with reasons and findings, then the unified diff.
import type { ChangeStatus, KeyChange, Plan } from './planner.js';
import type { Finding, Severity } from '../rules/rule.js';
import { normalizeValue, sameValue } from '../sysctl/sysctl-value.js';
import type { Style } from '../text/text-style.js';
import { ellipsize, renderTable, type Cell } from '../text/text-table.js';

/** Renders the plan for a terminal or a log. */
export function renderPlan(plan: Plan, style: Style, mode: 'plan' | 'apply' = 'plan'): string {
  const out: string[] = [];
  const requested = [...plan.profiles, ...(plan.overrides.length ? ['--set'] : [])].join(', ');
  out.push(style.bold(`tune plan: ${requested} on ${plan.snapshot.hostname} (kernel ${plan.kernel})`));
  out.push('');
  const statusPaint: Record<ChangeStatus, (s: string) => string> = {
    change: style.yellow,
    same: style.dim,
    refused: style.red,
    absent: style.red,
    'read-only': style.red,
    skipped: style.dim,
  };
  const header: Cell[] = ['KEY', 'NOW', 'AT BOOT', 'TARGET', 'STATUS'].map((t) => ({ text: t, paint: style.bold }));
  const table = renderTable([
    header,
    ...plan.changes.map((c): Cell[] => [
      { text: c.key },
      { text: ellipsize(c.current === null ? '(absent)' : normalizeValue(c.current), 24) },
      { text: ellipsize(bootText(c), 34) },
      { text: ellipsize(targetText(c), 34) },
      { text: c.status, paint: statusPaint[c.status] },
    ]),
  ]);
  out.push(table[0] ?? '');
  plan.changes.forEach((c, i) => {
    out.push(table[i + 1] ?? '');
    out.push(style.dim(`    why: ${c.reason} [${c.origin.profile}]`));
    for (const f of c.findings) out.push(`    ${findingLine(f, style)}`);
  });
  const general = plan.findings.filter((f) => f.key === undefined);
  if (general.length) {
    out.push('', style.bold('Findings:'));
    for (const f of general) out.push(`  ${findingLine(f, style)}`);
  }
  out.push('');
  if (plan.file.diff) {
    out.push(style.bold(`Changes to ${plan.file.path}:`));
    for (const l of plan.file.diff.trimEnd().split('\n')) {
      out.push(
        l.startsWith('+') && !l.startsWith('+++')
          ? style.green(l)
          : l.startsWith('-') && !l.startsWith('---')
            ? style.red(l)
            : l,
      );
    }
  } else out.push(`${plan.file.path} is already up to date.`);
  out.push('');
  const s = plan.summary;
  const parts = [`${s.change} to change`, `${s.same} unchanged`];
  if (s.refused) parts.push(`${s.refused} refused`);
  if (s.absent) parts.push(`${s.absent} absent`);
  if (s.readOnly) parts.push(`${s.readOnly} read-only`);
  if (s.skipped) parts.push(`${s.skipped} skipped at review`);
  out.push(`Plan: ${parts.join(', ')}.${mode === 'plan' ? ' Nothing was written.' : ''}`);
  return out.join('\n') + '\n';
}

function bootText(c: KeyChange): string {
  if (!c.boot) return '(not set)';
  const base = c.boot.file.slice(c.boot.file.lastIndexOf('/') + 1);
  return `${c.boot.value} @${base}:${c.boot.line}`;
}

/** The runtime target, and the owned file's value where it differs (a `>N`/`<N` key keeps a higher runtime value). */
function targetText(c: KeyChange): string {
  // A saved plan from before fileValue existed has none: show the target alone.
  if (c.fileValue === undefined || !['change', 'same'].includes(c.status)) return c.target;
  if (c.fileValue === null) return `${c.target} (no file line)`;
  return sameValue(c.fileValue, c.target) ? c.target : `${c.target} (file ${c.fileValue})`;
}

const SEVERITY_LABEL: Record<Severity, string> = { refuse: 'REFUSE', warn: 'WARN  ', info: 'info  ' };

function findingLine(f: Finding, style: Style): string {
  const paint = f.severity === 'refuse' ? style.red : f.severity === 'warn' ? style.yellow : style.cyan;
  return `${paint(SEVERITY_LABEL[f.severity])} ${f.rule}: ${f.message}`;
}
