// Which files each boot loader reads, in order (sysctl-d-facts.md §1.1 and "Checked against the real loaders").
import type { ConfigFile } from '../snapshot.js';
import { globMatcher } from './path-glob.js';
import type { BootLoader } from './loader-lines.js';

export const SYSTEMD_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d'];
export const PROCPS_DIRS = [...SYSTEMD_DIRS, '/lib/sysctl.d'];
export const SYSCTL_CONF = '/etc/sysctl.conf';

/**
 * The files a loader reads, in application order: the first directory wins per name (any entry of that name masks:
 * an empty file, a /dev/null link, a dangling link, a directory), then all names sorted bytewise. systemd skips
 * hidden names; procps reads them, then /etc/sysctl.conf last, and passes every path through glob(3) with
 * GLOB_NOCHECK: `b[A].conf` reads `bA.conf` when that exists (and itself only when nothing matches).
 */
export function loadOrder(files: ConfigFile[], loader: BootLoader): ConfigFile[] {
  const dirs = loader === 'systemd' ? SYSTEMD_DIRS : PROCPS_DIRS;
  const chosen = new Map<string, ConfigFile>();
  for (const dir of dirs) {
    for (const f of files) {
      if (f.dir !== dir || !f.name.endsWith('.conf') || chosen.has(f.name)) continue;
      if (loader === 'systemd' && (f.name.startsWith('.') || f.name === '.conf')) continue;
      chosen.set(f.name, f);
    }
  }
  const ordered = [...chosen.values()].sort((a, b) => byteCompare(a.name, b.name));
  if (loader === 'systemd') return ordered;
  const conf = files.find((f) => f.path === SYSCTL_CONF);
  if (conf && conf.content !== undefined && conf.target !== '/dev/null' && conf.error === undefined) ordered.push(conf);
  return ordered.flatMap((f) => procpsGlob(f, files));
}

/** What procps opens for one chosen path: the entries of its directory that the name matches as a pattern, sorted. */
function procpsGlob(f: ConfigFile, files: ConfigFile[]): ConfigFile[] {
  if (!/[*?[\\]/.test(f.name)) return [f];
  const matches = globMatcher(f.name);
  const hits = files.filter((g) => g.dir === f.dir && matches(g.name)).sort((a, b) => byteCompare(a.name, b.name));
  return hits.length > 0 ? hits : [f];
}

export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
