// `tune check`: a Monitoring Plugins check. Every failure, usage errors included, is UNKNOWN (3) with one line.
import { ReportedFailure, UserError } from '../../core/errors.js';
import { monitoringMetrics } from '../../core/monitor/monitoring-metrics.js';
import { evaluateCheck, parseThresholds } from '../../core/monitor/nagios-check.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { readDiagnosis, type DiagnoseFlags } from './diagnose.js';

export interface CheckFlags extends DiagnoseFlags {
  warn?: string[];
  crit?: string[];
}

export async function runCheck(ctx: CliContext, flags: CheckFlags): Promise<number> {
  try {
    const report = await readDiagnosis(ctx, flags);
    const values = monitoringMetrics(report);
    const names = Object.keys(values);
    const result = evaluateCheck(
      values,
      parseThresholds(flags.warn ?? [], names, '--warn'),
      parseThresholds(flags.crit ?? [], names, '--crit'),
    );
    ctx.out(result.output + '\n');
    return result.code;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    ctx.out(`TUNE UNKNOWN - ${e.format()}\n`);
    throw new ReportedFailure(EXIT.PLUGIN_UNKNOWN);
  }
}
