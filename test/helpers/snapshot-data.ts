// Plain-data snapshots for unit tests of the pure core: no filesystem involved.
import { SNAPSHOT_SCHEMA_VERSION, type ConfigFile, type Environment, type Snapshot } from '../../src/core/snapshot.js';
import { KERNEL_PRESETS } from './kernel-presets.js';

export interface SnapshotData {
  release?: string;
  sysctl?: Record<string, string | null>;
  readOnly?: string[];
  config?: Record<string, string | { symlink: string; content?: string }>;
  env?: Partial<Environment>;
}

/** A snapshot of a kernel preset (default 6.8) with overrides; a null value makes the key absent. */
export function snapshotOf(d: SnapshotData = {}): Snapshot {
  const release = d.release ?? '6.8.0-50-generic';
  const values: Record<string, string | null> = { ...(KERNEL_PRESETS[release] ?? {}), ...(d.sysctl ?? {}) };
  const sysctl: Snapshot['sysctl'] = {};
  for (const [k, v] of Object.entries(values)) {
    sysctl[k] =
      v === null
        ? { state: 'absent', writable: false }
        : { state: 'ok', value: v, writable: !(d.readOnly ?? []).includes(k) };
  }
  const config: ConfigFile[] = Object.entries(d.config ?? {}).map(([p, c]) => {
    const slash = p.lastIndexOf('/');
    const dir = p === '/etc/sysctl.conf' ? '' : p.slice(0, slash);
    const name = p.slice(slash + 1);
    return typeof c === 'string'
      ? { path: p, dir, name, kind: 'file', content: c }
      : {
          path: p,
          dir,
          name,
          kind: 'symlink',
          target: c.symlink,
          content: c.symlink === '/dev/null' ? '' : (c.content ?? ''),
        };
  });
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    takenAt: '2026-01-01T00:00:00.000Z',
    hostname: 'unit',
    root: '/',
    kernel: { release },
    sysctl,
    config,
    env: {
      initialNetns: true,
      netnsEvidence: 'test',
      container: { detected: false, evidence: [] },
      nat: { detected: false, evidence: [] },
      modules: [],
      listeners: [],
      memTotalKiB: 8 * 1024 * 1024,
      pageSize: 4096,
      nofileHardMax: 524288,
      ...(d.env ?? {}),
    },
  };
}
