// Builds a Snapshot from a live host or a fixture root: the read layer's single entry point.
import { ENVIRONMENT_KEYS } from '../core/plan/evidence-keys.js';
import { knownKeys } from '../core/sysctl/key-catalog.js';
import { SNAPSHOT_SCHEMA_VERSION, type RuntimeValue, type Snapshot } from '../core/snapshot.js';
import type { SysctlKey } from '../core/sysctl/sysctl-key.js';
import { readHostText } from './files/host-root.js';
import { listSysctlKeys, readSysctl } from './proc/proc-sys.js';
import { keysNamedByConfig } from './config/config-keys.js';
import { readConfigFiles } from './config/sysctl-config-files.js';
import { probeEnvironment, probeListeners } from './probes/environment-probes.js';

export interface SnapshotOptions {
  root: string;
  now: Date;
  /** Read exactly these keys (a live plan's evidence); default: every key tune knows. */
  keys?: Iterable<string>;
  /** Also read everything under net., vm. and fs.file-max / fs.nr_open (`tune snapshot --all`). */
  all?: boolean;
}

/** Reads the host (or the tree under root) into a Snapshot. Never writes. */
export async function readSnapshot(opts: SnapshotOptions): Promise<Snapshot> {
  const listeners = probeListeners(opts.root);
  const config = readConfigFiles(opts.root);
  // The keys the configuration names too, so the boot model knows which exist and what globs match.
  const keys = new Set<string>([
    ...(opts.keys ?? knownKeys()),
    ...ENVIRONMENT_KEYS,
    ...keysNamedByConfig(opts.root, config),
  ]);
  if (opts.all) for (const k of listSysctlKeys(opts.root, ['net', 'vm', 'fs.file-max', 'fs.nr_open'])) keys.add(k);
  const sysctl: Record<string, RuntimeValue> = {};
  for (const k of [...keys].sort()) sysctl[k] = readSysctl(opts.root, k as SysctlKey);
  const release = readHostText(opts.root, '/proc/sys/kernel/osrelease').text?.trim() ?? 'unknown';
  const hostname = readHostText(opts.root, '/proc/sys/kernel/hostname').text?.trim() ?? 'unknown';
  const env = probeEnvironment(opts.root, sysctl['net.ipv4.ip_forward']?.value, await listeners);
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    takenAt: opts.now.toISOString(),
    hostname,
    root: opts.root,
    kernel: { release },
    sysctl,
    config,
    env,
  };
}
