// Which assignment wins at boot, under systemd-sysctl and under procps `sysctl --system` (sysctl-d-facts.md §1.1).
import type { ConfigFile } from '../snapshot.js';
import { parseSysctlConf, type ConfLine } from '../sysctl/sysctl-conf.js';
import { keyToProcPath, type SysctlKey } from '../sysctl/sysctl-key.js';

export type BootLoader = 'systemd' | 'procps';

/** The assignment that sets a key at boot. */
export interface BootAssignment {
  value: string;
  file: string;
  line: number;
  ignoreFailure: boolean;
  /** Position in the loader's write sequence (writes happen in this order). */
  order: number;
}

/** A line in a loaded file that the loader will complain about. */
export interface ConfigProblem {
  file: string;
  line: number;
  text: string;
  why: string;
}

/** What a loader does at boot: the files it reads in order, the final value per key, and bad lines. */
export interface BootModel {
  loader: BootLoader;
  files: string[];
  assignments: Map<string, BootAssignment>;
  problems: ConfigProblem[];
}

export const SYSTEMD_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d'];
export const PROCPS_DIRS = [...SYSTEMD_DIRS, '/lib/sysctl.d'];
export const SYSCTL_CONF = '/etc/sysctl.conf';

/** The files a loader reads, in application order: first directory wins per basename, then byte-order sort. */
export function loadOrder(files: ConfigFile[], loader: BootLoader): ConfigFile[] {
  const dirs = loader === 'systemd' ? SYSTEMD_DIRS : PROCPS_DIRS;
  const chosen = new Map<string, ConfigFile>();
  for (const dir of dirs) {
    for (const f of files) {
      if (f.dir !== dir || !f.name.endsWith('.conf') || chosen.has(f.name)) continue;
      if (loader === 'systemd' && f.name.startsWith('.')) continue;
      chosen.set(f.name, f);
    }
  }
  const ordered = [...chosen.values()].sort((a, b) => byteCompare(a.name, b.name));
  if (loader === 'procps') {
    const conf = files.find((f) => f.path === SYSCTL_CONF && f.target !== '/dev/null');
    if (conf && conf.content !== undefined) ordered.push(conf);
  }
  return ordered;
}

/** Models one loader over the config files, for the keys asked about (globs expand over those keys). */
export function modelBoot(files: ConfigFile[], loader: BootLoader, keys: Iterable<string>): BootModel {
  const ordered = loadOrder(files, loader);
  const parsed = ordered.map((f) => ({ file: f, lines: parseSysctlConf(f.content ?? '') }));
  const explicit = new Set<string>();
  for (const { lines } of parsed) for (const l of lines) if (l.kind !== 'invalid' && !l.glob) explicit.add(l.key);
  const keyList = [...keys];
  const assignments = new Map<string, BootAssignment>();
  const problems: ConfigProblem[] = [];
  let order = 0;
  const assign = (key: string, l: Extract<ConfLine, { kind: 'assign' }>, file: string): void => {
    const prev = assignments.get(key);
    // systemd keeps one entry per key: an identical re-assignment keeps its first position; procps writes every line.
    if (loader === 'systemd' && prev && prev.value === l.value) {
      prev.ignoreFailure ||= l.ignoreFailure;
      return;
    }
    assignments.set(key, { value: l.value, file, line: l.line, ignoreFailure: l.ignoreFailure, order: order++ });
  };
  for (const { file, lines } of parsed) {
    for (const l of lines) {
      if (l.kind === 'invalid') problems.push({ file: file.path, line: l.line, text: l.text, why: l.why });
      else if (l.kind === 'assign' && !l.glob) assign(l.key, l, file.path);
      else if (l.kind === 'assign') {
        const re = globToRegExp(l.key);
        for (const k of keyList)
          if (!explicit.has(k) && re.test(keyToProcPath(k as SysctlKey))) assign(k, l, file.path);
      }
    }
  }
  return { loader, files: ordered.map((f) => f.path), assignments, problems };
}

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) re += '\\[';
      else {
        re += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
