// What each boot loader does at boot, step by step: the files it reads, the settings it keeps, the writes it makes in
// its own order, what the kernel does with each write, and so the value each key has afterwards and the file:line
// that decided it. systemd-sysctl 252 and procps 4.0.2 `sysctl --system` (sysctl-d-facts.md, checked table).
import type { ConfigFile } from '../snapshot.js';
import { kernelWrite, type KernelState } from '../sysctl/kernel-write.js';
import { keySpec } from '../sysctl/key-catalog.js';
import { keyToProcPath, procPathToKey, type SysctlKey } from '../sysctl/sysctl-key.js';
import { valueTokens } from '../sysctl/sysctl-value.js';
import { byteCompare, loadOrder } from './loader-files.js';
import { readLoaderLines, type BootLoader, type LoaderSetting } from './loader-lines.js';
import { pathGlobMatcher } from './path-glob.js';

export type { BootLoader } from './loader-lines.js';
export { loadOrder, PROCPS_DIRS, SYSCTL_CONF, SYSTEMD_DIRS } from './loader-files.js';

/** The write that left a key's value at boot. */
export interface BootAssignment {
  /** The value the key holds afterwards as the kernel reads it back (tokens joined by one space). */
  value: string;
  /** The assigned text as written in the file. */
  text: string;
  file: string;
  line: number;
  ignoreFailure: boolean;
  /** Position in the loader's write sequence. */
  order: number;
}

/** A line in a loaded file that the loader will complain about and skip. */
export interface ConfigProblem {
  file: string;
  line: number;
  text: string;
  why: string;
}

export type WriteResult = 'accepted' | 'rejected' | 'absent' | 'unreachable' | 'unknown';

/** One write the loader makes, in order, and what became of it. */
export interface BootWrite {
  order: number;
  /** The key written (for an unreachable write, the key it was meant for); null when it names none. */
  key: string | null;
  file: string;
  line: number;
  /** The value text the loader writes. */
  text: string;
  ignoreFailure: boolean;
  /** The glob pattern that produced this write, when it came from one. */
  pattern?: string;
  result: WriteResult;
  /** For a write that did not land: the errno and why. */
  errno?: string;
  why?: string;
  /** The key's value after the write, when known. */
  value?: string;
}

/** What a loader does at boot. */
export interface BootModel {
  loader: BootLoader;
  files: string[];
  writes: BootWrite[];
  /** Per key, the write that decided its value; keys no write changed keep what the kernel had (its default). */
  assignments: Map<string, BootAssignment>;
  problems: ConfigProblem[];
}

/** What the simulation needs to know about the host besides its files. */
export interface BootEnv {
  /** Whether a key exists on this kernel; undefined when unknown (a write is then assumed to reach it). */
  exists?: (key: string) => boolean | undefined;
  /** Keys glob patterns are expanded over (with the asked keys). */
  globKeys?: Iterable<string>;
  /** Values the kernel holds before the loader runs (boot defaults); the port pair's defaults are built in. */
  initial?: Record<string, string>;
  hz?: number;
  initialNetns?: boolean | null;
  congestion?: KernelState['congestion'];
}

/** The port pair's boot defaults (since 4.11): each write is checked against the other's value at that moment. */
export const BOOT_DEFAULTS: Record<string, string> = {
  'net.ipv4.ip_local_port_range': '32768 60999',
  'net.ipv4.ip_unprivileged_port_start': '1024',
};

interface Planned {
  setting: LoaderSetting;
  file: string;
  /** A concrete path for a glob match. */
  path: string | null;
  pattern?: string;
}

