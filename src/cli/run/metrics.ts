// `tune metrics`: Prometheus text exposition, to stdout or atomically to a file for node_exporter's textfile collector.
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { renderPrometheus } from '../../core/monitor/prometheus-metrics.js';
import { writeExact } from '../../system/files/atomic-file.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { readDiagnosis, type DiagnoseFlags } from './diagnose.js';

export interface MetricsFlags extends DiagnoseFlags {
  output?: string;
}

export async function runMetrics(ctx: CliContext, flags: MetricsFlags): Promise<number> {
  const text = renderPrometheus(await readDiagnosis(ctx, flags));
  if (!flags.output || flags.output === '-') {
    ctx.out(text);
    return EXIT.OK;
  }
  // Atomic: the collector reads *.prom, and the temporary name (.NAME.tune-PID.tmp) does not end in .prom.
  try {
    writeExact(path.resolve(flags.output), Buffer.from(text));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `cannot write metrics (${(e as NodeJS.ErrnoException).code})`,
      { file: flags.output },
      EXIT.RUNTIME,
    );
  }
  return EXIT.OK;
}
