// Runs the built CLI against hostile input and judges the outcome the same way for every case: the exit status, one
// line on stderr naming what was wrong, no stack trace, no hang, and nothing written (a digest of every directory
// the case owns, before and after).
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TUNE_BIN } from './repo.js';

export interface CliOutcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the run hit its timeout (a hang). */
  timedOut: boolean;
}

export interface CliRun {
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Standard output to /dev/full (ENOSPC on every write) instead of a pipe. */
  stdoutFull?: boolean;
  timeoutMs?: number;
}

const cliEnv = (env: Record<string, string>) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/root',
  ...env,
});

/** Runs bin/tune.cjs with exactly `env` (plus PATH and HOME), never a terminal, with a timeout. */
export function runCli(run: CliRun): CliOutcome {
  const full = run.stdoutFull ? fs.openSync('/dev/full', 'w') : undefined;
  try {
    const r = spawnSync(process.execPath, [TUNE_BIN, ...run.args], {
      cwd: run.cwd,
      env: cliEnv(run.env),
      encoding: 'utf8',
      stdio: ['ignore', full ?? 'pipe', 'pipe'],
      timeout: run.timeoutMs ?? 10_000,
      killSignal: 'SIGKILL',
    });
    const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut };
  } finally {
    if (full !== undefined) fs.closeSync(full);
  }
}

/** runCli without blocking, so independent cases can run side by side; the same timeout (SIGKILL) stops a hang. */
export function runCliAsync(run: CliRun): Promise<CliOutcome> {
  const full = run.stdoutFull ? fs.openSync('/dev/full', 'w') : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TUNE_BIN, ...run.args], {
      cwd: run.cwd,
      env: cliEnv(run.env),
      stdio: ['ignore', full ?? 'pipe', 'pipe'],
      timeout: run.timeoutMs ?? 10_000,
      killSignal: 'SIGKILL',
    });
    if (full !== undefined) fs.closeSync(full);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, timedOut: child.killed }));
  });
}

/**
 * sha256 over every entry under `dir` (names, types, modes, owners, symlink targets, file bytes), or "absent". A FIFO
 * or device is recorded by type only, so the digest itself never blocks.
 */
export function treeSha256(dir: string): string {
  const hash = crypto.createHash('sha256');
  const walk = (p: string, rel: string) => {
    const st = fs.lstatSync(p);
    hash.update(`${rel}\0${st.mode}\0${st.uid}\0${st.gid}\0`);
    if (st.isSymbolicLink()) hash.update(fs.readlinkSync(p));
    else if (st.isFile()) hash.update(fs.readFileSync(p));
    else if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) walk(path.join(p, n), `${rel}/${n}`);
    hash.update('\n');
  };
  if (!fs.existsSync(dir) && !isDanglingLink(dir)) return 'absent';
  walk(dir, '.');
  return hash.digest('hex');
}

function isDanglingLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Why an outcome breaks the rule for bad input (empty when it keeps it). */
export function ruleBreaks(
  got: CliOutcome,
  want: { status: number; names: (string | RegExp)[]; plugin?: boolean },
): string[] {
  const problems: string[] = [];
  if (got.timedOut) return ['hung: killed at the timeout'];
  if (got.status !== want.status) problems.push(`exit ${got.status ?? got.signal}, expected ${want.status}`);
  // `tune check` speaks the Monitoring Plugins protocol: its one line goes to stdout, stderr stays empty.
  const text = want.plugin ? got.stdout : got.stderr;
  if (/\n\s+at /.test(got.stderr) || /\n\s+at /.test(got.stdout)) problems.push('a stack trace');
  if (want.plugin && got.stderr !== '') problems.push(`stderr not empty: ${JSON.stringify(got.stderr.slice(0, 200))}`);
  const lines = text.split('\n');
  if (!text.endsWith('\n') || lines.length !== 2 || lines[0] === '')
    problems.push(`not exactly one line: ${JSON.stringify(text.slice(0, 300))}`);
  const line = lines[0] ?? '';
  if (line.length > 400) problems.push(`a line of ${line.length} characters`);
  if (want.plugin && !line.startsWith('TUNE UNKNOWN - ')) problems.push('not a TUNE UNKNOWN line');
  for (const n of want.names)
    if (typeof n === 'string' ? !line.includes(n) : !n.test(line))
      problems.push(`does not name ${String(n)}: ${JSON.stringify(line.slice(0, 300))}`);
  return problems;
}
