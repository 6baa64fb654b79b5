// `tune diagnose`: read the socket tables once (plus a sampling window) and report causes and fixes.
import { diagnose, type DiagnosisReport } from '../../core/diagnose/diagnosis.js';
import { renderDiagnosis } from '../../core/diagnose/render-diagnosis.js';
import { parseSocketFilter } from '../../core/diagnose/socket-filter.js';
import { DEFAULT_RUN_DIR } from '../../system/sockets/counter-baseline.js';
import { gatherDiagnosisInput, type TableSourceChoice } from '../../system/sockets/diagnosis-reader.js';
import type { CliContext } from '../context.js';
import { numberFlag } from '../options.js';
import { EXIT } from '../exit-codes.js';

export interface DiagnoseFlags {
  root?: string;
  json?: boolean;
  interval?: string;
  top?: string;
  source?: TableSourceChoice;
  port?: string;
  dst?: string;
  state?: string;
}

/** --interval: a rate window of up to an hour (0: no rates). */
const INTERVAL_BOUNDS = { min: 0, max: 3600 };

/** Reads and diagnoses: shared by diagnose, check, metrics and watch. Every flag is validated before any reading. */
export async function readDiagnosis(
  ctx: CliContext,
  flags: DiagnoseFlags,
  interval = numberFlag(flags.interval, '--interval', 0, INTERVAL_BOUNDS),
  sampleSeconds?: number,
): Promise<DiagnosisReport> {
  const topN = numberFlag(flags.top, '--top', 5, { min: 1, max: 10_000, whole: true });
  const filter = parseSocketFilter(flags);
  const input = await gatherDiagnosisInput({
    root: ctx.root(flags.root),
    now: ctx.now,
    topN,
    interval,
    sampleSeconds,
    sleep: ctx.sleep,
    source: flags.source ?? 'auto',
    filter,
    // The last run's counters are kept for the live host only (TUNE_RUN_DIR moves them, for tests).
    runDir: ctx.env.TUNE_RUN_DIR || DEFAULT_RUN_DIR,
  });
  return diagnose(input);
}

export async function runDiagnose(ctx: CliContext, flags: DiagnoseFlags): Promise<number> {
  const report = await readDiagnosis(ctx, flags);
  ctx.out(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderDiagnosis(report, ctx.style));
  return EXIT.OK;
}
