// Turns a socket census, counters and bounding sysctls into a report that names causes and fixes. Pure.
import type { CounterGroups } from './net-counters.js';
import { parsePortList } from '../sysctl/port-list.js';
import type { SocketCensus } from './socket-census.js';

export const DIAGNOSIS_SCHEMA_VERSION = 1;

export type DiagnosisSeverity = 'crit' | 'warn' | 'info';

export interface DiagnosisFinding {
  id: string;
  severity: DiagnosisSeverity;
  message: string;
  /** What to do, and where the fix belongs. */
  advice: string;
  evidence: Record<string, string | number | null>;
}

export interface Recommendation {
  where: 'application' | 'kernel';
  why: string;
  profile?: string;
  command?: string;
}

/** Who holds the CLOSE_WAIT sockets (read by src/system/socket-owners.ts). */
export interface OwnerInfo {
  owners: { pid: number; command: string; sockets: number }[];
  unreadableProcesses: number;
  attributed: number;
}

export interface DiagnosisInput {
  takenAt: string;
  hostname: string;
  kernel: string;
  census: SocketCensus;
  /** How the tables were read: netlink sock_diag (live host) or /proc/net/tcp{,6}; why netlink was not used. */
  tables: TableSource;
  /** Runtime values of the bounding sysctls (missing keys are absent on this kernel). */
  sysctl: Record<string, string | undefined>;
  counters: CounterGroups;
  sockstat: CounterGroups;
  owners: OwnerInfo | null;
  /** Counters sampled `seconds` apart (for --interval), else null. */
  earlier: { counters: CounterGroups; seconds: number } | null;
  topN: number;
}

export interface TableSource {
  source: 'netlink' | 'procfs';
  note: string | null;
}

export interface DiagnosisReport {
  schemaVersion: number;
  takenAt: string;
  hostname: string;
  kernel: string;
  sockets: { total: number; byState: Record<string, number>; source: TableSource['source']; sourceNote: string | null };
  timeWait: {
    total: number;
    maxBuckets: number | null;
    client: { total: number; top: { remote: string; port: number; count: number }[] };
    server: { total: number; top: { remote: string; count: number }[] };
  };
  ephemeral: {
    range: [number, number];
    reservedInRange: number;
    usable: number;
    worst: { local: string; remote: string; port: number; used: number; percent: number }[];
    untrackedTuples: number;
  };
  closeWait: {
    total: number;
    byLocalPort: { port: number; count: number }[];
    owners: OwnerInfo['owners'];
    unattributed: number;
    note: string | null;
  };
  listeners: {
    address: string;
    port: number;
    acceptQueue: number;
    /** null when the tables came from /proc/net/tcp, which does not show a listener's limit. */
    backlog: number | null;
    percent: number | null;
    synRecv: number;
  }[];
  /** net.core.somaxconn: the cap of every listen() backlog. */
  somaxconn: number | null;
  counters: Record<string, number | null>;
  conntrack: { count: number; max: number; percent: number } | null;
  fileHandles: { allocated: number; max: number; percent: number } | null;
  rates: null | {
    seconds: number;
    activeOpensPerSec: number;
    passiveOpensPerSec: number;
    projectedClientTimeWait: number;
  };
  findings: DiagnosisFinding[];
  recommendations: Recommendation[];
}

const COUNTERS: [string, string][] = [
  ['TcpExt', 'TW'],
  ['TcpExt', 'TWRecycled'],
  ['TcpExt', 'TWKilled'],
  ['TcpExt', 'TCPTimeWaitOverflow'],
  ['TcpExt', 'ListenOverflows'],
  ['TcpExt', 'ListenDrops'],
  ['TcpExt', 'TCPAbortOnMemory'],
  ['TcpExt', 'SyncookiesSent'],
  ['TcpExt', 'SyncookiesFailed'],
  ['TcpExt', 'TCPReqQFullDrop'],
  ['Tcp', 'ActiveOpens'],
  ['Tcp', 'PassiveOpens'],
  ['Tcp', 'AttemptFails'],
  ['Tcp', 'EstabResets'],
  ['Tcp', 'CurrEstab'],
];

