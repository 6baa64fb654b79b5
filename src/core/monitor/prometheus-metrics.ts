// `tune metrics`: Prometheus text exposition for node_exporter's textfile collector, labels bounded to top N.
import type { DiagnosisReport } from '../diagnose/diagnosis.js';
import { placeOf } from '../diagnose/process-identity.js';
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
  const source =
    r.sockets.source === 'netlink' ? 'read through netlink sock_diag' : 'read from /proc/net/tcp and /proc/net/tcp6';
  family('tune_socket_table_source', 'gauge', 'How the TCP tables were read this run (1 for the source used).', [
    [{ source: r.sockets.source }, 1],
  ]);
  family(
    'tune_tcp_sockets',
    'gauge',
    `TCP sockets by kernel state (${source}).`,
    SHOWN_TCP_STATES.map((s) => [{ state: s }, r.sockets.byState[s] ?? 0]),
  );
  family(
    'tune_time_wait_sockets',
    'gauge',
    `TIME_WAIT sockets: client side (this host connected), server side (accepted) or unknown, from the ports (${source}).`,
    [
      [{ side: 'client' }, r.timeWait.client.total],
      [{ side: 'server' }, r.timeWait.server.total],
      [{ side: 'unknown' }, r.timeWait.unclassified],
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
  // By command and unit (or container), not pid: a restart must not start a new series.
  const byOwner = new Map<string, { command: string; unit: string; sockets: number }>();
  for (const o of r.closeWait.owners) {
    const unit = placeOf(o);
    const k = `${o.command}\0${unit}`;
    const e = byOwner.get(k) ?? { command: o.command, unit, sockets: 0 };
    e.sockets += o.sockets;
    byOwner.set(k, e);
  }
  family(
    'tune_close_wait_sockets',
    'gauge',
    `Leaked CLOSE_WAIT sockets by owning command and systemd unit or container (top N; unattributed under command=""; owners from /proc/PID/fd, sockets ${source}).`,
    [
      ...[...byOwner.values()].map((o): [Record<string, string | number>, number] => [
        { command: o.command, unit: o.unit },
        o.sockets,
      ]),
      ...(r.closeWait.unattributed
        ? [[{ command: '', unit: '' }, r.closeWait.unattributed] as [Record<string, string>, number]]
        : []),
    ],
  );
  family(
    'tune_accept_queue_closed_sockets',
    'gauge',
    `Connections the client already closed that still wait in a listener's accept queue (the listener is not accepting; ${source}).`,
    r.listeners
      .filter((l) => l.queuedClosed > 0)
      .slice(0, 20)
      .map((l) => [
        {
          listener: `${l.address}:${l.port}`,
          command: l.process?.command ?? '',
          unit: l.process ? placeOf(l.process) : '',
        },
        l.queuedClosed,
      ]),
  );
  const topListeners = [...r.listeners]
    .sort((a, b) => (b.percent ?? -1) - (a.percent ?? -1) || b.acceptQueue - a.acceptQueue || a.port - b.port)
    .slice(0, 20);
  family(
    'tune_listen_queue_length',
    'gauge',
    `Connections waiting for accept() per listener (top 20 by fill; ${source}).`,
    topListeners.map((l) => [{ listener: `${l.address}:${l.port}` }, l.acceptQueue]),
  );
  family(
    'tune_listen_queue_limit',
    'gauge',
    'Accept queue limit per listener: min(listen backlog, somaxconn); only when read through netlink sock_diag.',
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
