// Builds fixture roots: temporary directories laid out like / (proc/sys, sysctl.d, proc/net), for kernels we do not run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FixtureSpec {
  release: string;
  /** key -> value; a value of { value, readOnly } makes the file mode 0444. */
  sysctl: Record<string, string | { value: string; readOnly: boolean }>;
  /** host path -> file text, or { symlink: target }. */
  files?: Record<string, string | { symlink: string }>;
  /** Network namespace links: equal means the initial netns. */
  netns?: { self: string; init: string };
  memTotalKiB?: number;
  /** LISTEN sockets to put in /proc/net/tcp (IPv4 address, port). */
  listeners?: { address: string; port: number }[];
  interfaces?: string[];
}

/** Creates the fixture root and returns its path; the caller removes it (see withFixture). */
export function makeFixtureRoot(spec: FixtureSpec): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-fixture-'));
  const write = (hostPath: string, text: string, mode = 0o644) => {
    const p = path.join(root, hostPath);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text, { mode });
    fs.chmodSync(p, mode);
  };
  write('/proc/sys/kernel/osrelease', `${spec.release}\n`);
  write('/proc/sys/kernel/hostname', 'fixture\n');
  for (const [key, v] of Object.entries(spec.sysctl)) {
    const rel = key
      .split('.')
      .map((s) => s.replace(/\//g, '.'))
      .join('/');
    const value = typeof v === 'string' ? v : v.value;
    write(`/proc/sys/${rel}`, `${value}\n`, typeof v === 'string' || !v.readOnly ? 0o644 : 0o444);
  }
  for (const [hostPath, content] of Object.entries(spec.files ?? {})) {
    if (typeof content === 'string') write(hostPath, content);
    else {
      const p = path.join(root, hostPath);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.symlinkSync(content.symlink, p);
    }
  }
  const ns = spec.netns ?? { self: 'net:[4026531840]', init: 'net:[4026531840]' };
  fs.mkdirSync(path.join(root, 'proc/self/ns'), { recursive: true });
  fs.mkdirSync(path.join(root, 'proc/1/ns'), { recursive: true });
  fs.symlinkSync(ns.self, path.join(root, 'proc/self/ns/net'));
  fs.symlinkSync(ns.init, path.join(root, 'proc/1/ns/net'));
  write('/proc/meminfo', `MemTotal:       ${spec.memTotalKiB ?? 8 * 1024 * 1024} kB\n`);
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  const rows = (spec.listeners ?? []).map(
    (l, i) =>
      `   ${i}: ${ipv4Hex(l.address)}:${l.port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 ${1000 + i} 1 0000000000000000 100 0 0 10 0\n`,
  );
  write('/proc/net/tcp', header + rows.join(''));
  write('/proc/net/tcp6', header);
  for (const i of spec.interfaces ?? ['lo', 'eth0'])
    fs.mkdirSync(path.join(root, 'sys/class/net', i), { recursive: true });
  return root;
}

/** The kernel's hex form of an IPv4 address in /proc/net/tcp (little-endian on x86). */
export function ipv4Hex(address: string): string {
  return address
    .split('.')
    .reverse()
    .map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0'))
    .join('');
}

/** Runs fn with a fresh fixture root, removing it afterwards. */
export function withFixture<T>(spec: FixtureSpec, fn: (root: string) => T): T {
  const root = makeFixtureRoot(spec);
  try {
    return fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** A stable digest of every file, link and mode under a directory (to prove a command wrote nothing). */
export function treeDigest(dir: string): string {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs
      .readdirSync(path.join(dir, rel), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const r = path.join(rel, e.name);
      const st = fs.lstatSync(path.join(dir, r));
      if (e.isSymbolicLink()) out.push(`${r} -> ${fs.readlinkSync(path.join(dir, r))}`);
      else if (e.isDirectory()) {
        out.push(`${r}/ ${st.mode.toString(8)}`);
        walk(r);
      } else out.push(`${r} ${st.mode.toString(8)} ${fs.readFileSync(path.join(dir, r), 'base64')}`);
    }
  };
  walk('');
  return out.join('\n');
}

/** Runs an async fn with a fresh fixture root, removing it afterwards. */
export async function withFixtureAsync<T>(spec: FixtureSpec, fn: (root: string) => Promise<T>): Promise<T> {
  const root = makeFixtureRoot(spec);
  try {
    return await fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
