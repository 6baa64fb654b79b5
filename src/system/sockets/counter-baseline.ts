// The last run's kernel counters, kept in a small file under /run/tune (tmpfs: gone at reboot), so a run without
// --interval judges counters by what happened since then instead of since boot. Reading never fails a run: a
// missing, corrupt, planted or foreign file is ignored with a one-line note, and a write that cannot happen is noted.
import fs = require('node:fs');
import path = require('node:path');
import type { CounterWindow } from '../../core/diagnose/counter-window.js';
import { EVENT_COUNTERS } from '../../core/diagnose/counter-window.js';
import type { CounterGroups } from '../../core/diagnose/net-counters.js';
import { writeExact } from '../files/atomic-file.js';
import { readRegular } from '../files/safe-read.js';

export const DEFAULT_RUN_DIR = '/run/tune';
const FILE = 'counters.json';
const LIMIT = 64 * 1024;
const VERSION = 1;

/** Which boot and network namespace counters belong to: counters of another are not comparable. */
export interface CounterScope {
  bootId: string;
  netns: string;
}

/** The scope of the calling process (boot id, network namespace inode). */
export function currentScope(): CounterScope {
  let bootId = '';
  let netns = '';
  try {
    bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    /* unknown: compared as '' */
  }
  try {
    netns = fs.readlinkSync('/proc/self/ns/net');
  } catch {
    /* unknown */
  }
  return { bootId, netns };
}

/** Why the directory cannot hold the file safely, or null: a root-owned (or own) directory nobody else can write. */
function unsafeDir(dir: string): string | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      return `cannot inspect ${dir} (${(e as NodeJS.ErrnoException).code})`;
    try {
      fs.mkdirSync(dir, { mode: 0o755 });
      return null;
    } catch (e2) {
      return `cannot create ${dir} (${(e2 as NodeJS.ErrnoException).code})`;
    }
  }
  if (st.isSymbolicLink()) return `${dir} is a symlink`;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  const me = process.geteuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== me) return `${dir} belongs to uid ${st.uid}`;
  if (st.mode & 0o022) return `${dir} is writable by others (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/** Reads the kept sample: the window against it, or none with the reason in `note`. */
export function readBaseline(dir: string, scope: CounterScope, now: Date): CounterWindow {
  const none = (note: string | null): CounterWindow => ({
    source: 'none',
    seconds: 0,
    since: null,
    counters: null,
    note,
  });
  const file = path.join(dir, FILE);
  const bad = unsafeDir(dir);
  if (bad) return none(`kernel counters since boot only: ${bad}`);
  let text: string;
  try {
    text = readRegular(file, { follow: false, limit: LIMIT }).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return none('first run: kernel counters are since boot (context, not findings)');
    return none(`ignored ${file}: ${code === 'ELOOP' ? 'a symlink' : ((e as Error).message ?? code)}`);
  }
  const kept = parseBaseline(text);
  if (typeof kept === 'string') return none(`ignored ${file}: ${kept}`);
  if (kept.bootId !== scope.bootId || kept.netns !== scope.netns)
    return none(`ignored ${file}: kept from another boot or network namespace`);
  const seconds = Math.round((now.getTime() - Date.parse(kept.takenAt)) / 100) / 10;
  if (!(seconds >= 0)) return none(`ignored ${file}: taken in the future (${kept.takenAt})`);
  return { source: 'last-run', seconds, since: kept.takenAt, counters: kept.counters, note: null };
}

interface Kept extends CounterScope {
  takenAt: string;
  counters: CounterGroups;
}

/** The kept sample, or why it is not one. */
function parseBaseline(text: string): Kept | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const o = v as Partial<Kept> & { version?: unknown };
  if (!o || typeof o !== 'object' || o.version !== VERSION) return 'not a tune counters file (version)';
  if (typeof o.takenAt !== 'string' || Number.isNaN(Date.parse(o.takenAt))) return 'no valid takenAt';
  if (typeof o.bootId !== 'string' || typeof o.netns !== 'string') return 'no boot id or namespace';
  const counters: CounterGroups = {};
  const raw = o.counters as Record<string, Record<string, unknown>> | undefined;
  if (!raw || typeof raw !== 'object') return 'no counters';
  for (const [g, n] of EVENT_COUNTERS) {
    const x = raw[g]?.[n];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) return `bad value for ${g}.${n}`;
    (counters[g] ??= {})[n] = x;
  }
  return { takenAt: o.takenAt, bootId: o.bootId, netns: o.netns, counters };
}

/** Keeps this run's counters for the next (atomically, never through a symlink); the reason when it could not. */
export function writeBaseline(dir: string, scope: CounterScope, now: Date, counters: CounterGroups): string | null {
  const bad = unsafeDir(dir);
  if (bad) return bad;
  const kept: Record<string, Record<string, number>> = {};
  for (const [g, n] of EVENT_COUNTERS) {
    const x = counters[g]?.[n];
    if (x !== undefined) (kept[g] ??= {})[n] = x;
  }
  const body = { version: VERSION, takenAt: now.toISOString(), ...scope, counters: kept };
  try {
    writeExact(path.join(dir, FILE), Buffer.from(JSON.stringify(body) + '\n'), 0o644);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `could not keep the counters in ${path.join(dir, FILE)} (${code ?? (e as Error).message})`;
  }
}
