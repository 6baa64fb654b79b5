// What the boot simulation needs from a snapshot: which keys exist, what globs can match, and the congestion-control
// names the kernel will take.
import type { Snapshot } from '../snapshot.js';
import { keySpec } from '../sysctl/key-catalog.js';
import { valueTokens } from '../sysctl/sysctl-value.js';
import type { BootEnv } from './boot-precedence.js';

/** The boot environment of a snapshot's host. A module key absent now may exist at boot, so its existence is unknown. */
export function bootEnvOf(s: Snapshot): BootEnv {
  const names = (key: string): string[] | null => {
    const v = s.sysctl[key];
    return v?.state === 'ok' && v.value !== undefined ? valueTokens(v.value) : null;
  };
  return {
    exists: (key) => {
      const v = s.sysctl[key];
      if (v === undefined) return undefined;
      if (v.state === 'absent') return keySpec(key)?.module ? undefined : false;
      return true;
    },
    globKeys: Object.keys(s.sysctl).filter((k) => s.sysctl[k]?.state !== 'absent'),
    initialNetns: s.env.initialNetns,
    congestion: {
      available: names('net.ipv4.tcp_available_congestion_control'),
      allowed: names('net.ipv4.tcp_allowed_congestion_control'),
    },
  };
}
