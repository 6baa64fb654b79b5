// What tune knows about each sysctl it may touch: type, range, unit, scope, version gates, module (kernel-facts.md).
import type { SysctlKey } from './sysctl-key.js';

export type ValueShape =
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'ints'; count: number; min?: number; max?: number }
  | { kind: 'string'; pattern: RegExp; describe: string }
  | { kind: 'port-list' };

/** Per network namespace, or one value for the whole host (read-only or absent inside a container). */
export type KeyScope = 'netns' | 'global';

export interface KeySpec {
  key: string;
  shape: ValueShape;
  unit?: string;
  scope: KeyScope;
  /** First kernel (major.minor) that has the key. */
  since?: string;
  /** First kernel that no longer has it. */
  removedIn?: string;
  /** Kernel module that must be loaded for the key to exist. */
  module?: 'nf_conntrack' | 'sunrpc' | 'nfs';
  /** How a write combines with the current value: `merge-ports` unions port lists (the kernel replaces the set). */
  combine?: 'merge-ports';
}

const u8 = { kind: 'int', min: 0, max: 255 } as const;
const bool = { kind: 'int', min: 0, max: 1 } as const;
const nonNeg = { kind: 'int', min: 0, max: 2147483647 } as const;
const positive = { kind: 'int', min: 1, max: 2147483647 } as const;
const rpcSlots = { kind: 'int', min: 2, max: 65536 } as const;
const port = { kind: 'int', min: 1, max: 65535 } as const;
const name = (describe: string) => ({ kind: 'string', pattern: /^[A-Za-z0-9_-]+$/, describe }) as const;

