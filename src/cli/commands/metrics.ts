// `tune metrics`: Prometheus text exposition, to stdout or atomically to a file for node_exporter's textfile collector.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { renderPrometheus } from '../../core/prometheus-metrics.js';
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
  // The collector reads *.prom: the temporary name must not end in .prom, and rename makes the switch atomic.
  const tmp = path.join(path.dirname(path.resolve(flags.output)), `.${path.basename(flags.output)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text, { mode: 0o644 });
    fs.renameSync(tmp, flags.output);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new UserError(
      `cannot write metrics (${(e as NodeJS.ErrnoException).code})`,
      { file: flags.output },
      EXIT.RUNTIME,
    );
  }
  return EXIT.OK;
}
