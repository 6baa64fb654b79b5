// The audit for people: findings grouped by file in line order, then a one-line summary (text or markdown).
import type { Style } from '../text/text-style.js';
import type { AuditFinding, AuditReport } from './host-audit.js';

const LABEL = { refuse: 'REFUSE', warn: 'WARN', info: 'info' } as const;

function byFile(r: AuditReport): [string, AuditFinding[]][] {
  const groups = new Map<string, AuditFinding[]>();
  for (const f of r.findings) {
    const k = f.file ?? '(host)';
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  return [...groups];
}

/** The summary line both formats end with. */
export function auditSummary(r: AuditReport): string {
  const read = r.files.filter((f) => f.readBy.length > 0).length;
  const { refuse, warn, info } = r.summary;
  if (!r.findings.length) return `audit: ${read} file(s), ${r.assignments} assignment(s): nothing questionable found.`;
  return `audit: ${read} file(s), ${r.assignments} assignment(s): ${refuse} refuse, ${warn} warn, ${info} info.`;
}

export function renderAudit(r: AuditReport, s: Style): string {
  if (!r.findings.length) return `${auditSummary(r)}\n`;
  const out: string[] = [`tune audit: ${r.host.hostname} (kernel ${r.host.kernel})`, ''];
  for (const [file, findings] of byFile(r)) {
    out.push(s.bold(file));
    for (const f of findings) {
      const paint = f.severity === 'refuse' ? s.red : f.severity === 'warn' ? s.yellow : (t: string) => t;
      out.push(`  ${paint(LABEL[f.severity].padEnd(6))} ${f.rule}: ${f.message}`);
    }
    out.push('');
  }
  out.push(auditSummary(r));
  return `${out.join('\n')}\n`;
}

export function renderAuditMarkdown(r: AuditReport): string {
  const esc = (t: string) => t.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
  const out: string[] = [
    `### tune audit: ${esc(r.host.hostname)} (kernel ${esc(r.host.kernel)})`,
    '',
    `**${esc(auditSummary(r))}**`,
    '',
  ];
  for (const [file, findings] of byFile(r)) {
    out.push(`#### \`${file.replace(/`/g, "'")}\``, '', '| severity | rule | finding |', '|---|---|---|');
    for (const f of findings) out.push(`| ${f.severity} | ${f.rule} | ${esc(f.message).replace(/\n/g, ' ')} |`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
