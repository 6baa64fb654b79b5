// The Snapshot: everything the planner knows about a host, from a live read or a JSON file (schema-versioned).
import { UserError } from './errors.js';
import { ShapeMismatch } from './json-shape.js';
import { checkSnapshotShape } from './snapshot-shape.js';

export const SNAPSHOT_SCHEMA_VERSION = 1;

/** A runtime value under /proc/sys as read: absent keys do not exist on this kernel (or module not loaded). */
export interface RuntimeValue {
  state: 'ok' | 'absent' | 'unreadable';
  value?: string;
  /** False when the file or its mount is read-only (global keys inside a container, /proc/sys mounted ro). */
  writable: boolean;
}

/** One entry of a sysctl.d directory or /etc/sysctl.conf, as found (symlinks and masks kept as they are). */
export interface ConfigFile {
  path: string;
  dir: string;
  name: string;
  kind: 'file' | 'symlink';
  /** The symlink's target text, e.g. `/dev/null` for a mask or `../sysctl.conf`. */
  target?: string;
  /** The text read (following symlinks under the root); undefined when dangling or unreadable. */
  content?: string;
  error?: string;
}

export interface Listener {
  family: 4 | 6;
  address: string;
  port: number;
}

/** The evidence that makes a change safe or not. */
export interface Environment {
  /** True in the host's initial network namespace, false in a container's, null when unknown. */
  initialNetns: boolean | null;
  netnsEvidence: string;
  container: { detected: boolean; evidence: string[] };
  nat: { detected: boolean; evidence: string[] };
  modules: string[];
  listeners: Listener[];
  memTotalKiB: number | null;
  pageSize: number;
  /** Highest hard RLIMIT_NOFILE seen (PID 1 and systemd defaults), null when unknown. */
  nofileHardMax: number | null;
}

export interface Snapshot {
  schemaVersion: number;
  takenAt: string;
  hostname: string;
  root: string;
  kernel: { release: string };
  sysctl: Record<string, RuntimeValue>;
  config: ConfigFile[];
  env: Environment;
}

/** Reads a snapshot from JSON text; a wrong or unknown shape is a user error naming the file and the field. */
export function parseSnapshotJson(text: string, file: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error: say where it is instead, so a file that is not a snapshot (a
    // secret named by mistake) is not echoed.
    const at = /at position (\d+)/.exec((e as Error).message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
    throw new UserError('not valid JSON (expected the output of `tune snapshot`)', {
      file,
      ...(line !== undefined ? { line } : {}),
    });
  }
  const bad = (why: string): never => {
    throw new UserError(`not a tune snapshot: ${why}`, { file });
  };
  if (!isObject(data)) return bad('expected a JSON object');
  if (data.schemaVersion !== SNAPSHOT_SCHEMA_VERSION)
    bad(`schemaVersion ${JSON.stringify(data.schemaVersion)} is not supported (expected ${SNAPSHOT_SCHEMA_VERSION})`);
  try {
    return checkSnapshotShape(data);
  } catch (e) {
    if (e instanceof ShapeMismatch) return bad(e.message);
    throw e;
  }
}

/** The JSON form written by `tune snapshot`. */
export function formatSnapshotJson(s: Snapshot): string {
  return JSON.stringify(s, null, 2) + '\n';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