const SPECS: KeySpec[] = [
  { key: 'net.ipv4.tcp_tw_reuse', shape: { kind: 'int', min: 0, max: 2 }, scope: 'netns' },
  {
    key: 'net.ipv4.tcp_tw_reuse_delay',
    shape: { kind: 'int', min: 1, max: 60000 },
    unit: 'ms',
    scope: 'netns',
    since: '6.14',
  },
  { key: 'net.ipv4.tcp_tw_recycle', shape: bool, scope: 'netns', removedIn: '4.12' },
  { key: 'net.ipv4.tcp_fin_timeout', shape: positive, unit: 's', scope: 'netns' },
  { key: 'net.ipv4.tcp_max_tw_buckets', shape: nonNeg, scope: 'netns' },
  { key: 'net.ipv4.tcp_max_orphans', shape: nonNeg, scope: 'global' },
  { key: 'net.ipv4.tcp_orphan_retries', shape: u8, scope: 'netns' },
  { key: 'net.ipv4.ip_local_port_range', shape: { kind: 'ints', count: 2, min: 1, max: 65535 }, scope: 'netns' },
  { key: 'net.ipv4.ip_local_reserved_ports', shape: { kind: 'port-list' }, scope: 'netns', combine: 'merge-ports' },
  {
    key: 'net.ipv4.ip_unprivileged_port_start',
    shape: { kind: 'int', min: 0, max: 65535 },
    scope: 'netns',
    since: '4.11',
  },
  { key: 'net.core.somaxconn', shape: { kind: 'int', min: 0, max: 2147483647 }, scope: 'netns' },
  { key: 'net.ipv4.tcp_max_syn_backlog', shape: positive, scope: 'netns' },
  { key: 'net.ipv4.tcp_syncookies', shape: { kind: 'int', min: 0, max: 2 }, scope: 'netns' },
  { key: 'net.ipv4.tcp_syn_retries', shape: { kind: 'int', min: 1, max: 127 }, scope: 'netns' },
  { key: 'net.ipv4.tcp_synack_retries', shape: u8, scope: 'netns' },
  { key: 'net.ipv4.tcp_syn_linear_timeouts', shape: u8, scope: 'netns', since: '6.5' },
  { key: 'net.ipv4.tcp_keepalive_time', shape: { kind: 'int', min: 1, max: 32767 }, unit: 's', scope: 'netns' },
  { key: 'net.ipv4.tcp_keepalive_intvl', shape: { kind: 'int', min: 1, max: 32767 }, unit: 's', scope: 'netns' },
  { key: 'net.ipv4.tcp_keepalive_probes', shape: { kind: 'int', min: 1, max: 127 }, scope: 'netns' },
  { key: 'net.ipv4.tcp_timestamps', shape: { kind: 'int', min: 0, max: 2 }, scope: 'netns' },
  { key: 'net.ipv4.tcp_sack', shape: bool, scope: 'netns' },
  { key: 'net.ipv4.tcp_window_scaling', shape: bool, scope: 'netns' },
  { key: 'net.ipv4.tcp_mem', shape: { kind: 'ints', count: 3, min: 1 }, unit: 'pages', scope: 'global' },
  {
    key: 'net.ipv4.tcp_rmem',
    shape: { kind: 'ints', count: 3, min: 4096, max: 2147483647 },
    unit: 'bytes',
    scope: 'netns',
  },
  {
    key: 'net.ipv4.tcp_wmem',
    shape: { kind: 'ints', count: 3, min: 1, max: 2147483647 },
    unit: 'bytes',
    scope: 'netns',
  },
  { key: 'net.core.rmem_max', shape: { kind: 'int', min: 2304, max: 2147483647 }, unit: 'bytes', scope: 'global' },
  { key: 'net.core.wmem_max', shape: { kind: 'int', min: 4608, max: 2147483647 }, unit: 'bytes', scope: 'global' },
  { key: 'net.core.rmem_default', shape: { kind: 'int', min: 2304, max: 2147483647 }, unit: 'bytes', scope: 'global' },
  { key: 'net.core.wmem_default', shape: { kind: 'int', min: 4608, max: 2147483647 }, unit: 'bytes', scope: 'global' },
  { key: 'net.core.netdev_max_backlog', shape: positive, unit: 'packets', scope: 'global' },
  { key: 'net.core.default_qdisc', shape: name('a queueing discipline name'), scope: 'global' },
  { key: 'net.ipv4.route.gc_timeout', shape: nonNeg, unit: 's', scope: 'global' },
  { key: 'net.netfilter.nf_conntrack_max', shape: positive, scope: 'global', module: 'nf_conntrack' },
  { key: 'net.netfilter.nf_conntrack_buckets', shape: positive, scope: 'global', module: 'nf_conntrack' },
  { key: 'net.netfilter.nf_conntrack_count', shape: nonNeg, scope: 'netns', module: 'nf_conntrack' },
  {
    key: 'net.netfilter.nf_conntrack_tcp_timeout_established',
    shape: positive,
    unit: 's',
    scope: 'netns',
    module: 'nf_conntrack',
  },
  {
    key: 'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
    shape: positive,
    unit: 's',
    scope: 'netns',
    module: 'nf_conntrack',
  },
  { key: 'fs.file-max', shape: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER }, scope: 'global' },
  { key: 'fs.nr_open', shape: { kind: 'int', min: 64, max: 2147483584 }, scope: 'global' },
  { key: 'fs.file-nr', shape: { kind: 'ints', count: 3, min: 0 }, scope: 'global' },
  { key: 'net.ipv4.tcp_congestion_control', shape: name('a congestion control name'), scope: 'netns' },
  {
    key: 'net.ipv4.tcp_available_congestion_control',
    shape: { kind: 'string', pattern: /^[\w -]*$/, describe: 'names' },
    scope: 'netns',
  },
  {
    key: 'net.ipv4.tcp_allowed_congestion_control',
    shape: { kind: 'string', pattern: /^[\w -]*$/, describe: 'names' },
    scope: 'global',
  },
  { key: 'net.ipv4.tcp_ehash_entries', shape: { kind: 'int' }, scope: 'netns', since: '6.1' },
  { key: 'net.ipv4.ip_forward', shape: bool, scope: 'netns' },
  { key: 'net.ipv4.tcp_slow_start_after_idle', shape: bool, scope: 'netns' },
  { key: 'net.ipv4.tcp_fastopen', shape: { kind: 'int', min: 0, max: 0x7ff }, scope: 'netns' },
  { key: 'sunrpc.tcp_slot_table_entries', shape: rpcSlots, scope: 'global', module: 'sunrpc' },
  { key: 'sunrpc.tcp_max_slot_table_entries', shape: rpcSlots, scope: 'global', module: 'sunrpc' },
  { key: 'sunrpc.udp_slot_table_entries', shape: rpcSlots, scope: 'global', module: 'sunrpc' },
  { key: 'sunrpc.min_resvport', shape: port, scope: 'global', module: 'sunrpc' },
  { key: 'sunrpc.max_resvport', shape: port, scope: 'global', module: 'sunrpc' },
  { key: 'fs.nfs.nfs_callback_tcpport', shape: { kind: 'int', min: 0, max: 65535 }, scope: 'global', module: 'nfs' },
  { key: 'fs.nfs.nfs_mountpoint_timeout', shape: nonNeg, unit: 's', scope: 'global', module: 'nfs' },
  { key: 'fs.nfs.idmap_cache_timeout', shape: nonNeg, unit: 's', scope: 'global', module: 'nfs' },
];

const BY_KEY = new Map(SPECS.map((s) => [s.key, s]));

/** The spec of a known key, or undefined for keys tune has no facts about. */
export function keySpec(key: SysctlKey | string): KeySpec | undefined {
  return BY_KEY.get(key);
}

/** Every key tune knows: the snapshot reads all of them so rules and offline plans have their evidence. */
export function knownKeys(): SysctlKey[] {
  return SPECS.map((s) => s.key as SysctlKey);
}