const TIME_WAIT_SECONDS = 60;
const int = (v: string | undefined): number | undefined =>
  v !== undefined && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
const ints = (v: string | undefined): number[] => (v ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
const pct = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 1000) / 10 : 0);

/** Builds the report: every number, findings with cause and advice, and the profile or application fix. */
export function diagnose(input: DiagnosisInput): DiagnosisReport {
  const c = input.census;
  const [low = 32768, high = 60999] = ints(input.sysctl['net.ipv4.ip_local_port_range']);
  const reserved = [...parsePortList(input.sysctl['net.ipv4.ip_local_reserved_ports'] ?? '')].filter(
    (p) => p >= low && p <= high,
  ).length;
  const usable = Math.max(0, high - low + 1 - reserved);
  const worst = c.ephemeralUse
    .top(input.topN)
    .map(([key, used]) => ({ ...c.tupleOf(key), used, percent: pct(used, usable) }));
  const clientTop = c.clientTimeWait.top(input.topN).map(([key, count]) => ({ ...c.destinationOf(key), count }));
  const serverTop = c.serverTimeWait.top(input.topN).map(([key, count]) => ({ remote: c.clientOf(key), count }));
  const listeners = c.listeners.map((l) => ({
    address: l.address,
    port: l.port,
    acceptQueue: l.acceptQueue,
    backlog: l.backlog,
    percent: l.backlog === null ? null : pct(l.acceptQueue, l.backlog),
    synRecv: c.synRecvByPort.get(l.port),
  }));
  const counter = (g: string, n: string, from = input.counters): number | null => from[g]?.[n] ?? null;
  const counters = Object.fromEntries(COUNTERS.map(([g, n]) => [n, counter(g, n)]));
  const ctCount = int(input.sysctl['net.netfilter.nf_conntrack_count']);
  const ctMax = int(input.sysctl['net.netfilter.nf_conntrack_max']);
  const fileNr = ints(input.sysctl['fs.file-nr']);
  const fileMax = int(input.sysctl['fs.file-max']);
  const rates = computeRates(input);
  const closeWaitTotal = c.count('CLOSE_WAIT');
  const unattributed = input.owners ? Math.max(0, closeWaitTotal - input.owners.attributed) : closeWaitTotal;

  const report: DiagnosisReport = {
    schemaVersion: DIAGNOSIS_SCHEMA_VERSION,
    takenAt: input.takenAt,
    hostname: input.hostname,
    kernel: input.kernel,
    sockets: {
      total: c.rows,
      byState: Object.fromEntries(Object.entries(c.byState()).sort()),
      source: input.tables.source,
      sourceNote: input.tables.note,
    },
    timeWait: {
      total: c.count('TIME_WAIT'),
      maxBuckets: int(input.sysctl['net.ipv4.tcp_max_tw_buckets']) ?? null,
      client: { total: c.clientTimeWait.total(), top: clientTop },
      server: { total: c.serverTimeWait.total(), top: serverTop },
    },
    ephemeral: {
      range: [low, high],
      reservedInRange: reserved,
      usable,
      worst,
      untrackedTuples: c.ephemeralUse.untrackedKeys,
    },
    closeWait: {
      total: closeWaitTotal,
      byLocalPort: c.closeWaitByPort.top(input.topN).map(([port, count]) => ({ port, count })),
      owners: input.owners?.owners.slice(0, input.topN) ?? [],
      unattributed,
      note:
        closeWaitTotal === 0
          ? null
          : input.owners && input.owners.unreadableProcesses > 0 && unattributed > 0
            ? `${unattributed} CLOSE_WAIT socket(s) not attributed: ${input.owners.unreadableProcesses} process(es) could not be inspected (run as root to see every owner)`
            : unattributed > 0
              ? `${unattributed} CLOSE_WAIT socket(s) not attributed to a process (owner exited or hidden)`
              : null,
    },
    listeners,
    somaxconn: int(input.sysctl['net.core.somaxconn']) ?? null,
    counters,
    conntrack: ctCount !== undefined && ctMax ? { count: ctCount, max: ctMax, percent: pct(ctCount, ctMax) } : null,
    fileHandles:
      fileNr[0] !== undefined && fileMax
        ? { allocated: fileNr[0], max: fileMax, percent: pct(fileNr[0], fileMax) }
        : null,
    rates,
    findings: [],
    recommendations: [],
  };
  report.findings = findingsOf(report);
  report.recommendations = recommend(report);
  return report;
}

