// Runs scripts/fault-matrix.mjs (it runs its workers in scripts/netns-sandbox) and returns its JSON report.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './repo.js';

/** One scenario (apply, rollback, recover) of the report. */
export interface ScenarioReport {
  killPoints: number;
  killPointsBySyscall: Record<string, number>;
  killPointsUnderLock: number;
  errorCases: number;
  errorCasesBySyscall: Record<string, number>;
  errorCasesUnderLock: number;
  killsRun: number;
  errorsRun: number;
  killOutcomes: { old: number; new: number; mixed: number };
  errorOutcomes: { failed: number; exit0: number };
  exit0: string[];
  followUps: { run: number; skipped: number };
  ms: number;
  /** `SC#N SC PATH...`, every numbered call that touches tune's paths. */
  points: string[];
}

export interface MatrixReport {
  scenarios: Record<string, ScenarioReport>;
  problems: string[];
  known: string[];
  retries: string[];
  ms: number;
}

/** Runs the matrix with `args` (plus --json and one worker per CPU, at most 4) within `timeoutMs`. */
export function runFaultMatrix(args: string[], timeoutMs: number): MatrixReport {
  const jobs = Math.min(4, Math.max(1, os.availableParallelism()));
  const script = path.join(repoRoot(), 'scripts', 'fault-matrix.mjs');
  const r = spawnSync(process.execPath, [script, ...args, '--jobs', String(jobs), '--json'], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.ok(r.stdout, `fault-matrix gave no report (exit ${r.status}, ${r.signal ?? 'no signal'}): ${r.stderr}`);
  return JSON.parse(r.stdout) as MatrixReport;
}