/** Models one loader over the config files; globs expand over `keys` and `env.globKeys`. */
export function modelBoot(
  files: ConfigFile[],
  loader: BootLoader,
  keys: Iterable<string>,
  env: BootEnv = {},
): BootModel {
  const ordered = loadOrder(files, loader);
  const problems: ConfigProblem[] = [];
  const read: { file: string; settings: LoaderSetting[] }[] = [];
  for (const f of ordered) {
    const lines = readLoaderLines(loader, f.content ?? '');
    for (const p of lines.problems) problems.push({ file: f.path, ...p });
    read.push({ file: f.path, settings: lines.settings });
  }
  const universe = [...new Set([...keys, ...(env.globKeys ?? [])])].map((k) => keyToProcPath(k as SysctlKey));
  const plan = loader === 'systemd' ? systemdWrites(read, universe) : procpsWrites(read, universe);
  const { writes, assignments } = runWrites(loader, plan, env, universe.map(procPathToKey));
  return { loader, files: ordered.map((f) => f.path), writes, assignments, problems };
}

/**
 * systemd: one entry per normalised key in an ordered map. A later different value (or a `-key` exclusion) moves the
 * entry to its position; an identical one keeps the first position. Globs are entries of their pattern string,
 * expanded when applied, skipping keys that have an entry of their own.
 */
function systemdWrites(read: { file: string; settings: LoaderSetting[] }[], universe: string[]): Planned[] {
  const map = new Map<string, { setting: LoaderSetting; file: string }>();
  for (const { file, settings } of read) {
    for (const s of settings) {
      const prev = map.get(s.id);
      if (prev && prev.setting.kind === 'assign' && s.kind === 'assign' && prev.setting.value === s.value) {
        if (s.ignoreFailure && !prev.setting.ignoreFailure) prev.setting = { ...prev.setting, ignoreFailure: true };
        continue;
      }
      map.delete(s.id);
      map.set(s.id, { setting: s, file });
    }
  }
  const out: Planned[] = [];
  for (const { setting, file } of map.values()) {
    if (setting.kind === 'exclude') continue;
    if (!setting.glob) {
      out.push({ setting, file, path: setting.path });
      continue;
    }
    for (const path of expand(setting.id, universe))
      if (!map.has(path)) out.push({ setting, file, path, pattern: setting.text });
  }
  return out;
}

/**
 * procps: every assignment in file order. A glob writes each match unless some setting anywhere names the same
 * path (compared as written: procps does not simplify paths).
 */
function procpsWrites(read: { file: string; settings: LoaderSetting[] }[], universe: string[]): Planned[] {
  const all = read.flatMap(({ file, settings }) => settings.map((setting) => ({ setting, file })));
  const ids = new Set(all.map((a) => a.setting.id));
  const out: Planned[] = [];
  for (const { setting, file } of all) {
    if (setting.kind === 'exclude') continue;
    if (!setting.glob) {
      out.push({ setting, file, path: setting.path });
      continue;
    }
    // glibc glob(3) with a trailing separator: a wildcard in the last component then matches directories only (so
    // never a key), but a literal last component is returned as found, without the separator.
    const trailing = setting.id.endsWith('/');
    const raw = setting.id.replace(/\/+$/, '').split('/');
    const matches = trailing && GLOB_CHARS.test(raw[raw.length - 1] ?? '') ? [] : expand(setting.id, universe);
    for (const path of matches) {
      // glob(3) keeps the pattern's literal separators: `/net//x/*` yields `/net//x/a`.
      const segs = path.split('/');
      let j = 0;
      const asWritten = raw.map((p) => (p === '' || p === '.' ? p : (segs[j++] ?? p))).join('/');
      if (!ids.has(asWritten)) out.push({ setting, file, path, pattern: setting.text });
    }
  }
  return out;
}

