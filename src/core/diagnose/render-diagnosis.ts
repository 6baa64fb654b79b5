// The human form of a diagnosis: a short incident report (what, why, what to do), numbers first.
import type { DiagnosisReport, DiagnosisSeverity } from './diagnosis.js';
import { SHOWN_TCP_STATES } from './tcp-table-parser.js';
import type { Style } from '../text/text-style.js';
import { renderTable } from '../text/text-table.js';

/** Renders the report for a terminal or a ticket. */
export function renderDiagnosis(r: DiagnosisReport, style: Style): string {
  const out: string[] = [];
  out.push(style.bold(`tune diagnose: ${r.hostname} (kernel ${r.kernel}) at ${r.takenAt}`), '');
  const states = SHOWN_TCP_STATES.filter((s) => r.sockets.byState[s]).map((s) => `${s} ${r.sockets.byState[s]}`);
  out.push(`Sockets: ${r.sockets.total} TCP${states.length ? ` (${states.join(', ')})` : ''}`);
  if (r.sockets.sourceNote)
    out.push(style.yellow(`  (read from /proc/net/tcp, slower and without listener limits: ${r.sockets.sourceNote})`));
  out.push(
    `TIME_WAIT: ${r.timeWait.total}${r.timeWait.maxBuckets ? ` of ${r.timeWait.maxBuckets} buckets` : ''}; client side ${r.timeWait.client.total}, server side ${r.timeWait.server.total}`,
  );
  out.push(
    `Ephemeral ports: ${r.ephemeral.range[0]}-${r.ephemeral.range[1]}, ${r.ephemeral.usable} usable per destination`,
  );
  if (r.rates)
    out.push(
      `Rates over ${r.rates.seconds}s: ${r.rates.activeOpensPerSec}/s outgoing, ${r.rates.passiveOpensPerSec}/s incoming`,
    );
  out.push('');
  const paint: Record<DiagnosisSeverity, (s: string) => string> = {
    crit: style.red,
    warn: style.yellow,
    info: style.cyan,
  };
  if (!r.findings.length) out.push(style.green('No problems found.'));
  for (const f of r.findings) {
    out.push(`${paint[f.severity](f.severity.toUpperCase().padEnd(4))} ${style.bold(f.id)}: ${f.message}`);
    out.push(`     ${style.dim('fix:')} ${f.advice}`);
  }
  if (r.ephemeral.worst.length && r.ephemeral.worst[0]!.used > 0) {
    out.push('', style.bold('Busiest destinations (outgoing connections per source address):'));
    out.push(
      ...renderTable([
        ['FROM', 'TO', 'USED', 'OF USABLE'],
        ...r.ephemeral.worst.map((w) => [w.local, `${w.remote}:${w.port}`, String(w.used), `${w.percent}%`]),
      ]).map((l) => `  ${l}`),
    );
  }
  if (r.timeWait.client.top.length) {
    out.push('', style.bold('Client-side TIME_WAIT by destination:'));
    for (const t of r.timeWait.client.top) out.push(`  ${t.remote}:${t.port}  ${t.count}`);
  }
  if (r.timeWait.server.top.length) {
    out.push('', style.bold('Server-side TIME_WAIT by client address:'));
    for (const t of r.timeWait.server.top) out.push(`  ${t.remote}  ${t.count}`);
  }
  if (r.closeWait.owners.length) {
    out.push('', style.bold('CLOSE_WAIT by process:'));
    for (const o of r.closeWait.owners) out.push(`  pid ${o.pid} (${o.command})  ${o.sockets}`);
  }
  const busy = r.listeners.filter((l) => l.acceptQueue > 0 || l.synRecv > 0);
  if (busy.length) {
    out.push('', style.bold('Listeners with queued connections:'));
    for (const l of busy)
      out.push(
        `  ${l.address}:${l.port}  accept queue ${l.acceptQueue}/${l.backlog ?? '? (limit not in /proc/net/tcp)'}, SYN_RECV ${l.synRecv}`,
      );
  }
  if (r.recommendations.length) {
    out.push('', style.bold('What to do:'));
    for (const rec of r.recommendations)
      out.push(
        `  - ${rec.where === 'application' ? 'in the application: ' : ''}${rec.why}${rec.command ? `: ${rec.command}` : ''}`,
      );
  }
  return out.join('\n') + '\n';
}
