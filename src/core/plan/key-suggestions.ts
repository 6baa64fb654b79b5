// Usage errors that used to be warnings: a key no kernel tune knows has and this one lacks is a typo, and `--allow`
// names a refusal that can be overridden. Both exit 2 with the closest names ("did you mean ...?").
import { UserError } from '../errors.js';
import { excerpt } from '../text/excerpt.js';
import { keySpec, knownKeys } from '../sysctl/key-catalog.js';
import type { Rule } from '../rules/rule.js';
import type { Snapshot } from '../snapshot.js';
import type { ResolvedRequest } from './profile-resolver.js';

/**
 * Throws for the first requested key that every snapshot with a record of it says is absent, that the catalog does
 * not know (a catalogued key absent here exists on other kernels or builds: KEY_ABSENT / TW_RECYCLE_REMOVED say so)
 * and that is not in the directory of a catalogued module key whose module is not loaded (nf_conntrack, sunrpc, nfs
 * keys appear with their module). The message names where the key was set and the closest known keys.
 */
export function checkRequestKeys(request: ResolvedRequest, snapshots: Snapshot[]): void {
  for (const s of request.settings) {
    const records = snapshots.map((snap) => snap.sysctl[s.key]).filter((r) => r !== undefined);
    if (!records.length || records.some((r) => r.state !== 'absent') || keySpec(s.key)) continue;
    if (snapshots.some((snap) => moduleKeyUnloaded(s.key, snap))) continue;
    const kernels = [...new Set(snapshots.map((snap) => snap.kernel.release))].join(', ');
    const near = closest(s.key, [...knownKeys(), ...snapshots.flatMap((snap) => presentKeys(snap))]);
    throw new UserError(
      `no such key on ${kernels}, and tune knows no kernel that has it${near.length ? `: did you mean ${near.join(' or ')}?` : ' (typo?)'}`,
      { file: s.origin.file, line: s.origin.line, key: s.key },
    );
  }
}

/** Throws when an `--allow` id is not a rule (with the closest ids) or names a rule whose refusal cannot be overridden. */
export function checkAllowIds(ids: string[], rules: Rule[]): void {
  for (const id of ids) {
    const rule = rules.find((r) => r.id === id);
    if (!rule) {
      const near = closest(
        id,
        rules.map((r) => r.id),
      );
      throw new UserError(
        `--allow ${excerpt(id)}: no such rule${near.length ? `; did you mean ${near.join(' or ')}?` : ' (see docs/rules.md)'}`,
      );
    }
    if (rule.severity !== 'refuse' || rule.overridable !== true)
      throw new UserError(
        `--allow ${id}: ${rule.severity === 'refuse' ? 'this refusal cannot be overridden' : `this rule only ${rule.severity === 'warn' ? 'warns' : 'informs'}; there is no refusal to override`} (docs/rules.md marks the ones --allow takes)`,
      );
  }
}

const TOP_LEVELS = new Set(['net.', 'fs.', 'vm.', 'kernel.', '']);

/** A key in the directory of a catalogued module key (net.netfilter., sunrpc., fs.nfs.) while that module is not loaded. */
function moduleKeyUnloaded(key: string, snap: Snapshot): boolean {
  return knownKeys().some((k) => {
    const mod = keySpec(k)?.module;
    const dir = k.slice(0, k.lastIndexOf('.') + 1);
    // A module key directly under a shared top level (net.nf_conntrack_max) says nothing about its siblings.
    if (TOP_LEVELS.has(dir)) return false;
    return mod !== undefined && !snap.env.modules.includes(mod) && key.startsWith(dir);
  });
}

function presentKeys(snap: Snapshot): string[] {
  return Object.entries(snap.sysctl)
    .filter(([, v]) => v.state === 'ok')
    .map(([k]) => k);
}

/** The names nearest to `word` by edit distance (up to three, all at the best distance), when near enough. */
export function closest(word: string, names: string[]): string[] {
  const limit = Math.max(2, Math.floor(word.length / 5));
  const near = [...new Set(names)].map((n) => ({ n, d: editDistance(word, n) })).filter((x) => x.d > 0 && x.d <= limit);
  const best = Math.min(...near.map((x) => x.d));
  return near
    .filter((x) => x.d === best)
    .map((x) => x.n)
    .sort()
    .slice(0, 3);
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit (resue -> reuse). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] ?? Infinity;
}
