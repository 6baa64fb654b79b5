// Runs the real boot loaders (systemd-sysctl, procps `sysctl --system`) on sysctl.d trees. Meant to run as a script
// inside scripts/netns-sandbox, where every sysctl.d directory and /etc/sysctl.conf are private and empty: for each
// tree it writes the files at their real paths, then runs each loader in a fresh network namespace of its own and
// reads the keys back. Input (stdin) and output (stdout) are JSON.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeTree, type Tree } from './sysctl-tree.js';

export interface LoaderRunInput {
  trees: Tree[];
  keys: string[];
}

export interface LoaderRun {
  /** Each key's value as read back (tokens joined by one space), null when absent. */
  values: Record<string, string | null>;
  rc: number;
}

export interface LoaderRunOutput {
  /** Every file under /proc/sys/net in a fresh namespace, as keys. */
  universe: string[];
  /** The keys' values in a fresh namespace before any loader ran. */
  initial: Record<string, string | null>;
  results: { systemd: LoaderRun; procps: LoaderRun }[];
}

export const CONFIG_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d'];

/** The systemd-sysctl binary of this machine, or null. */
export function systemdSysctl(): string | null {
  return ['/lib/systemd/systemd-sysctl', '/usr/lib/systemd/systemd-sysctl'].find((p) => fs.existsSync(p)) ?? null;
}

const procPath = (k: string) =>
  k
    .split('.')
    .map((s) => s.replace(/\//g, '.'))
    .join('/');
const keyOf = (p: string) =>
  p
    .split('/')
    .map((s) => s.replace(/\./g, '/'))
    .join('.');

function readBack(keys: string[], before: string): { values: Record<string, string | null>; rc: number } {
  // One grep prints "path:value" for every key that exists (a missing file prints nothing).
  const paths = keys.map((k) => `'/proc/sys/${procPath(k)}'`).join(' ');
  const script = `${before}\necho "rc=$?"\ngrep -sH '' ${paths}\ntrue`;
  const r = spawnSync('unshare', ['--net', 'sh', '-c', script], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`loader run failed: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  const rc = Number(/^rc=(\d+)/.exec(lines[0] ?? '')?.[1] ?? -1);
  const values: Record<string, string | null> = Object.fromEntries(keys.map((k) => [k, null]));
  for (const l of lines.slice(1)) {
    const colon = l.indexOf(':');
    if (!l.startsWith('/proc/sys/') || colon === -1) continue;
    values[keyOf(l.slice('/proc/sys/'.length, colon))] = l
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .join(' ');
  }
  return { values, rc };
}

function clear(): void {
  for (const d of CONFIG_DIRS)
    for (const n of fs.readdirSync(d)) fs.rmSync(path.join(d, n), { recursive: true, force: true });
  fs.writeFileSync('/etc/sysctl.conf', '');
}

/** Refuses to run anywhere but inside scripts/netns-sandbox: it empties every sysctl.d directory it sees. */
function assertSandboxed(): void {
  const outer = process.env.NETNS_SANDBOX_OUTER;
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const tmpfs = (d: string) => mounts.some((m) => m.split(' ')[4] === d && / - tmpfs /.test(m));
  if (!outer || fs.readlinkSync('/proc/self/ns/net') === outer || !CONFIG_DIRS.every(tmpfs))
    throw new Error('real-loaders: not inside scripts/netns-sandbox; refusing to touch the sysctl.d directories');
}

function main(): void {
  assertSandboxed();
  const input = JSON.parse(fs.readFileSync(0, 'utf8')) as LoaderRunInput;
  const systemd = systemdSysctl();
  if (!systemd) throw new Error('systemd-sysctl not found');
  const found = spawnSync('unshare', ['--net', 'find', '/proc/sys/net', '-type', 'f'], { encoding: 'utf8' });
  const universe = found.stdout
    .split('\n')
    .filter((p) => p.startsWith('/proc/sys/'))
    .map((p) => keyOf(p.slice('/proc/sys/'.length)));
  const initial = readBack(input.keys, 'true').values;
  const results = input.trees.map((tree) => {
    clear();
    writeTree('/', tree);
    return {
      systemd: readBack(input.keys, `${systemd} >/dev/null 2>&1`),
      procps: readBack(input.keys, 'sysctl --system >/dev/null 2>&1'),
    };
  });
  clear();
  const out: LoaderRunOutput = { universe, initial, results };
  process.stdout.write(JSON.stringify(out));
}

// Only with --run: the test runner also loads every file under test/ as a test.
if (require.main === module && process.argv.includes('--run')) main();
