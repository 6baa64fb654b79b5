// The shape of one catalog entry and the small vocabulary the per-subsystem catalog files share.

export type ValueShape =
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'ints'; count: number; min?: number; max?: number }
  /** One unsigned long (proc_doulongvec_minmax): 0..2^64-1, beyond what a JS number holds exactly. */
  | { kind: 'ulong' }
  | { kind: 'string'; pattern: RegExp; describe: string }
  | { kind: 'port-list' };

/**
 * `netns`: one value per network namespace. `ipcns`: one per IPC namespace (System V IPC limits; a container has its
 * own). `global`: one value for the whole host (read-only or absent inside a container).
 */
export type KeyScope = 'netns' | 'ipcns' | 'global';

/** Kernel modules whose keys exist only while they are loaded (or built in). */
export type KeyModule = 'nf_conntrack' | 'sunrpc' | 'nfs' | 'br_netfilter';

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
  module?: KeyModule;
  /** How a write combines with the current value: `merge-ports` unions port lists (the kernel replaces the set). */
  combine?: 'merge-ports';
  /** The kernel's compiled-in default, as the key reads back; absent when it is computed (see `computed`). */
  default?: string;
  /** How the kernel computes the default when it depends on the machine (memory, CPUs, HZ, other keys). */
  computed?: string;
  /** What the key does, in tune's words: one or two sentences for `tune explain`. */
  about: string;
  /** The kernel document (or, when none documents it, the source file) the facts come from. */
  doc: string;
}

export const DOC = {
  ip: 'Documentation/networking/ip-sysctl.rst',
  net: 'Documentation/admin-guide/sysctl/net.rst',
  vm: 'Documentation/admin-guide/sysctl/vm.rst',
  kernel: 'Documentation/admin-guide/sysctl/kernel.rst',
  fs: 'Documentation/admin-guide/sysctl/fs.rst',
  conntrack: 'Documentation/networking/nf_conntrack-sysctl.rst',
  bridge: 'net/bridge/br_netfilter_hooks.c (no document)',
  sunrpc: 'net/sunrpc/xprtsock.c (no document)',
  nfs: 'fs/nfs/sysctl.c (no document)',
} as const;

export const INT_MAX = 2147483647;
export const bool = { kind: 'int', min: 0, max: 1 } as const;
export const u8 = { kind: 'int', min: 0, max: 255 } as const;
export const nonNeg = { kind: 'int', min: 0, max: INT_MAX } as const;
export const positive = { kind: 'int', min: 1, max: INT_MAX } as const;
/** Seconds stored as jiffies (proc_dointvec_jiffies): seconds x HZ must fit an int, so at most INT_MAX/1000. */
export const seconds = { kind: 'int', min: 1, max: Math.floor(INT_MAX / 1000) } as const;
export const secondsOrZero = { kind: 'int', min: 0, max: Math.floor(INT_MAX / 1000) } as const;
export const int = (min: number, max: number) => ({ kind: 'int', min, max }) as const;
export const ints = (count: number, min = 0, max = INT_MAX) => ({ kind: 'ints', count, min, max }) as const;
export const name = (describe: string) => ({ kind: 'string', pattern: /^[A-Za-z0-9_-]+$/, describe }) as const;

/** A maker of host-wide keys under one prefix, documented in one file: `(leaf, shape, default, about, extra)`. */
export function hostKeys(prefix: string, doc: string) {
  return (
    leaf: string,
    shape: ValueShape,
    dflt: string | undefined,
    about: string,
    extra: Partial<KeySpec> = {},
  ): KeySpec => ({
    key: `${prefix}.${leaf}`,
    shape,
    scope: 'global',
    ...(dflt !== undefined ? { default: dflt } : {}),
    about,
    doc,
    ...extra,
  });
}

/** The neighbour table's garbage collection thresholds (host-wide: a child namespace does not show them). */
export function neighThresholds(family: 'ipv4' | 'ipv6', entries: string, overflow: string): KeySpec[] {
  const about = {
    '1': `${entries} below which garbage collection never runs.`,
    '2': `${entries} above which garbage collection runs after 5 s.`,
    '3': `Hard cap on ${entries.toLowerCase()}: ${overflow}`,
  };
  return (['1', '2', '3'] as const).map((n) => ({
    key: `net.${family}.neigh.default.gc_thresh${n}`,
    shape: positive,
    unit: 'entries',
    scope: 'global',
    default: { '1': '128', '2': '512', '3': '1024' }[n],
    about: about[n],
    doc: DOC.ip,
  }));
}