const GLOB_CHARS = /[*?[]/;

/** The known paths a glob pattern matches, sorted as glob(3) returns them. */
function expand(pattern: string, universe: string[]): string[] {
  const simple = pattern
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .join('/');
  const matches = pathGlobMatcher(simple);
  return [...new Set(universe.filter(matches))].sort(byteCompare);
}

/** net.ipv4.conf.<interface>.<name>: `default` is copied to each interface whose own value was never written. */
const IPV4_CONF = /^net\.ipv4\.conf\.([^.]+)\.([^.]+)$/;

function runWrites(
  loader: BootLoader,
  plan: Planned[],
  env: BootEnv,
  universe: string[],
): Pick<BootModel, 'writes' | 'assignments'> {
  const state: KernelState = {
    values: new Map(Object.entries({ ...BOOT_DEFAULTS, ...(env.initial ?? {}) }).map(([k, v]) => [k, norm(v)])),
    hz: env.hz ?? 250,
    initialNetns: env.initialNetns ?? null,
    congestion: env.congestion ?? { available: null, allowed: null },
  };
  const writes: BootWrite[] = [];
  const assignments = new Map<string, BootAssignment>();
  // devinet_conf_proc marks an interface's value as set by any write to it, even one the kernel refuses.
  const explicit = new Set<string>();
  plan.forEach((p, order) => {
    const s = p.setting;
    const base = {
      order,
      file: p.file,
      line: s.line,
      text: s.value,
      ignoreFailure: s.ignoreFailure,
      ...(p.pattern !== undefined ? { pattern: p.pattern } : {}),
    };
    if (p.path === null) {
      const meant = s.id
        .split('/')
        .filter((x) => x !== '' && x !== '.' && x !== '..')
        .join('/');
      writes.push({
        ...base,
        key: meant === '' ? null : procPathToKey(meant),
        result: 'unreachable',
        why: s.unreachable ?? 'names no file under /proc/sys',
      });
      return;
    }
    const key = procPathToKey(p.path);
    if (env.exists?.(key) === false || p.path === '') {
      // A child network namespace hides host-wide net keys (tcp_mem, netdev_max_backlog...): the kernel has them.
      const hidden = env.initialNetns === false && key.startsWith('net.') && keySpec(key)?.scope === 'global';
      const why = hidden
        ? "the key is host-wide and hidden in this network namespace (a container's): set it on the host"
        : 'the key does not exist on this kernel';
      writes.push({ ...base, key, result: 'absent', errno: 'ENOENT', why });
      return;
    }
    // systemd does not write a value the file already reads back as (WRITE_STRING_FILE_SUPPRESS_REDUNDANT_VIRTUAL),
    // so such a write never marks an interface's value as set.
    const current = state.values.get(key);
    if (loader === 'systemd' && current !== undefined && current.split(' ').join('\t') === s.value) {
      writes.push({
        ...base,
        key,
        result: 'accepted',
        value: current,
        why: 'already set: systemd-sysctl skips the write',
      });
      assignments.set(key, {
        value: current,
        text: s.value,
        file: p.file,
        line: s.line,
        ignoreFailure: s.ignoreFailure,
        order,
      });
      return;
    }
    const o = kernelWrite(key, s.value, state);
    explicit.add(key);
    const w: BootWrite = { ...base, key, result: o.result };
    if (o.result === 'rejected') Object.assign(w, { errno: o.errno, why: o.why });
    if (o.result === 'unknown') w.why = o.why;
    const changed = o.result !== 'rejected' || o.value !== undefined;
    if (changed) {
      if (o.value === undefined) state.values.delete(key);
      else state.values.set(key, o.value);
      if (o.value !== undefined) w.value = o.value;
      const value = o.value ?? norm(s.value);
      const decided = { text: s.value, file: p.file, line: s.line, ignoreFailure: s.ignoreFailure, order };
      assignments.set(key, { value, ...decided });
      const conf = IPV4_CONF.exec(key);
      if (conf?.[1] === 'default')
        for (const k of universe) {
          const other = IPV4_CONF.exec(k);
          if (!other || other[2] !== conf[2] || ['all', 'default'].includes(other[1] ?? '') || explicit.has(k))
            continue;
          if (o.value === undefined) state.values.delete(k);
          else state.values.set(k, o.value);
          assignments.set(k, { value, ...decided });
        }
    }
    writes.push(w);
  });
  return { writes, assignments };
}

function norm(v: string): string {
  return valueTokens(v).join(' ');
}
