// `tune metrics`: Prometheus text exposition for node_exporter's textfile collector, labels bounded to top N.
import type { DiagnosisReport } from '../diagnose/diagnosis.js';
import { monitoringMetrics } from './monitoring-metrics.js';
import { SHOWN_TCP_STATES } from '../diagnose/tcp-table-parser.js';

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string | number>) =>
  Object.keys(l).length
    ? `{${Object.entries(l)
        .map(([k, v]) => `${k}="${esc(String(v))}"`)
        .join(',')}}`
    : '';

/** Renders the report as exposition text (HELP and TYPE for every family, one family per block). */
export function renderPrometheus(r: DiagnosisReport): string {
  const out: string[] = [];
  const family = (
    name: string,
    type: 'gauge' | 'counter',
    help: string,
    samples: [Record<string, string | number>, number][],
  ) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) out.push(`${name}${labels(l)} ${Number.isFinite(v) ? v : 0}`);
  };
  family(
    'tune_tcp_sockets',
    'gauge',
    'TCP sockets by kernel state (/proc/net/tcp and tcp6).',
    SHOWN_TCP_STATES.map((s) => [{ state: s }, r.sockets.byState[s] ?? 0]),
  );
  family(
    'tune_time_wait_sockets',
    'gauge',
    'TIME_WAIT sockets: client side (this host connected) or server side (accepted).',
    [
      [{ side: 'client' }, r.timeWait.client.total],
      [{ side: 'server' }, r.timeWait.server.total],
    ],
  );
  family(
    'tune_time_wait_destination_sockets',
    'gauge',
    'Client-side TIME_WAIT by destination (top N only).',
    r.timeWait.client.top.map((t) => [{ destination: `${t.remote}:${t.port}` }, t.count]),
  );
  family(
    'tune_ephemeral_ports_usable',
    'gauge',
    'Ephemeral ports usable per destination (range minus reserved ports).',
    [[{}, r.ephemeral.usable]],
  );
  family(
    'tune_ephemeral_ports_used',
    'gauge',
    'Ephemeral ports in use per source address and destination (top N only).',
    r.ephemeral.worst.map((w) => [{ source: w.local, destination: `${w.remote}:${w.port}` }, w.used]),
  );
  family(
    'tune_close_wait_sockets',
    'gauge',
    'CLOSE_WAIT sockets by owning process (top N only; unattributed under pid="").',
    [
      ...r.closeWait.owners.map((o): [Record<string, string | number>, number] => [
        { pid: o.pid, command: o.command },
        o.sockets,
      ]),
      ...(r.closeWait.unattributed
        ? [[{ pid: '', command: '' }, r.closeWait.unattributed] as [Record<string, string>, number]]
        : []),
    ],
  );
  const topListeners = [...r.listeners]
    .sort((a, b) => (b.percent ?? -1) - (a.percent ?? -1) || b.acceptQueue - a.acceptQueue || a.port - b.port)
    .slice(0, 20);
  family(
    'tune_listen_queue_length',
    'gauge',
    'Connections waiting for accept() per listener (top 20 by fill).',
    topListeners.map((l) => [{ listener: `${l.address}:${l.port}` }, l.acceptQueue]),
  );
  family(
    'tune_listen_queue_limit',
    'gauge',
    'Accept queue limit per listener: min(listen backlog, somaxconn).',
    topListeners.flatMap((l) => (l.backlog === null ? [] : [[{ listener: `${l.address}:${l.port}` }, l.backlog]])),
  );
  family(
    'tune_kernel_events_total',
    'counter',
    'Kernel TCP counters since boot (/proc/net/netstat TcpExt and /proc/net/snmp Tcp).',
    Object.entries(r.counters)
      .filter(([k, v]) => v !== null && k !== 'CurrEstab')
      .map(([k, v]) => [{ counter: k }, v ?? 0]),
  );
  const m = monitoringMetrics(r);
  family(
    'tune_health_percent',
    'gauge',
    'Fill levels tune alerts on (worst destination, worst listener, TIME_WAIT buckets, conntrack, file handles).',
    [
      [{ resource: 'ephemeral_ports' }, m.ephemeral_used_pct ?? 0],
      [{ resource: 'listen_queue' }, m.listen_queue_pct ?? 0],
      [{ resource: 'time_wait_buckets' }, m.tw_buckets_pct ?? 0],
      [{ resource: 'conntrack' }, m.conntrack_pct ?? 0],
      [{ resource: 'file_handles' }, m.file_handles_pct ?? 0],
    ],
  );
  return out.join('\n') + '\n';
}
