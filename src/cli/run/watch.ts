// `tune watch`: a live view that redraws every --interval seconds; bounded by --count (required off a terminal).
import { UserError } from '../../core/errors.js';
import { renderDiagnosis } from '../../core/diagnose/render-diagnosis.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag } from '../options.js';
import { readDiagnosis, type DiagnoseFlags } from './diagnose.js';

export interface WatchFlags extends DiagnoseFlags {
  count?: string;
}

export async function runWatch(ctx: CliContext, flags: WatchFlags): Promise<number> {
  const interval = numberFlag(flags.interval, '--interval', 2, { min: 0.1, max: 3600 });
  if (flags.count === undefined && !ctx.isTerminal)
    throw new UserError('--count is required when output is not a terminal');
  const count = numberFlag(flags.count, '--count', Infinity, { min: 1, max: 1_000_000_000, whole: true });
  for (let i = 0; i < count; i++) {
    // Each round samples counters `interval` apart, so rates are always shown.
    const report = await readDiagnosis(ctx, flags, interval);
    if (ctx.isTerminal) ctx.out('\x1b[H\x1b[2J');
    ctx.out(flags.json ? JSON.stringify(report) + '\n' : renderDiagnosis(report, ctx.style));
  }
  return EXIT.OK;
}
