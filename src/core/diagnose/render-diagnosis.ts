// The human form of a diagnosis: a short incident report (what, why, what to do), numbers first.
import { describeWindow } from './counter-window.js';
import type { DiagnosisReport, DiagnosisSeverity } from './diagnosis.js';
import { describeProcess } from './process-identity.js';
import { SHOWN_TCP_STATES } from './tcp-table-parser.js';
import type { Style } from '../text/text-style.js';
import { renderTable } from '../text/text-table.js';

/** Renders the report for a terminal or a ticket. */
export function renderDiagnosis(r: DiagnosisReport, style: Style): string {
  const out: string[] = [];
  out.push(style.bold(`tune diagnose: ${r.hostname} (kernel ${r.kernel}) at ${r.takenAt}`), '');
  out.push(...summaryLines(r, style), '');
  out.push(...findingLines(r, style));
  out.push(...detailLines(r, style));
  return out.join('\n') + '\n';
}

/** Counts, the counter window and rates: the top of the report (and of every watch frame). */
export function summaryLines(r: DiagnosisReport, style: Style): string[] {
  const out: string[] = [];
  // The kernel's counters (ListenOverflows...) have no per-socket breakdown: a filter cannot narrow them.
  if (r.sockets.filter.length)
    out.push(
      style.cyan(`Only sockets with ${r.sockets.filter.join(', ')} (kernel counters stay host-wide: not filtered)`),
    );
  const states = SHOWN_TCP_STATES.filter((s) => r.sockets.byState[s]).map((s) => `${s} ${r.sockets.byState[s]}`);
  out.push(`Sockets: ${r.sockets.total} TCP${states.length ? ` (${states.join(', ')})` : ''}`);
  if (r.sockets.sourceNote)
    out.push(style.yellow(`  (read from /proc/net/tcp, slower and without listener limits: ${r.sockets.sourceNote})`));
  out.push(
    `TIME_WAIT: ${r.timeWait.total}${r.timeWait.maxBuckets ? ` of ${r.timeWait.maxBuckets} buckets` : ''}; client side ${r.timeWait.client.total}, server side ${r.timeWait.server.total}${r.timeWait.unclassified ? `, side unknown ${r.timeWait.unclassified}` : ''}`,
  );
  if (r.closeWait.inAcceptQueue)
    out.push(`CLOSE_WAIT: ${r.closeWait.total} held by processes, ${r.closeWait.inAcceptQueue} still in accept queues`);
  out.push(
    `Ephemeral ports: ${r.ephemeral.range[0]}-${r.ephemeral.range[1]}, ${r.ephemeral.usable} usable per destination`,
  );
  if (r.rates)
    out.push(
      `Rates over ${r.rates.seconds}s: ${r.rates.activeOpensPerSec}/s outgoing, ${r.rates.passiveOpensPerSec}/s incoming`,
    );
  out.push(counterLine(r));
  if (r.counterWindow.note) out.push(style.dim(`  (${r.counterWindow.note})`));
  return out;
}

const SHOWN_EVENTS = ['ListenOverflows', 'ListenDrops', 'TCPTimeWaitOverflow', 'SyncookiesSent', 'TCPAbortOnMemory'];

/** Kernel events over the window, or since boot as context on a first run. */
function counterLine(r: DiagnosisReport): string {
  if (r.counterDeltas) {
    const d = r.counterDeltas;
    const grown = SHOWN_EVENTS.filter((n) => (d[n] ?? 0) > 0).map((n) => `${n} +${d[n]}`);
    return `Kernel events ${describeWindow({ ...r.counterWindow, counters: null })}: ${grown.length ? grown.join(', ') : 'no drops or overflows'}`;
  }
  const c = SHOWN_EVENTS.filter((n) => (r.counters[n] ?? 0) > 0).map((n) => `${n} ${r.counters[n]}`);
  return `Kernel counters since boot (context, not judged without an earlier sample): ${c.length ? c.join(', ') : 'no drops or overflows'}`;
}

/** Findings, most severe first. */
export function findingLines(r: DiagnosisReport, style: Style): string[] {
  const out: string[] = [];
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
  return out;
}

/** The tables behind the findings: destinations, producers, owners, listeners, and what to do. */
export function detailLines(r: DiagnosisReport, style: Style): string[] {
  const out: string[] = [];
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
  const p = r.timeWait.producers;
  if (p && p.destinations.length) {
    out.push('', style.bold(`Who opens them (live connections sampled ${p.samples} times over ${p.seconds} s):`));
    for (const d of p.destinations) {
      if (!d.producers.length) out.push(`  ${d.destination}  no producer seen (${d.caught} live connection(s) caught)`);
      for (const x of d.producers)
        out.push(`  ${d.destination}  ${describeProcess(x.process)} opened ~${x.opened} (${x.seen} caught live)`);
    }
  }
  if (r.timeWait.server.byPort.length) {
    out.push('', style.bold('Server-side TIME_WAIT by local port:'));
    for (const t of r.timeWait.server.byPort)
      out.push(`  :${t.port}  ${t.count}${t.process ? `  listener ${describeProcess(t.process)}` : ''}`);
  }
  if (r.timeWait.server.top.length) {
    out.push('', style.bold('Server-side TIME_WAIT by client address:'));
    for (const t of r.timeWait.server.top) out.push(`  ${t.remote}  ${t.count}`);
  }
  if (r.closeWait.owners.length) {
    out.push('', style.bold('CLOSE_WAIT by process:'));
    for (const o of r.closeWait.owners) out.push(`  ${describeProcess(o)}  ${o.sockets}`);
  }
  if (r.closeWait.byPeer.length) {
    out.push('', style.bold('CLOSE_WAIT by peer:'));
    for (const x of r.closeWait.byPeer) out.push(`  ${x.peer}  ${x.count}`);
  }
  const busy = r.listeners.filter((l) => l.acceptQueue > 0 || l.synRecv > 0);
  if (busy.length) {
    out.push('', style.bold('Listeners with queued connections:'));
    for (const l of busy)
      out.push(
        `  ${l.address}:${l.port}  accept queue ${l.acceptQueue}/${l.backlog ?? '? (limit not in /proc/net/tcp)'}${l.queuedClosed ? ` (${l.queuedClosed} closed by the client)` : ''}, SYN_RECV ${l.synRecv}${l.process ? `  ${describeProcess(l.process)}` : ''}`,
      );
  }
  if (r.recommendations.length) {
    out.push('', style.bold('What to do:'));
    for (const rec of r.recommendations)
      out.push(
        `  - ${rec.where === 'application' ? 'in the application: ' : ''}${rec.why}${rec.command ? `: ${rec.command}` : ''}`,
      );
  }
  return out;
}