function computeRates(input: DiagnosisInput): DiagnosisReport['rates'] {
  if (!input.earlier || input.earlier.seconds <= 0) return null;
  const d = (n: string) =>
    ((input.counters.Tcp?.[n] ?? 0) - (input.earlier?.counters.Tcp?.[n] ?? 0)) / (input.earlier?.seconds ?? 1);
  const active = Math.max(0, d('ActiveOpens'));
  return {
    seconds: input.earlier.seconds,
    activeOpensPerSec: Math.round(active * 10) / 10,
    passiveOpensPerSec: Math.round(Math.max(0, d('PassiveOpens')) * 10) / 10,
    projectedClientTimeWait: Math.round(active * TIME_WAIT_SECONDS),
  };
}

function findingsOf(r: DiagnosisReport): DiagnosisFinding[] {
  const out: DiagnosisFinding[] = [];
  const w = r.ephemeral.worst[0];
  if (w && w.percent >= 50) {
    out.push({
      id: w.percent >= 90 ? 'EPHEMERAL_PORTS_EXHAUSTED' : 'EPHEMERAL_PORTS_PRESSURE',
      severity: w.percent >= 90 ? 'crit' : 'warn',
      message: `${w.used} of ${r.ephemeral.usable} usable ephemeral ports (${w.percent}%) are held by connections from ${w.local} to ${w.remote}:${w.port}; at 100% connect() fails with "Cannot assign requested address" (EADDRNOTAVAIL).`,
      advice:
        'Reuse connections (pooling, HTTP keep-alive) so fewer are opened and closed; then widen ip_local_port_range and enable tcp_tw_reuse (profile short-connection-api), or spread load over more destination addresses or ports.',
      evidence: { local: w.local, remote: `${w.remote}:${w.port}`, used: w.used, usable: r.ephemeral.usable },
    });
  }
  const ct = r.timeWait.client;
  if (ct.total > 0) {
    const top = ct.top[0];
    out.push({
      id: 'TIME_WAIT_CLIENT_SIDE',
      severity: top && pct(top.count, r.ephemeral.usable) >= 50 ? 'warn' : 'info',
      message: `${ct.total} TIME_WAIT socket(s) from connections this host opened and closed first${top ? `; most go to ${top.remote}:${top.port} (${top.count})` : ''}. Each holds its local port for 60 s (fixed in the kernel).`,
      advice:
        'Keep connections open and reuse them; let the server close first where the protocol allows. tcp_fin_timeout does not shorten TIME_WAIT; tcp_tw_reuse (client side) lets new connections reuse these ports safely.',
      evidence: { total: ct.total, topDestination: top ? `${top.remote}:${top.port}` : null },
    });
  }
  const st = r.timeWait.server;
  if (st.total > 0) {
    out.push({
      id: 'TIME_WAIT_SERVER_SIDE',
      severity: 'info',
      message: `${st.total} TIME_WAIT socket(s) from connections this host accepted and closed first (as the server). They use no ports and little memory; they are harmless unless tcp_max_tw_buckets overflows.`,
      advice:
        'If they matter, have clients close first (HTTP keep-alive, client-initiated close); no kernel change needed.',
      evidence: { total: st.total },
    });
  }
  const overflow = r.counters.TCPTimeWaitOverflow ?? 0;
  if (overflow > 0 || (r.timeWait.maxBuckets && r.timeWait.total >= 0.9 * r.timeWait.maxBuckets)) {
    out.push({
      id: 'TIME_WAIT_BUCKETS_OVERFLOW',
      severity: 'warn',
      message: `TIME_WAIT is at ${r.timeWait.total} of tcp_max_tw_buckets ${r.timeWait.maxBuckets ?? '?'}; TCPTimeWaitOverflow=${overflow}: past the limit the kernel drops sockets without TIME_WAIT protection.`,
      advice:
        'Reduce connection churn in the application; raise tcp_max_tw_buckets with memory (profile short-connection-api raises it), never lower it.',
      evidence: { timeWait: r.timeWait.total, maxBuckets: r.timeWait.maxBuckets, TCPTimeWaitOverflow: overflow },
    });
  }
  if (r.closeWait.total > 0) {
    const o = r.closeWait.owners[0];
    out.push({
      id: 'CLOSE_WAIT_HELD',
      severity: r.closeWait.total >= 100 ? 'warn' : 'info',
      message: `${r.closeWait.total} socket(s) in CLOSE_WAIT: the peer closed, but the application has not called close()${o ? `; most are held by pid ${o.pid} (${o.command}, ${o.sockets})` : ''}.${r.closeWait.note ? ` ${r.closeWait.note}.` : ''}`,
      advice:
        'This is an application bug (a leaked connection or a missing close() on error paths); no sysctl fixes it. Restarting the process releases them.',
      evidence: { total: r.closeWait.total, pid: o?.pid ?? null, command: o?.command ?? null },
    });
  }
  for (const l of r.listeners) {
    if (l.backlog !== null && l.percent !== null && l.backlog > 0 && l.percent >= 80) {
      out.push({
        id: 'LISTEN_QUEUE_FULL',
        severity: l.acceptQueue >= l.backlog ? 'crit' : 'warn',
        message: `listener ${l.address}:${l.port} has ${l.acceptQueue} connections waiting for accept() of ${l.backlog} allowed (${l.percent}%); when full, new connections are dropped (ListenOverflows).`,
        advice:
          'The application accepts too slowly: add accept workers; and raise its listen() backlog together with net.core.somaxconn (profile proxy or syn-flood-guard), then restart it.',
        evidence: { listener: `${l.address}:${l.port}`, acceptQueue: l.acceptQueue, backlog: l.backlog },
      });
    }
  }
  const lo = r.counters.ListenOverflows ?? 0;
  if (lo > 0) {
    out.push({
      id: 'LISTEN_OVERFLOWS_SEEN',
      severity: 'warn',
      message: `the kernel has dropped connections because an accept queue was full ${lo} time(s) since boot (ListenOverflows; ListenDrops=${r.counters.ListenDrops ?? 0}).`,
      advice:
        'Find the slow listener (LISTEN_QUEUE_FULL, `tune watch`); raise backlog and somaxconn and accept faster.',
      evidence: { ListenOverflows: lo, ListenDrops: r.counters.ListenDrops ?? null },
    });
  }
  const syn = r.sockets.byState.SYN_RECV ?? 0;
  // A listener's limit bounds its SYN queue too; when /proc hid it, somaxconn (the cap of every backlog) stands in.
  const synHot = r.listeners.find((l) => {
    const limit = l.backlog ?? r.somaxconn;
    return limit !== null && limit > 0 && l.synRecv >= Math.max(64, limit / 2);
  });
  if (synHot || syn >= 1024 || (r.counters.SyncookiesSent ?? 0) > 0) {
    out.push({
      id: 'SYN_FLOOD_SUSPECTED',
      severity: synHot || syn >= 1024 ? 'warn' : 'info',
      message: `${syn} half-open connection(s) in SYN_RECV${synHot ? `, ${synHot.synRecv} on ${synHot.address}:${synHot.port}` : ''}; SYN cookies sent since boot: ${r.counters.SyncookiesSent ?? 0}.`,
      advice:
        'Keep tcp_syncookies=1 and expire half-open connections sooner (profile syn-flood-guard); filter the sources upstream if it persists.',
      evidence: { synRecv: syn, SyncookiesSent: r.counters.SyncookiesSent ?? null },
    });
  }
  if (r.conntrack && r.conntrack.percent >= 80) {
    out.push({
      id: 'CONNTRACK_TABLE_PRESSURE',
      severity: r.conntrack.percent >= 95 ? 'crit' : 'warn',
      message: `the conntrack table holds ${r.conntrack.count} of ${r.conntrack.max} entries (${r.conntrack.percent}%); when full, new flows are dropped ("nf_conntrack: table full, dropping packet").`,
      advice:
        'Raise nf_conntrack_max together with the hash size, or exempt high-churn traffic from tracking (notrack); shorter-lived connections also help.',
      evidence: { count: r.conntrack.count, max: r.conntrack.max },
    });
  }
  if (r.fileHandles && r.fileHandles.percent >= 80) {
    out.push({
      id: 'FILE_HANDLES_PRESSURE',
      severity: r.fileHandles.percent >= 95 ? 'crit' : 'warn',
      message: `${r.fileHandles.allocated} of fs.file-max ${r.fileHandles.max} file handles are allocated (${r.fileHandles.percent}%).`,
      advice: 'Look for descriptor leaks first; raise fs.file-max (profile proxy only ever raises it).',
      evidence: { allocated: r.fileHandles.allocated, max: r.fileHandles.max },
    });
  }
  if (r.rates) {
    const proj = r.rates.projectedClientTimeWait;
    out.push({
      id: 'CONNECTION_RATE',
      severity: proj > r.ephemeral.usable ? 'warn' : 'info',
      message: `${r.rates.activeOpensPerSec} new outgoing and ${r.rates.passiveOpensPerSec} new incoming connections per second over ${r.rates.seconds}s. If this host closes the outgoing ones first, TIME_WAIT settles near ${proj} (rate x 60 s) against ${r.ephemeral.usable} usable ports per destination.`,
      advice:
        proj > r.ephemeral.usable
          ? 'At this rate one destination would run out of ports: pool connections, or apply short-connection-api and spread over more destinations.'
          : 'Within the port range at this rate.',
      evidence: {
        activeOpensPerSec: r.rates.activeOpensPerSec,
        projectedClientTimeWait: proj,
        usable: r.ephemeral.usable,
      },
    });
  }
  return out;
}

