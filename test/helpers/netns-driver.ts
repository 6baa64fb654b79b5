// Runs a scenario (JavaScript, the body of an async function) inside scripts/netns-sandbox: a private network
// namespace with the real kernel's net.* values and empty tmpfs over /etc/sysctl.d and /var/lib/tune. The scenario
// fills `out`, which comes back as JSON; the test asserts on it outside. Every process the scenario spawns is killed
// (by its pid) when it ends, so a stopped child can never outlive a failing test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SANDBOX, TUNE_BIN } from './repo.js';

/** Why a netns test cannot run here (false when it can). */
export const skipUnlessRoot: string | false = process.getuid?.() !== 0 && 'needs root (unshare)';

/** Keys whose runtime values the scenarios record (all per network namespace). */
export const STATE_KEYS = [
  'net.core.somaxconn',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_max_tw_buckets',
  'net.ipv4.tcp_timestamps',
];

/** The files the scenarios record byte for byte (base64, or null when absent). */
export const STATE_FILES = [
  '/etc/sysctl.d/99-tune.conf',
  '/etc/sysctl.d/98-extra.conf',
  '/etc/sysctl.d/97-a.conf',
  '/etc/sysctl.d/98-b.conf',
  '/etc/sysctl.d/60-dba.conf',
];

/** What a scenario records of the host: runtime values (as /proc/sys prints them) and file bytes. */
export interface HostState {
  values: Record<string, string>;
  files: Record<string, string | null>;
}

/** One run of the CLI inside the sandbox. */
export interface Run {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

const PRELUDE = `
const { spawnSync, spawn } = require('child_process');
const fs = require('fs');
const BIN = ${JSON.stringify(TUNE_BIN)};
const KEYS = ${JSON.stringify(STATE_KEYS)};
const FILES = ${JSON.stringify(STATE_FILES)};
const STATE_DIR = '/var/lib/tune';
const procPath = (k) => '/proc/sys/' + k.replace(/\\./g, '/');
const value = (k) => fs.readFileSync(procPath(k), 'utf8').trim().replace(/\\s+/g, ' ');
const setValue = (k, v) => fs.writeFileSync(procPath(k), String(v));
const bytes = (p) => { try { return fs.readFileSync(p).toString('base64'); } catch (e) { if (e.code === 'ENOENT') return null; throw e; } };
const state = () => ({ values: Object.fromEntries(KEYS.map((k) => [k, value(k)])), files: Object.fromEntries(FILES.map((p) => [p, bytes(p)])) });
const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
const children = [];
const cleanupPids = [];
const tune = (args, env = {}) => { const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20000 }); return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }; };
const history = () => JSON.parse(tune(['history', '--json']).stdout);
const statusJson = () => JSON.parse(tune(['status', '--json']).stdout);
/** The state letter of /proc/PID/stat (R, S, T, Z...), or null once the process is gone. */
const procState = (pid) => { try { const s = fs.readFileSync('/proc/' + pid + '/stat', 'utf8'); return s.slice(s.lastIndexOf(')') + 2).split(' ')[0]; } catch { return null; } };
/** Starts tune in the background; done resolves with its outcome. */
const start = (args, env = {}) => {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  children.push(child);
  let stdout = ''; let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((res) => child.on('close', (status, signal) => res({ status, signal, stdout, stderr })));
  return { pid: child.pid, child, done };
};
/** Waits (at most 10 s) until pid is stopped (state T); throws otherwise. */
const waitStopped = async (pid) => {
  for (let i = 0; i < 400; i++) { const s = procState(pid); if (s === 'T') return; if (s === null || s === 'Z') throw new Error('process ' + pid + ' exited instead of stopping'); await sleep(25); }
  throw new Error('process ' + pid + ' did not stop within 10 s');
};
/** Waits for a background run, at most ms; throws when it takes longer. */
const finish = (run, ms = 15000) => Promise.race([run.done, sleep(ms).then(() => { throw new Error('process ' + run.pid + ' did not finish within ' + ms + ' ms'); })]);
const out = {};
`;

const EPILOGUE = `
const killAll = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) { try { c.kill('SIGKILL'); } catch {} }
  for (const pid of cleanupPids) { try { process.kill(pid, 'SIGKILL'); } catch {} }
};
`;

/** Runs `body` in a fresh sandbox and returns what it put in `out`. The scenario must finish within 60 s. */
/** `timeoutMs` only guards against a hang: a loaded machine (CI, other suites) can make a long scenario slow. */
export function inSandbox(body: string, timeoutMs = 60_000): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-e2e-'));
  const driver = path.join(dir, 'driver.js');
  fs.writeFileSync(
    driver,
    `${PRELUDE}${EPILOGUE}
(async () => {
${body}
})().then(
  () => { killAll(); process.stdout.write(JSON.stringify(out)); process.exit(0); },
  (e) => { killAll(); process.stderr.write('scenario failed: ' + (e && e.stack || e) + '\\nout so far: ' + JSON.stringify(out) + '\\n'); process.exit(1); },
);
`,
  );
  try {
    const r = spawnSync(SANDBOX, [process.execPath, driver], { encoding: 'utf8', timeout: timeoutMs });
    assert.equal(r.status, 0, `sandbox exit ${r.status} (${r.signal ?? 'no signal'}): ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The one line a failing command prints, asserting it is exactly one line and no stack trace. */
export function oneLine(run: Run, what: string): string {
  assert.doesNotMatch(run.stderr, /\n\s+at /, `${what}: no stack trace`);
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `${what}: exactly one line on stderr, got ${JSON.stringify(run.stderr)}`);
  assert.ok(run.stderr.endsWith('\n'), `${what}: the line ends with a newline`);
  return lines[0] ?? '';
}

/** `20261202T094919Z-000001`: what transaction ids look like. */
export const ID_RE = /^\d{8}T\d{6}Z-\d{6}$/;

/** The transaction ids a rollback preview lists (one per indented line), in order. */
export function listed(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => /^ {2}(\d{8}T\d{6}Z-\d{6}) /.exec(l)?.[1])
    .filter((id): id is string => id !== undefined);
}

/** One row of `tune history --json` as the scenarios read it (docs/json.md). */
export interface HistoryRow {
  id: string;
  kind: string;
  state: string;
  committed: boolean;
  of: string | null;
  undoes: string[];
  undoneBy: string | null;
  trigger: string | null;
  files: string[];
}

/** The id an apply printed (`Applied transaction ID: ...`), asserting it printed one. */
export function appliedId(run: Run): string {
  const m = /Applied transaction (\S+):/.exec(run.stdout);
  assert.ok(m, `no "Applied transaction" in ${JSON.stringify(run)}`);
  return m[1] ?? '';
}
