// Turns a socket census, counters and bounding sysctls into a report that names causes and fixes. Pure.
import { counterDeltas, type CounterWindow } from './counter-window.js';
import { findingsOf, recommend } from './diagnosis-findings.js';
import type { CounterGroups } from './net-counters.js';
import type { ProcessIdentity } from './process-identity.js';
import { parsePortList } from '../sysctl/port-list.js';
import type { SocketCensus } from './socket-census.js';

export const DIAGNOSIS_SCHEMA_VERSION = 2;

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

/** Who holds the CLOSE_WAIT sockets (read by src/system/sockets/socket-owners.ts). */
export interface OwnerInfo {
  owners: (ProcessIdentity & { sockets: number })[];
  unreadableProcesses: number;
  attributed: number;
}

/** What sampling the live connections to the busiest client-side TIME_WAIT destinations saw. */
export interface ProducerSample {
  /** Length of the sampling window and how many times the table was read in it. */
  seconds: number;
  samples: number;
  destinations: {
    remote: string;
    port: number;
    /** Distinct live (SYN_SENT, ESTABLISHED) connections to it seen per owning process. */
    owners: { process: ProcessIdentity; connections: number }[];
    /** Live connections seen whose owner could not be found (gone before the scan, or hidden). */
    unattributed: number;
  }[];
  /** Why no sample was taken (e.g. no new outgoing connections while reading), or null. */
  note: string | null;
  /** Outgoing connections opened during the window (Tcp ActiveOpens growth), or null when unknown. */
  activeOpens: number | null;
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
  /** Listening sockets' owners by inode (listeners that need naming: queued connections, server TIME_WAIT). */
  listenerOwners: Record<number, ProcessIdentity>;
  /** Processes whose sockets the owner scan could not look at (an ordinary user cannot read others' fds). */
  uninspectedProcesses: number;
  producers: ProducerSample | null;
  /** The earlier counter sample: --interval, a watch frame, the last run's, or none (first run). */
  window: CounterWindow;
  /** The --port/--dst/--state filter in words (empty: every socket). */
  filter: string[];
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
  sockets: {
    total: number;
    byState: Record<string, number>;
    source: TableSource['source'];
    sourceNote: string | null;
    filter: string[];
  };
  timeWait: {
    total: number;
    maxBuckets: number | null;
    client: { total: number; top: { remote: string; port: number; count: number }[] };
    server: {
      total: number;
      top: { remote: string; count: number }[];
      /** By local port, with the listener's process when one listens there now. */
      byPort: { port: number; count: number; process: ProcessIdentity | null }[];
    };
    /** Neither the ports nor a current listener tell the side. */
    unclassified: number;
    /** Who opens the client-side connections (sampled), when sampled. */
    producers: {
      seconds: number;
      samples: number;
      note: string | null;
      /** Outgoing connections opened during the window (all destinations). */
      activeOpens: number | null;
      destinations: {
        destination: string;
        /** Distinct live connections caught, and of them the ones whose owner was found. */
        caught: number;
        producers: { process: ProcessIdentity; opened: number; seen: number }[];
        unattributed: number;
      }[];
    } | null;
  };
  ephemeral: {
    range: [number, number];
    reservedInRange: number;
    usable: number;
    worst: { local: string; remote: string; port: number; used: number; percent: number }[];
    untrackedTuples: number;
  };
  closeWait: {
    /** Leaked CLOSE_WAIT: accepted connections the peer closed and the process did not. */
    total: number;
    /** CLOSE_WAIT still in an accept queue: never accepted, so the listener's problem (LISTENER_NOT_ACCEPTING). */
    inAcceptQueue: number;
    byLocalPort: { port: number; count: number }[];
    byPeer: { peer: string; count: number }[];
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
    /** Connections seen waiting in the queue (not yet accepted), and those of them the client already closed. */
    queued: number;
    queuedClosed: number;
    process: ProcessIdentity | null;
  }[];
  /** Processes whose sockets could not be looked at: owners named above may be missing some (run as root). */
  uninspectedProcesses: number;
  /** net.core.somaxconn: the cap of every listen() backlog. */
  somaxconn: number | null;
  /** Since-boot values (context; findings judge `counterDeltas`). */
  counters: Record<string, number | null>;
  /** Growth of the event counters over `counterWindow`, or null (first run, or counters reset). */
  counterDeltas: Record<string, number> | null;
  counterWindow: { source: CounterWindow['source']; seconds: number; since: string | null; note: string | null };
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
  const ownerOfPort = (port: number) => {
    const l = c.listeners.find((x) => x.port === port && input.listenerOwners[x.inode]);
    return l ? (input.listenerOwners[l.inode] ?? null) : null;
  };
  const listeners = c.listeners
    .filter((l) => l.shown || l.queued > 0)
    .map((l) => ({
      address: l.address,
      port: l.port,
      acceptQueue: l.acceptQueue,
      backlog: l.backlog,
      percent: l.backlog === null ? null : pct(l.acceptQueue, l.backlog),
      synRecv: c.synRecvByPort.get(l.port),
      queued: l.queued,
      queuedClosed: l.queuedClosed,
      process: input.listenerOwners[l.inode] ?? null,
    }));
  const counter = (g: string, n: string, from = input.counters): number | null => from[g]?.[n] ?? null;
  const counters = Object.fromEntries(COUNTERS.map(([g, n]) => [n, counter(g, n)]));
  const ctCount = int(input.sysctl['net.netfilter.nf_conntrack_count']);
  const ctMax = int(input.sysctl['net.netfilter.nf_conntrack_max']);
  const fileNr = ints(input.sysctl['fs.file-nr']);
  const fileMax = int(input.sysctl['fs.file-max']);
  const deltas = counterDeltas(input.counters, input.window);
  const rates = computeRates(input, deltas);
  const closeWaitTotal = c.leakedCloseWait;
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
      filter: input.filter,
    },
    timeWait: {
      total: c.count('TIME_WAIT'),
      maxBuckets: int(input.sysctl['net.ipv4.tcp_max_tw_buckets']) ?? null,
      client: { total: c.clientTimeWait.total(), top: clientTop },
      server: {
        total: c.serverTimeWait.total(),
        top: serverTop,
        byPort: c.serverTimeWaitByPort
          .top(input.topN)
          .map(([port, count]) => ({ port, count, process: ownerOfPort(port) })),
      },
      unclassified: c.unclassifiedTimeWait,
      producers: producersOf(input.producers),
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
      inAcceptQueue: c.closeWaitInAcceptQueue,
      byLocalPort: c.closeWaitByPort.top(input.topN).map(([port, count]) => ({ port, count })),
      byPeer: c.closeWaitByPeer.top(input.topN).map(([key, count]) => {
        const d = c.destinationOf(key);
        return { peer: d.remote.includes(':') ? `[${d.remote}]:${d.port}` : `${d.remote}:${d.port}`, count };
      }),
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
    uninspectedProcesses: input.uninspectedProcesses,
    somaxconn: int(input.sysctl['net.core.somaxconn']) ?? null,
    counters,
    counterDeltas: deltas,
    counterWindow: {
      source: deltas ? input.window.source : 'none',
      seconds: deltas ? input.window.seconds : 0,
      since: deltas ? input.window.since : null,
      note:
        input.window.note ??
        (input.window.source !== 'none' && !deltas ? 'the kernel counters were reset since the earlier sample' : null),
    },
    conntrack: ctCount !== undefined && ctMax ? { count: ctCount, max: ctMax, percent: pct(ctCount, ctMax) } : null,
    fileHandles:
      fileNr[0] !== undefined && fileMax
        ? { allocated: fileNr[0], max: fileMax, percent: pct(fileNr[0], fileMax) }
        : null,
    rates,
    findings: [],
    recommendations: [],
  };
  // Most severe first (stable within a severity), so "What to do" and a cut watch frame lead with what matters.
  const rank: Record<DiagnosisSeverity, number> = { crit: 0, warn: 1, info: 2 };
  report.findings = findingsOf(report).sort((a, b) => rank[a.severity] - rank[b.severity]);
  report.recommendations = recommend(report);
  return report;
}