function recommend(r: DiagnosisReport): Recommendation[] {
  const ids = new Set(r.findings.map((f) => f.id));
  const out: Recommendation[] = [];
  const plan = (profile: string, why: string) =>
    out.push({ where: 'kernel', profile, command: `tune plan --profile ${profile}`, why });
  if (
    ids.has('EPHEMERAL_PORTS_EXHAUSTED') ||
    ids.has('EPHEMERAL_PORTS_PRESSURE') ||
    r.findings.some((f) => f.id === 'TIME_WAIT_CLIENT_SIDE' && f.severity === 'warn')
  )
    out.push({
      where: 'application',
      why: 'reuse outgoing connections (pooling, keep-alive): fewer connections opened means fewer ports in TIME_WAIT',
    });
  if (
    ids.has('EPHEMERAL_PORTS_EXHAUSTED') ||
    ids.has('EPHEMERAL_PORTS_PRESSURE') ||
    ids.has('TIME_WAIT_BUCKETS_OVERFLOW') ||
    (ids.has('CONNECTION_RATE') && r.findings.find((f) => f.id === 'CONNECTION_RATE')?.severity === 'warn')
  )
    plan(
      'short-connection-api',
      'more ephemeral ports per destination and safe TIME_WAIT reuse for outgoing connections',
    );
  if (ids.has('LISTEN_QUEUE_FULL') || ids.has('LISTEN_OVERFLOWS_SEEN')) {
    out.push({
      where: 'application',
      why: 'accept faster and ask listen() for a larger backlog, then restart the listener',
    });
    plan('proxy', 'a larger accept queue limit (somaxconn) for bursty listeners');
  }
  if (ids.has('SYN_FLOOD_SUSPECTED')) plan('syn-flood-guard', 'SYN cookies on and half-open connections expire sooner');
  if (ids.has('CLOSE_WAIT_HELD'))
    out.push({
      where: 'application',
      why: 'close sockets after the peer closes (CLOSE_WAIT is a leak in the process that holds them)',
    });
  return out;
}
