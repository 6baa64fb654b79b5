// Gathers everything diagnose needs from the host (or a fixture root): tables, counters, bounding sysctls, owners,
// the counter window and, when connections are being opened, who opens them.
import type { CounterWindow } from '../../core/diagnose/counter-window.js';
import type { DiagnosisInput, ProducerSample, TableSource } from '../../core/diagnose/diagnosis.js';
import { UserError } from '../../core/errors.js';
import type { ProcessIdentity } from '../../core/diagnose/process-identity.js';
import { SocketCensus } from '../../core/diagnose/socket-census.js';
import { NO_FILTER, type SocketFilter } from '../../core/diagnose/socket-filter.js';
import type { TcpRecord } from '../../core/diagnose/tcp-table-parser.js';
import { parseCounterGroups, parseSockstat, type CounterGroups } from '../../core/diagnose/net-counters.js';
import type { SysctlKey } from '../../core/sysctl/sysctl-key.js';
import { isLiveRoot, readHostText } from '../files/host-root.js';
import { readSysctl } from '../proc/proc-sys.js';
import { currentScope, readBaseline, writeBaseline } from './counter-baseline.js';
import { sampleProducers } from './producer-sampler.js';
import { findInodeOwners, IdentityCache, ownersOf, type InodeOwners } from './socket-owners.js';
import { readRowsNetlink, tcpDiagHelper } from './socket-diag.js';
import { readRowsProcfs } from './socket-tables.js';

/** Where to read the socket tables: netlink on the live host when the helper is built (auto), or one of them. */
export type TableSourceChoice = 'auto' | 'netlink' | 'procfs';

/** The sysctls that bound the resources diagnose reports on. */
export const BOUNDING_KEYS = [
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_max_tw_buckets',
  'net.core.somaxconn',
  'net.ipv4.tcp_syncookies',
  'net.netfilter.nf_conntrack_count',
  'net.netfilter.nf_conntrack_max',
  'fs.file-nr',
  'fs.file-max',
];

/** Without --interval, producers are sampled this long, and only when connections were opened during the read. */
export const DEFAULT_SAMPLE_SECONDS = 0.5;
/** How many of the busiest client-side destinations are sampled. */
const SAMPLED_DESTINATIONS = 3;

/** TcpExt and Tcp counters (and the rest of netstat/snmp) under the root. */
export function readCounters(root: string): CounterGroups {
  return {
    ...parseCounterGroups(readHostText(root, '/proc/net/snmp').text ?? ''),
    ...parseCounterGroups(readHostText(root, '/proc/net/netstat').text ?? ''),
  };
}

export interface GatherOptions {
  root: string;
  now: () => Date;
  topN: number;
  /** Seconds between two counter samples for rates (and the producer sampling window); 0 for none. */
  interval: number;
  /** A shorter producer sampling window than `interval` (watch: sampling every frame in full would cost a core). */
  sampleSeconds?: number;
  sleep: (ms: number) => Promise<void>;
  source: TableSourceChoice;
  filter?: SocketFilter;
  /** Where the last run's counters are kept (live host only); null to neither read nor keep them. */
  runDir: string | null;
}

/**
 * Streams the TCP tables to rows. Netlink covers the caller's own network namespace only, so it is used for the live
 * root; a fixture root is always read from its files. When netlink fails under `auto`, the procfs tables are read
 * instead (into a fresh consumer from `start`) and the reason is kept for the report.
 */
export async function readTables<T extends { add(r: TcpRecord): void }>(
  root: string,
  choice: TableSourceChoice,
  start: () => T,
  /** Which sockets' owners to keep from the helper (asked once the rows are all read); none when absent. */
  wantOwner?: (inode: number) => boolean,
): Promise<{ result: T; tables: TableSource; owners: InodeOwners | null }> {
  if (choice === 'procfs') {
    const result = start();
    readRowsProcfs(root, (r) => result.add(r));
    return { result, tables: { source: 'procfs', note: null }, owners: null };
  }
  const helper = tcpDiagHelper();
  let why: string;
  if (root !== '/') why = 'a --root tree is read from its files';
  else if ('missing' in helper) why = helper.missing;
  else {
    const result = start();
    // The helper names the owners of CLOSE_WAIT and listening sockets in the same pass.
    const owners: InodeOwners = { pidsOf: new Map(), unreadable: 0 };
    const r = await readRowsNetlink(helper.file, result.add.bind(result), {
      owner: (inode, pid) => {
        if (!wantOwner?.(inode)) return;
        const list = owners.pidsOf.get(inode);
        if (!list) owners.pidsOf.set(inode, [pid]);
        else if (list.length < 64 && !list.includes(pid)) list.push(pid);
      },
      unreadable: (n) => (owners.unreadable += n),
    });
    if (r.ok) return { result, tables: { source: 'netlink', note: null }, owners };
    why = `netlink sock_diag failed: ${r.why}`;
  }
  if (choice === 'netlink') throw new UserError(`--source netlink: ${why}`, {}, root === '/' ? 1 : 2);
  const result = start();
  readRowsProcfs(root, (r) => result.add(r));
  return { result, tables: { source: 'procfs', note: root === '/' ? why : null }, owners: null };
}

