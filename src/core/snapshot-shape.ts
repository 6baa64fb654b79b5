// The shape of a snapshot file, checked field by field before the planner sees it: a snapshot is untrusted input (it
// comes from another host, a review, a hand edit), and a value of the wrong type must be a one-line error naming the
// field, never a crash deep in a rule. Unknown extra fields are allowed: fields are only ever added within a version.
import { JsonField } from './json-shape.js';
import type { ConfigFile, Environment, Listener, RuntimeValue, Snapshot } from './snapshot.js';
import { parseSysctlKey } from './sysctl/sysctl-key.js';

/** Returns `data` as a Snapshot, or throws ShapeMismatch at the first field that is not what `tune snapshot` writes. */
export function checkSnapshotShape(data: unknown): Snapshot {
  const top = new JsonField(data);
  top.object();
  const takenAt = top.field('takenAt').string();
  const hostname = top.field('hostname').string();
  const root = top.field('root').string();
  const kernel = { ...top.field('kernel').object(), release: top.field('kernel').field('release').string() };
  const sysctl: Record<string, RuntimeValue> = Object.fromEntries(top.field('sysctl').entries(runtimeValue));
  const config = top.field('config').list(configFile);
  const env = environment(top.field('env'));
  const schemaVersion = top.field('schemaVersion').number({ whole: true });
  return { ...(top.value as Snapshot), schemaVersion, takenAt, hostname, root, kernel, sysctl, config, env };
}

function runtimeValue(f: JsonField, key: string): RuntimeValue {
  let canonical: string | undefined;
  try {
    canonical = parseSysctlKey(key);
  } catch {
    canonical = undefined;
  }
  if (canonical !== key) f.fail('not a sysctl key in dotted form (e.g. "net.core.somaxconn")', true);
  const state = f.field('state').oneOf(['ok', 'absent', 'unreadable'] as const);
  const value = state === 'ok' ? f.field('value').string() : f.field('value').optional((v) => v.string());
  return { state, writable: f.field('writable').boolean(), ...(value !== undefined ? { value } : {}) };
}

function configFile(f: JsonField): ConfigFile {
  const path = f.field('path').string();
  if (!path.startsWith('/')) f.field('path').fail('an absolute path');
  const target = f.field('target').optional((v) => v.string());
  const content = f.field('content').optional((v) => v.string());
  const error = f.field('error').optional((v) => v.string());
  return {
    path,
    dir: f.field('dir').string(),
    name: f.field('name').string(),
    kind: f.field('kind').oneOf(['file', 'symlink'] as const),
    ...(target !== undefined ? { target } : {}),
    ...(content !== undefined ? { content } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

function evidence(f: JsonField): { detected: boolean; evidence: string[] } {
  return { detected: f.field('detected').boolean(), evidence: f.field('evidence').strings() };
}

function listener(f: JsonField): Listener {
  return {
    family: f.field('family').oneOf([4, 6] as const),
    address: f.field('address').string(),
    port: f.field('port').number({ min: 0, max: 65535, whole: true }),
  };
}

function environment(f: JsonField): Environment {
  return {
    initialNetns: f.field('initialNetns').nullable((v) => v.boolean()),
    netnsEvidence: f.field('netnsEvidence').string(),
    container: evidence(f.field('container')),
    nat: evidence(f.field('nat')),
    modules: f.field('modules').strings(),
    listeners: f.field('listeners').list(listener),
    memTotalKiB: f.field('memTotalKiB').nullable((v) => v.number({ min: 0 })),
    pageSize: f.field('pageSize').number({ min: 1, whole: true }),
    nofileHardMax: f.field('nofileHardMax').nullable((v) => v.number({ min: 0 })),
  };
}
