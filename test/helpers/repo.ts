// Paths and a runner for the built binary (dist/tune.js), used by the end-to-end tests.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (the directory holding package.json), found from the compiled test file. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'profiles'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('repository root not found');
  }
}

export const TUNE_BIN = path.join(repoRoot(), 'bin', 'tune.cjs');
export const SANDBOX = path.join(repoRoot(), 'scripts', 'netns-sandbox');

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with arguments; env adds to a clean environment without TUNE_ROOT or colours. */
export function runTune(args: string[], env: Record<string, string> = {}, opts: { sandbox?: boolean } = {}): RunResult {
  const base: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  const cmd = opts.sandbox ? SANDBOX : process.execPath;
  const argv = opts.sandbox ? [process.execPath, TUNE_BIN, ...args] : [TUNE_BIN, ...args];
  const r: SpawnSyncReturns<string> = spawnSync(cmd, argv, {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
