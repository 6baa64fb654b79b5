// Random sysctl.d trees for the differential test against the real boot loaders: seeded, so a failure names its seed,
// and shrinkable to a minimal tree. Only namespaced net.* keys, so the loaders can run in a private network namespace.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One entry of a tree: a file with content, a symbolic link, or a directory (a mask). */
export type TreeEntry =
  | { path: string; kind: 'file'; lines: string[]; eol: string[] }
  | { path: string; kind: 'symlink'; target: string }
  | { path: string; kind: 'dir' };

export interface Tree {
  seed: number;
  entries: TreeEntry[];
}

/** The keys the trees set (and the test reads back), with the kind of values each takes. */
export const TREE_KEYS: Record<string, ValueKind> = {
  'net.ipv4.tcp_fin_timeout': 'jiffies',
  'net.ipv4.tcp_keepalive_time': 'jiffies',
  'net.ipv4.tcp_keepalive_intvl': 'jiffies',
  'net.ipv4.tcp_keepalive_probes': 'u8',
  'net.ipv4.tcp_syn_retries': 'u8',
  'net.ipv4.tcp_synack_retries': 'u8',
  'net.ipv4.tcp_tw_reuse': 'small',
  'net.core.somaxconn': 'int',
  'net.ipv4.tcp_max_syn_backlog': 'int',
  'net.ipv4.tcp_rmem': 'vector',
  'net.ipv4.ip_local_port_range': 'range',
  'net.ipv4.ip_unprivileged_port_start': 'port',
  'net.ipv4.tcp_congestion_control': 'name',
  'net.ipv4.conf.all.rp_filter': 'int',
  'net.ipv4.conf.default.rp_filter': 'int',
  'net.ipv4.conf.lo.rp_filter': 'int',
};
type ValueKind = 'jiffies' | 'u8' | 'small' | 'int' | 'vector' | 'range' | 'port' | 'name';

/** Glob patterns whose matches all lie among TREE_KEYS (or nothing: `*` does not cross a separator). */
const GLOBS = [
  'net.ipv4.conf.*.rp_filter',
  'net/ipv4/conf/*/rp_filter',
  'net.ipv4.*.rp_filter',
  'net.ipv4.tcp_keepalive_*',
  'net.ipv4.conf.[ad]*.rp_filter',
  'net.ipv4.conf.?o.rp_filter',
  'net.ipv4.tcp_syn*_retries',
  'net.core.somax*',
];

const DIRS = [
  '/etc/sysctl.d',
  '/etc/sysctl.d',
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
];
const NAMES = [
  '10-a.conf',
  '20-b.conf',
  '50-same.conf',
  '50-same.conf',
  '99-z.conf',
  '100-n.conf',
  'Z.conf',
  '_u.conf',
  '.hidden.conf',
  '.conf',
  'x.conf.bak',
  'b[A].conf',
  'bA.conf',
  'a*.conf',
  'ab.conf',
];

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generates the tree of one seed. */
export function generateTree(seed: number): Tree {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const chance = (p: number) => r() < p;
  let counter = 10 + Math.floor(r() * 50);
  const unique = () => (counter += 1 + Math.floor(r() * 7));
  const entries: TreeEntry[] = [];
  const taken = new Set<string>();
  const fileCount = 1 + Math.floor(r() * 5);
  for (let f = 0; f < fileCount; f++) {
    const p = `${pick(DIRS)}/${pick(NAMES)}`;
    if (taken.has(p)) continue;
    taken.add(p);
    if (chance(0.08)) {
      entries.push({ path: p, kind: 'symlink', target: pick(['/dev/null', '/dev/null', '/nonexistent/x.conf']) });
      continue;
    }
    if (chance(0.03)) {
      entries.push({ path: p, kind: 'dir' });
      continue;
    }
    entries.push(fileOf(p));
  }
  if (chance(0.25)) entries.push(fileOf('/etc/sysctl.conf'));
  if (chance(0.15) && !taken.has('/etc/sysctl.d/99-sysctl.conf'))
    entries.push({ path: '/etc/sysctl.d/99-sysctl.conf', kind: 'symlink', target: '../sysctl.conf' });
  return { seed, entries };

  function fileOf(p: string): TreeEntry {
    const lines: string[] = [];
    const eol: string[] = [];
    const n = Math.floor(r() * 7);
    for (let i = 0; i < n; i++) {
      lines.push(line());
      eol.push(chance(0.9) ? '\n' : pick(['\r\n', '\r', '\0', '\n\r', '\n\n']));
    }
    if (lines.length > 0 && chance(0.05)) lines[0] = `\uFEFF${lines[0]}`;
    return { path: p, kind: 'file', lines, eol };
  }

  function line(): string {
    const roll = r();
    if (roll < 0.06) return pick(['# comment', '; comment', '  # indented', '', '\t']);
    if (roll < 0.09) return pick(['garbage', 'ab', 'a', '=5', 'net.ipv4.tcp_fin_timeout']);
    const glob = chance(0.12);
    const key = glob ? pick(GLOBS) : pick(Object.keys(TREE_KEYS));
    if (chance(0.05)) return `-${spell(key)}`; // an exclusion
    const kind = glob ? (key.includes('keepalive') ? 'u8' : 'int') : (TREE_KEYS[key] ?? 'int');
    const prefix = chance(0.1) ? pick(['-', '- ']) : '';
    const [lead, mid1, mid2, trail] = [pad(), pad(), pad(), pad()];
    return `${lead}${prefix}${spell(key)}${mid1}=${mid2}${value(kind as ValueKind)}${trail}`;
  }

  function pad(): string {
    return chance(0.8) ? pick(['', ' ', ' ']) : pick(['\t', '  ', '\v', '\f', '\u00a0', ' \t ']);
  }

  function spell(key: string): string {
    if (chance(0.75)) return key;
    const slashed = key.replace(/\./g, '/');
    return pick([
      slashed,
      `/${slashed}`,
      `.${key}`,
      key.replace('.', '..'),
      slashed.replace('/', '//'),
      `${key}.`,
      `${slashed}/`,
      ` ${key}`,
    ]);
  }

  function value(kind: ValueKind): string {
    if (chance(0.25)) return pick(EDGE[kind] ?? EDGE.int ?? ['0']);
    switch (kind) {
      case 'jiffies':
      case 'int':
        return String(unique());
      case 'u8':
        return String(1 + (unique() % 120));
      case 'small':
        return String(unique() % 3);
      case 'vector':
        return `${4096 + unique()} ${87380 + unique()} ${6291456 + unique()}`;
      case 'range': {
        const low = pick([900, 1000, 1024, 2000, 20000, 32768, 40000]) + (unique() % 5);
        return `${low} ${low + 10000 + unique()}`;
      }
      case 'port':
        return String(pick([0, 500, 900, 950, 1024, 2000, 40000]) + (unique() % 3));
      case 'name':
        return pick(['reno', 'bbr', 'cubic']);
    }
  }
}