/** Connection rates over a short window only (--interval, a watch frame): a rate over hours says little now. */
function computeRates(input: DiagnosisInput, deltas: Record<string, number> | null): DiagnosisReport['rates'] {
  const seconds = input.window.seconds;
  if (!deltas || input.window.source !== 'interval' || seconds <= 0) return null;
  const active = (deltas.ActiveOpens ?? 0) / seconds;
  return {
    seconds,
    activeOpensPerSec: Math.round(active * 10) / 10,
    passiveOpensPerSec: Math.round(((deltas.PassiveOpens ?? 0) / seconds) * 10) / 10,
    projectedClientTimeWait: Math.round(active * TIME_WAIT_SECONDS),
  };
}

/**
 * Who opened the connections now in TIME_WAIT. Short connections are mostly opened and closed between samples, so a
 * producer is credited with the window's outgoing connections (ActiveOpens growth) in proportion to the live
 * connections caught per owner, never with fewer than it was seen holding.
 */
function producersOf(p: ProducerSample | null): DiagnosisReport['timeWait']['producers'] {
  if (!p) return null;
  const caughtAll = p.destinations.reduce(
    (a, d) => a + d.unattributed + d.owners.reduce((x, o) => x + o.connections, 0),
    0,
  );
  const opened = (n: number) =>
    p.activeOpens !== null && caughtAll > 0 ? Math.max(n, Math.round((p.activeOpens * n) / caughtAll)) : n;
  return {
    seconds: p.seconds,
    samples: p.samples,
    note: p.note,
    activeOpens: p.activeOpens,
    destinations: p.destinations.map((d) => ({
      destination: d.remote.includes(':') ? `[${d.remote}]:${d.port}` : `${d.remote}:${d.port}`,
      caught: d.unattributed + d.owners.reduce((x, o) => x + o.connections, 0),
      producers: d.owners.map((o) => ({ process: o.process, seen: o.connections, opened: opened(o.connections) })),
      unattributed: d.unattributed,
    })),
  };
}
