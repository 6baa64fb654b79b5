// What a decision assumed about the host (runtime values, file bytes) and where the host differs from it now.
// Every transaction re-reads these under the lock, so nothing is decided on a view the host has outrun.
import { UserError } from '../core/errors.js';
import type { SysctlKey } from '../core/sysctl/sysctl-key.js';
import { normalizeValue, sameValue } from '../core/sysctl/sysctl-value.js';
import { readExact } from '../system/files/atomic-file.js';
import { confinedPath } from '../system/files/host-root.js';
import { readSysctl } from '../system/proc/proc-sys.js';

/** Runtime values (null: the key does not exist) and file bytes (null: absent) a decision was made from. */
export interface ExpectedState {
  runtime: { key: string; value: string | null }[];
  files: { path: string; bytes: Buffer | null }[];
}

/** One place where the host is not what was expected. */
export interface Mismatch {
  kind: 'runtime' | 'file';
  /** The key or the host path. */
  name: string;
  expected: string | null;
  now: string | null;
}

/** A key's runtime value, or null when it does not exist. A key that exists but cannot be read is an error. */
export function readRuntime(root: string, key: string): string | null {
  const v = readSysctl(root, key as SysctlKey);
  if (v.state === 'ok') return v.value ?? '';
  if (v.state === 'absent') return null;
  throw new UserError(`cannot read the runtime value (${v.state})`, { key }, 1);
}

/** An owned file's exact bytes under the root (its directories resolved inside it), or null when absent; a directory
 * or an unreadable file is an error. */
export function readHostFile(root: string, hostPath: string): Buffer | null {
  try {
    return readExact(confinedPath(root, hostPath, 'nofollow'), hostPath);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new UserError(`cannot read the owned file (${code})`, { file: hostPath }, 1);
  }
}

/** Every place the host differs from `expected`, compared as the kernel prints values and byte for byte for files. */
export function compareHost(root: string, expected: ExpectedState): Mismatch[] {
  const out: Mismatch[] = [];
  for (const r of expected.runtime) {
    const now = readRuntime(root, r.key);
    const same = now === null || r.value === null ? now === r.value : sameValue(now, r.value);
    if (!same) out.push({ kind: 'runtime', name: r.key, expected: r.value, now });
  }
  for (const f of expected.files) {
    const now = readHostFile(root, f.path);
    const same = now === null || f.bytes === null ? now === f.bytes : now.equals(f.bytes);
    if (!same)
      out.push({
        kind: 'file',
        name: f.path,
        expected: f.bytes === null ? null : 'bytes',
        now: now === null ? null : 'bytes',
      });
  }
  return out;
}

const shown = (v: string | null) => (v === null ? '(absent)' : normalizeValue(v));

/** `net.core.somaxconn was 4096 when planned, now 3333` (the wording of a stale plan). */
export function describeStale(m: Mismatch): string {
  if (m.kind === 'runtime') return `${m.name} was ${shown(m.expected)} when planned, now ${shown(m.now)}`;
  if (m.expected === null) return `${m.name} did not exist when planned, now it does`;
  return m.now === null ? `${m.name} was removed since the plan was made` : `${m.name} changed since the plan was made`;
}

/** `net.core.somaxconn is 1234, tune left 8192` (the wording of drift since tune's last transaction). */
export function describeDrift(m: Mismatch): string {
  if (m.kind === 'runtime') return `${m.name} is ${shown(m.now)}, tune left ${shown(m.expected)}`;
  if (m.expected === null) return `${m.name} exists, tune left it absent`;
  return m.now === null ? `${m.name} was removed since tune wrote it` : `${m.name} changed since tune wrote it`;
}

/** Thrown under the lock when the host no longer matches what the operator reviewed: nothing was written. */
export class StaleState extends UserError {
  readonly mismatches: Mismatch[];
  constructor(message: string, mismatches: Mismatch[]) {
    super(message, {}, 1);
    this.mismatches = mismatches;
  }
}