/** Edge values every signed int parser sees: base 0, signs, separators, quotes, empty, an inline comment. */
const SIGNED_EDGES = ['030', '0x1e', '08', '+36', '12,', '"44"', '', '-1', '-0', '43 # inline'];

const EDGE: Partial<Record<ValueKind, string[]>> = {
  int: [...SIGNED_EDGES, '5\t7', '99999999999', '1e3', '7\\', '0x', '2147483648', '7\v', '\v7', '7\u00a0', '5 6'],
  jiffies: [...SIGNED_EDGES, '99999999', '7\\', '5\t7', '-2147483'],
  u8: ['0', '255', '256', '-1', '-0', '030', '0x1e', '+3', '3,', '""', '3 # x', '128'],
  small: ['0', '1', '2', '3', '-1', '02', '0x2', '1 # x', ''],
  vector: ['1 2 3', '4096', '0 1 2', '8 x 6', '4096 # x', '1 2 3 4', '9 87380', '', '-1 2 3', '4096\t87380\t6291456'],
  range: [
    '1000 60000',
    '2000 60000',
    '1024 65535',
    '20000\t40000',
    '30000',
    '60000 2000',
    '0 100',
    '40000 50000 7',
    '1000',
    '61000 62000',
    '2000 x',
    '',
  ],
  port: ['0', '900', '950', '1024', '2000', '40000', '-1', '65536', '', '1000 # x'],
  name: ['reno', 'bbr', 'cubic', 'cubic # x', 'reno\v', '', 'bbr\f', 'Reno'],
};

/** The bytes of a file entry. */
export function fileText(e: Extract<TreeEntry, { kind: 'file' }>): string {
  return e.lines.map((l, i) => l + (e.eol[i] ?? '\n')).join('');
}

/** Writes the tree under `root` (a fixture root for the prediction, or `/` inside the sandbox for the loaders). */
export function writeTree(root: string, tree: Tree): void {
  for (const d of ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d'])
    fs.mkdirSync(path.join(root, d), { recursive: true });
  for (const e of tree.entries) {
    const p = path.join(root, e.path);
    if (e.kind === 'file') fs.writeFileSync(p, fileText(e));
    else if (e.kind === 'symlink') fs.symlinkSync(e.target, p);
    else fs.mkdirSync(p);
  }
}

/** Smaller trees to try when one disagrees: without an entry, without a line, a line made simpler. */
export function shrinkCandidates(tree: Tree): Tree[] {
  const out: Tree[] = [];
  const without = (i: number) => tree.entries.filter((_, j) => j !== i);
  tree.entries.forEach((e, i) => {
    out.push({ ...tree, entries: without(i) });
    if (e.kind !== 'file') return;
    e.lines.forEach((_, li) => {
      const lines = e.lines.filter((__, j) => j !== li);
      const eol = e.eol.filter((__, j) => j !== li);
      out.push({ ...tree, entries: tree.entries.map((x, j) => (j === i ? { ...e, lines, eol } : x)) });
    });
    e.eol.forEach((c, li) => {
      if (c === '\n') return;
      const eol = e.eol.map((x, j) => (j === li ? '\n' : x));
      out.push({ ...tree, entries: tree.entries.map((x, j) => (j === i ? { ...e, eol } : x)) });
    });
  });
  return out;
}

/** A tree as a reader would see it: each entry and its text, escaped. */
export function describeTree(tree: Tree): string {
  return tree.entries
    .map((e) =>
      e.kind === 'file'
        ? `${e.path}:\n${fileText(e)
            .split('\n')
            .map((l, i) => `  ${i + 1}| ${JSON.stringify(l).slice(1, -1)}`)
            .join('\n')}`
        : e.kind === 'symlink'
          ? `${e.path} -> ${e.target}`
          : `${e.path}/ (a directory)`,
    )
    .join('\n');
}
