// Kernel defaults that depend on the machine (kernel-facts.md note 3): computed, never hard-coded.
import type { Snapshot } from '../snapshot.js';

export interface KernelDefaults {
  /** TCP established hash size; the other defaults derive from it. null when it cannot be known. */
  ehashEntries: number | null;
  ehashSource: string;
  tcpMaxTwBuckets: number | null;
  tcpMaxOrphans: number | null;
  tcpMaxSynBacklog: number | null;
}

/** The runtime keys the defaults are computed from. */
export const KERNEL_DEFAULT_KEYS = ['net.ipv4.tcp_ehash_entries'];

/** Derives ehash-based defaults from tcp_ehash_entries (6.1+) or, failing that, from MemTotal. */
export function kernelDefaults(s: Snapshot): KernelDefaults {
  const fromKey = s.sysctl['net.ipv4.tcp_ehash_entries'];
  let ehash: number | null = null;
  let source = 'unknown (no tcp_ehash_entries and no MemTotal)';
  if (fromKey?.state === 'ok' && /^-?\d+$/.test(fromKey.value?.trim() ?? '')) {
    ehash = Math.abs(Number(fromKey.value));
    source = 'net.ipv4.tcp_ehash_entries';
  } else if (s.env.memTotalKiB) {
    // alloc_large_system_hash: one slot per 128 KiB of memory, rounded down to a power of two, capped at 512Ki.
    const slots = Math.max(1, Math.floor(s.env.memTotalKiB / 128));
    ehash = Math.min(2 ** Math.floor(Math.log2(slots)), 512 * 1024);
    source = `estimated from MemTotal ${s.env.memTotalKiB} kB`;
  }
  return {
    ehashEntries: ehash,
    ehashSource: source,
    tcpMaxTwBuckets: ehash === null ? null : ehash / 2,
    tcpMaxOrphans: ehash === null ? null : ehash / 2,
    tcpMaxSynBacklog: ehash === null ? null : Math.max(128, ehash / 128),
  };
}

/** The computed default of one key, or null: `>N`/`<N` keys need it to know what boot leaves when nothing sets them. */
export function kernelDefaultOf(d: KernelDefaults, key: string): number | null {
  if (key === 'net.ipv4.tcp_max_tw_buckets') return d.tcpMaxTwBuckets;
  if (key === 'net.ipv4.tcp_max_orphans') return d.tcpMaxOrphans;
  if (key === 'net.ipv4.tcp_max_syn_backlog') return d.tcpMaxSynBacklog;
  return null;
}