/** Reads the host once (plus a sampling window for --interval or a live producer). Writes only the kept counters. */
export async function gatherDiagnosisInput(o: GatherOptions): Promise<DiagnosisInput> {
  const live = isLiveRoot(o.root);
  const before = readCounters(o.root);
  const startedAt = o.now();
  const range = readSysctl(o.root, 'net.ipv4.ip_local_port_range' as SysctlKey);
  const [low = 32768, high = 60999] = (range.state === 'ok' ? (range.value ?? '') : '').trim().split(/\s+/).map(Number);
  const filter = o.filter ?? NO_FILTER;
  let listenerInodes: Set<number> | null = null;
  let reading: SocketCensus | null = null;
  const {
    result: census,
    tables,
    owners: helperOwners,
  } = await readTables(
    o.root,
    o.source,
    () => (reading = new SocketCensus({ low, high }, filter)),
    // Owner records follow every row, so the census is complete when they are asked about.
    (inode) => {
      const c = reading as SocketCensus | null;
      if (!c) return false;
      listenerInodes ??= new Set(c.listeners.map((l) => l.inode));
      return c.closeWaitInodes.has(inode) || listenerInodes.has(inode);
    },
  );
  const afterRead = readCounters(o.root);
  const ids = new IdentityCache(o.root);

  // Who opens the client-side connections: over --interval, else briefly when connections were opened meanwhile.
  let producers: ProducerSample | null = null;
  const dests = census.clientDestinations(SAMPLED_DESTINATIONS);
  const opened = (afterRead.Tcp?.ActiveOpens ?? 0) - (before.Tcp?.ActiveOpens ?? 0);
  const sampleSeconds =
    o.interval > 0
      ? Math.min(o.interval, o.sampleSeconds ?? o.interval)
      : live && opened > 0
        ? DEFAULT_SAMPLE_SECONDS
        : 0;
  const t0 = Date.now();
  if (dests.length && sampleSeconds > 0 && live) {
    const helper = tables.source === 'netlink' ? tcpDiagHelper() : null;
    const sample = await sampleProducers({
      root: o.root,
      helper: helper && 'file' in helper ? helper.file : null,
      destinations: dests,
      seconds: sampleSeconds,
      ids,
      sleep: o.sleep,
    });
    const after = readCounters(o.root);
    const grew = (after.Tcp?.ActiveOpens ?? NaN) - (afterRead.Tcp?.ActiveOpens ?? NaN);
    producers = { ...sample, activeOpens: Number.isFinite(grew) && grew >= 0 ? grew : null };
  } else if (dests.length && live)
    producers = {
      seconds: 0,
      samples: 0,
      destinations: [],
      note: 'no new outgoing connections while the tables were read (use --interval to sample longer)',
      activeOpens: null,
    };
  if (o.interval > 0) await o.sleep(Math.max(0, o.interval * 1000 - (Date.now() - t0)));
  const counters = o.interval > 0 ? readCounters(o.root) : afterRead;
  const now = o.now();

  let window: CounterWindow;
  const scope = live && o.runDir ? currentScope() : null;
  if (o.interval > 0) {
    window = { source: 'interval', seconds: o.interval, since: startedAt.toISOString(), counters: before, note: null };
  } else if (scope && o.runDir) window = readBaseline(o.runDir, scope, now);
  else window = { source: 'none', seconds: 0, since: null, counters: null, note: null };
  if (scope && o.runDir) {
    const failed = writeBaseline(o.runDir, scope, now, counters);
    if (failed && !window.note) window = { ...window, note: failed };
  }

  // One scan of /proc/PID/fd names CLOSE_WAIT owners and the listeners that need naming.
  const namedListeners = new Set<number>();
  const serverPorts = new Set(census.serverTimeWaitByPort.top(o.topN).map(([p]) => p));
  for (const l of census.listeners)
    if (l.inode && (l.queued > 0 || (l.backlog && l.acceptQueue >= l.backlog) || serverPorts.has(l.port)))
      namedListeners.add(l.inode);
  const wanted = new Set([...census.closeWaitInodes, ...namedListeners]);
  const found = helperOwners ?? findInodeOwners(o.root, wanted);
  const listenerOwners: Record<number, ProcessIdentity> = {};
  for (const inode of namedListeners) {
    const pid = found.pidsOf.get(inode)?.[0];
    if (pid) listenerOwners[inode] = ids.of(pid);
  }
  const sysctl: Record<string, string | undefined> = {};
  for (const k of BOUNDING_KEYS) {
    const v = readSysctl(o.root, k as SysctlKey);
    sysctl[k] = v.state === 'ok' ? v.value : undefined;
  }
  const sockstat = {
    ...parseSockstat(readHostText(o.root, '/proc/net/sockstat').text ?? ''),
    ...parseSockstat(readHostText(o.root, '/proc/net/sockstat6').text ?? ''),
  };
  return {
    takenAt: now.toISOString(),
    hostname: readHostText(o.root, '/proc/sys/kernel/hostname').text?.trim() ?? 'unknown',
    kernel: readHostText(o.root, '/proc/sys/kernel/osrelease').text?.trim() ?? 'unknown',
    census,
    tables,
    sysctl,
    counters,
    sockstat,
    owners: census.closeWaitInodes.size ? ownersOf(found, census.closeWaitInodes, ids) : null,
    listenerOwners,
    uninspectedProcesses: found.unreadable,
    producers,
    window,
    filter: filter.text,
    topN: o.topN,
  };
}
