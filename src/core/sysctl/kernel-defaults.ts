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

/**
 * The default the kernel computes for `key` on this machine, with where the figure comes from, or null when the key's
 * default is fixed or cannot be worked out here. Memory-based figures are estimates from MemTotal (the kernel uses
 * free buffer pages at boot): good to a few percent, for `tune explain`, never for decisions.
 */
export function machineDefault(s: Snapshot, key: string): { value: string; from: string } | null {
  const d = kernelDefaults(s);
  const exact = kernelDefaultOf(d, key);
  if (exact !== null) return { value: String(exact), from: d.ehashSource };
  const kib = s.env.memTotalKiB;
  if (!kib) return null;
  const from = `estimated from MemTotal ${kib} kB`;
  const pages = Math.floor((kib * 1024) / s.env.pageSize);
  // tcp_init_mem / udp_init: low = limit/4*3 (integer division), pressure = limit, high = low*2.
  const triple = (limit: number) => {
    const low = Math.floor(limit / 4) * 3;
    return `${low} ${limit} ${low * 2}`;
  };
  switch (key) {
    case 'fs.file-max':
      return { value: String(Math.max(8192, Math.floor(kib / 10))), from };
    case 'kernel.threads-max':
      return { value: String(Math.floor(kib / 128)), from };
    case 'net.ipv4.tcp_mem':
      return { value: triple(Math.max(128, Math.floor(pages / 16))), from };
    case 'net.ipv4.udp_mem':
      return { value: triple(Math.max(128, Math.floor(pages / 8))), from };
    default:
      return null;
  }
}
