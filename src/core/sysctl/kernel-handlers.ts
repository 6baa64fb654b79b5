// How the kernel parses a write to each key: the proc handler and its limits (kernel/sysctl.c, net/ipv4/
// sysctl_net_ipv4.c, net/core/sysctl_net_core.c, net/ipv4/devinet.c). These are the kernel's limits, not tune's: the
// catalog's ranges (key-catalog.ts) are what tune will plan, these decide what the boot loaders' writes do. Each was
// checked against kernel 6.18 by writing to a fresh network namespace (docs/boot-precedence.md, "Kernel writes").
import type { SysctlKey } from './sysctl-key.js';

const INT_MAX = 2147483647;

export type KernelHandler =
  /** proc_dointvec / proc_dointvec_minmax: up to `count` ints, each stored as parsed; a bad one fails the write. */
  | { kind: 'int'; count: number; min?: number; max?: number }
  /** proc_dointvec_jiffies: seconds times CONFIG_HZ must fit an int; negative values are accepted. */
  | { kind: 'jiffies' }
  /** proc_dou8vec_minmax: one unsigned value within min..max (no sign, not even `-0`). */
  | { kind: 'u8'; min: number; max: number }
  /** ipv4_local_port_range: two ints 1..65535, low <= high, low >= ip_unprivileged_port_start; all or nothing. */
  | { kind: 'port-range' }
  /** ipv4_privileged_ports: 0..65535 and at most the local port range's minimum. */
  | { kind: 'unprivileged-port-start' }
  /** proc_tcp_congestion_control: a name the kernel has (in a child namespace: an allowed one). */
  | { kind: 'congestion-control' };

const HANDLERS: Record<string, KernelHandler> = {
  'net.ipv4.tcp_fin_timeout': { kind: 'jiffies' },
  'net.ipv4.tcp_keepalive_time': { kind: 'jiffies' },
  'net.ipv4.tcp_keepalive_intvl': { kind: 'jiffies' },
  'net.ipv4.tcp_keepalive_probes': { kind: 'u8', min: 0, max: 255 },
  'net.ipv4.tcp_syn_retries': { kind: 'u8', min: 1, max: 127 },
  'net.ipv4.tcp_synack_retries': { kind: 'u8', min: 0, max: 255 },
  'net.ipv4.tcp_tw_reuse': { kind: 'u8', min: 0, max: 2 },
  'net.ipv4.tcp_syncookies': { kind: 'u8', min: 0, max: 255 },
  'net.ipv4.tcp_timestamps': { kind: 'u8', min: 0, max: 255 },
  'net.ipv4.tcp_sack': { kind: 'u8', min: 0, max: 255 },
  'net.ipv4.tcp_window_scaling': { kind: 'u8', min: 0, max: 255 },
  'net.ipv4.tcp_slow_start_after_idle': { kind: 'u8', min: 0, max: 255 },
  'net.ipv4.tcp_orphan_retries': { kind: 'u8', min: 0, max: 255 },
  'net.ipv4.tcp_max_syn_backlog': { kind: 'int', count: 1 },
  'net.ipv4.tcp_max_tw_buckets': { kind: 'int', count: 1 },
  'net.ipv4.tcp_fastopen': { kind: 'int', count: 1 },
  'net.core.somaxconn': { kind: 'int', count: 1, min: 0 },
  'net.ipv4.tcp_rmem': { kind: 'int', count: 3, min: 1 },
  'net.ipv4.tcp_wmem': { kind: 'int', count: 3, min: 1 },
  'net.ipv4.ip_local_port_range': { kind: 'port-range' },
  'net.ipv4.ip_unprivileged_port_start': { kind: 'unprivileged-port-start' },
  'net.ipv4.tcp_congestion_control': { kind: 'congestion-control' },
};

/** Per-interface keys under net.ipv4.conf.<name>. (devinet_conf_proc: plain proc_dointvec). */
const IPV4_CONF_INT = new Set(['rp_filter', 'accept_local', 'log_martians', 'arp_ignore', 'arp_announce']);

/** The kernel's parser for a key, or undefined when tune does not know it (a write is then assumed to succeed). */
export function kernelHandler(key: SysctlKey | string): KernelHandler | undefined {
  const known = HANDLERS[key];
  if (known) return known;
  const conf = /^net\.ipv4\.conf\.[^.]+\.([a-z_]+)$/.exec(key);
  if (conf && IPV4_CONF_INT.has(conf[1] ?? '')) return { kind: 'int', count: 1 };
  return undefined;
}

export const KERNEL_INT_MAX = INT_MAX;
