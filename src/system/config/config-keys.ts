// The keys the persistent configuration names, as the boot loaders would reach them: explicit keys, and what each
// glob pattern matches under /proc/sys today. A snapshot reads them all, so the boot model knows which exist.
import fs = require('node:fs');
import path = require('node:path');
import { loadOrder } from '../../core/boot/loader-files.js';
import { readLoaderLines, type BootLoader } from '../../core/boot/loader-lines.js';
import { globMatcher } from '../../core/boot/path-glob.js';
import type { ConfigFile } from '../../core/snapshot.js';
import { parseSysctlKey, procPathToKey } from '../../core/sysctl/sysctl-key.js';
import { confinedPath } from '../files/host-root.js';

/** At most this many keys come from globs, so a pattern like `*.*.*.*` cannot make a snapshot huge. */
const GLOB_LIMIT = 4096;

/** Every key the loaders' settings name or match, valid key syntax only, sorted. */
export function keysNamedByConfig(root: string, files: ConfigFile[]): string[] {
  const out = new Set<string>();
  const patterns = new Set<string>();
  for (const loader of ['systemd', 'procps'] as BootLoader[])
    for (const f of loadOrder(files, loader))
      for (const s of readLoaderLines(loader, f.content ?? '').settings) {
        if (s.path === null) continue;
        if (s.glob) patterns.add(s.path);
        else add(out, s.path);
      }
  let budget = GLOB_LIMIT;
  for (const p of patterns) {
    const parts = p.split('/').filter((x) => x !== '' && x !== '.');
    for (const rel of expandUnder(root, parts, budget)) {
      add(out, rel);
      budget--;
    }
  }
  return [...out].sort();
}

function add(out: Set<string>, rel: string): void {
  const key = procPathToKey(rel);
  if (key !== key.trim()) return;
  try {
    parseSysctlKey(key);
    out.add(key);
  } catch {
    /* a spelling no key can have (white space, control characters): the boot model treats it as unknown */
  }
}

/** The files under /proc/sys matching the component patterns, walking one directory level per component. */
function expandUnder(root: string, parts: string[], budget: number): string[] {
  let level: string[] = [''];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const match = globMatcher(part);
    const next: string[] = [];
    for (const rel of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(confinedPath(root, path.posix.join('/proc/sys', rel), 'follow'), {
          withFileTypes: true,
        });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!match(e.name) || e.isDirectory() === last) continue;
        next.push(rel === '' ? e.name : `${rel}/${e.name}`);
        if (next.length >= budget) break;
      }
    }
    level = next;
    if (level.length === 0) break;
  }
  return level.slice(0, Math.max(0, budget));
}
