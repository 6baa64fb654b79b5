// `tune diagnose`: read the socket tables once (or twice for rates) and report causes and fixes.
import { diagnose, type DiagnosisReport } from '../../core/diagnosis.js';
import { UserError } from '../../core/errors.js';
import { renderDiagnosis } from '../../core/render-diagnosis.js';
import { gatherDiagnosisInput } from '../../system/diagnosis-reader.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface DiagnoseFlags {
  root?: string;
  json?: boolean;
  interval?: string;
  top?: string;
}

/** Parses a non-negative number option; a bad one is a usage error naming the flag. */
export function numberFlag(value: string | undefined, flag: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UserError(`${flag} takes a number >= ${min}, got "${value}"`);
  return n;
}

/** Reads and diagnoses: shared by diagnose, check, metrics and watch. */
export async function readDiagnosis(
  ctx: CliContext,
  flags: DiagnoseFlags,
  interval = numberFlag(flags.interval, '--interval', 0),
): Promise<DiagnosisReport> {
  const topN = numberFlag(flags.top, '--top', 5, 1);
  const input = await gatherDiagnosisInput({
    root: ctx.root(flags.root),
    now: ctx.now,
    topN,
    interval,
    sleep: ctx.sleep,
  });
  return diagnose(input);
}

export async function runDiagnose(ctx: CliContext, flags: DiagnoseFlags): Promise<number> {
  const report = await readDiagnosis(ctx, flags);
  ctx.out(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderDiagnosis(report, ctx.style));
  return EXIT.OK;
}
