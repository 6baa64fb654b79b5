// What tune knows about each sysctl it may touch: type, range, unit, default, scope, version gates, module and what it
// does (kernel-facts.md). The entries live per subsystem under catalog/; this index keeps the lookups.
import { FS_KEYS } from './catalog/fs.js';
import { KERNEL_KEYS } from './catalog/kernel.js';
import { CORE_KEYS } from './catalog/net-core.js';
import { IPV4_KEYS } from './catalog/net-ipv4.js';
import { IPV6_KEYS } from './catalog/net-ipv6.js';
import { TCP_KEYS } from './catalog/net-tcp.js';
import { NETFILTER_KEYS } from './catalog/netfilter.js';
import type { KeySpec } from './catalog/spec.js';
import { SUNRPC_KEYS } from './catalog/sunrpc.js';
import { VM_KEYS } from './catalog/vm.js';
import type { SysctlKey } from './sysctl-key.js';

export type { KeyModule, KeyScope, KeySpec, ValueShape } from './catalog/spec.js';

const SPECS: KeySpec[] = [
  ...TCP_KEYS,
  ...IPV4_KEYS,
  ...CORE_KEYS,
  ...IPV6_KEYS,
  ...NETFILTER_KEYS,
  ...FS_KEYS,
  ...VM_KEYS,
  ...KERNEL_KEYS,
  ...SUNRPC_KEYS,
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
