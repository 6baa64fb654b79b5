// Gathers everything diagnose needs from the host (or a fixture root): tables, counters, bounding sysctls, owners.
import type { DiagnosisInput, TableSource } from '../../core/diagnose/diagnosis.js';
import { UserError } from '../../core/errors.js';
import type { SocketCensus } from '../../core/diagnose/socket-census.js';
import { parseCounterGroups, parseSockstat, type CounterGroups } from '../../core/diagnose/net-counters.js';
import type { SysctlKey } from '../../core/sysctl/sysctl-key.js';
import { readHostText } from '../files/host-root.js';
import { readSysctl } from '../proc/proc-sys.js';
import { findSocketOwners } from './socket-owners.js';
import { readSocketCensusNetlink, tcpDiagHelper } from './socket-diag.js';
import { readSocketCensus } from './socket-tables.js';

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
  /** Seconds between two counter samples for rates; 0 for none. */
  interval: number;
  sleep: (ms: number) => Promise<void>;
  source: TableSourceChoice;
}

/**
 * Reads the TCP tables. Netlink covers the caller's own network namespace only, so it is used for the live root; a
 * fixture root is always read from its files. When netlink fails under `auto`, the procfs tables are read instead and
 * the reason is kept for the report.
 */
export async function readTables(
  root: string,
  choice: TableSourceChoice,
  ephemeral: { low: number; high: number },
): Promise<{ census: SocketCensus; tables: TableSource }> {
  if (choice === 'procfs')
    return { census: readSocketCensus(root, ephemeral), tables: { source: 'procfs', note: null } };
  const helper = tcpDiagHelper();
  let why: string;
  if (root !== '/') why = 'a --root tree is read from its files';
  else if ('missing' in helper) why = helper.missing;
  else {
    const r = await readSocketCensusNetlink(helper.file, ephemeral);
    if (r.ok) return { census: r.census, tables: { source: 'netlink', note: null } };
    why = `netlink sock_diag failed: ${r.why}`;
  }
  if (choice === 'netlink') throw new UserError(`--source netlink: ${why}`, {}, root === '/' ? 1 : 2);
  return {
    census: readSocketCensus(root, ephemeral),
    tables: { source: 'procfs', note: root === '/' ? why : null },
  };
}

/** Reads the host once (or twice, `interval` apart, for rates). Never writes. */
export async function gatherDiagnosisInput(o: GatherOptions): Promise<DiagnosisInput> {
  const first = o.interval > 0 ? readCounters(o.root) : null;
  if (first) await o.sleep(o.interval * 1000);
  const range = readSysctl(o.root, 'net.ipv4.ip_local_port_range' as SysctlKey);
  const [low = 32768, high = 60999] = (range.state === 'ok' ? (range.value ?? '') : '').trim().split(/\s+/).map(Number);
  const { census, tables: source } = await readTables(o.root, o.source, { low, high });
  const sysctl: Record<string, string | undefined> = {};
  for (const k of BOUNDING_KEYS) {
    const v = readSysctl(o.root, k as SysctlKey);
    sysctl[k] = v.state === 'ok' ? v.value : undefined;
  }
  const counters = readCounters(o.root);
  const sockstat = {
    ...parseSockstat(readHostText(o.root, '/proc/net/sockstat').text ?? ''),
    ...parseSockstat(readHostText(o.root, '/proc/net/sockstat6').text ?? ''),
  };
  return {
    takenAt: o.now().toISOString(),
    hostname: readHostText(o.root, '/proc/sys/kernel/hostname').text?.trim() ?? 'unknown',
    kernel: readHostText(o.root, '/proc/sys/kernel/osrelease').text?.trim() ?? 'unknown',
    census,
    tables: source,
    sysctl,
    counters,
    sockstat,
    owners: census.closeWaitInodes.size ? findSocketOwners(o.root, census.closeWaitInodes) : null,
    earlier: first ? { counters: first, seconds: o.interval } : null,
    topN: o.topN,
  };
}
