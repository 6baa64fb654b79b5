// `tune watch`: a live view that redraws every --interval seconds; bounded by --count (required off a terminal).
// On a terminal it draws on the alternate screen (nothing piles up in the scrollback, the shell's screen comes back
// on exit), each frame fitted to the terminal's size; off a terminal it prints whole frames one after another.
import { UserError } from '../../core/errors.js';
import type { DiagnosisReport } from '../../core/diagnose/diagnosis.js';
import { renderWatchFrame } from '../../core/monitor/watch-frame.js';
import { writeStdout, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag } from '../options.js';
import { readDiagnosis, type DiagnoseFlags } from './diagnose.js';

export interface WatchFlags extends DiagnoseFlags {
  count?: string;
}

const ENTER = '\x1b[?1049h\x1b[?25l'; // alternate screen, cursor hidden
const LEAVE = '\x1b[?25h\x1b[?1049l';
/** Producers are sampled for at most this long per frame, so watching costs little when nothing happens. */
const FRAME_SAMPLE_SECONDS = 0.5;

export async function runWatch(ctx: CliContext, flags: WatchFlags): Promise<number> {
  const interval = numberFlag(flags.interval, '--interval', 2, { min: 0.1, max: 3600 });
  if (flags.count === undefined && !ctx.isTerminal)
    throw new UserError('--count is required when output is not a terminal');
  const count = numberFlag(flags.count, '--count', Infinity, { min: 1, max: 1_000_000_000, whole: true });
  const live = ctx.isTerminal && !flags.json;
  let previous: DiagnosisReport | null = null;
  const leave = () => writeStdout(LEAVE);
  const onSignal = () => {
    leave();
    process.exit(130);
  };
  if (live) {
    writeStdout(ENTER);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    for (let i = 0; i < count; i++) {
      // Each frame samples `interval` long, so counter growth and rates are over the frame.
      const report = await readDiagnosis(ctx, flags, interval, Math.min(interval, FRAME_SAMPLE_SECONDS));
      if (flags.json) ctx.out(JSON.stringify(report) + '\n');
      else if (live) {
        const size = { columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
        const lines = renderWatchFrame(report, previous, i + 1, interval, size, ctx.style);
        // Home, each line cleared to its end, the rest of the screen cleared: no stale text, no scrolling.
        writeStdout(`\x1b[H${lines.join('\x1b[K\r\n')}\x1b[K\x1b[J`);
      } else {
        const lines = renderWatchFrame(report, previous, i + 1, interval, null, ctx.style);
        ctx.out(`${i ? '\n' : ''}${lines.join('\n')}\n`);
      }
      previous = report;
    }
  } finally {
    if (live) {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      leave();
    }
  }
  return EXIT.OK;
}
