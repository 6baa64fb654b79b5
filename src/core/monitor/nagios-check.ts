// `tune check` as a Monitoring Plugins (Nagios/Icinga) plugin: one status line with perfdata, exit 0/1/2/3.
import { UserError } from '../errors.js';
import { DEFAULT_THRESHOLDS } from './monitoring-metrics.js';

export const PLUGIN_STATUS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

export interface CheckResult {
  code: 0 | 1 | 2;
  output: string;
}

/** Parses `metric=N` threshold arguments against the known metric names. */
export function parseThresholds(args: string[], metrics: string[], flag: string): Record<string, number> {
  const out: Record<string, number> = {};
  args.forEach((a, i) => {
    const m = /^([a-z_]+)=(\d+(?:\.\d+)?)$/.exec(a.trim());
    if (!m) throw new UserError(`expected METRIC=NUMBER, got "${a}"`, { file: flag, line: i + 1 });
    if (!metrics.includes(m[1] ?? ''))
      throw new UserError(`unknown metric "${m[1]}" (known: ${metrics.join(', ')})`, { file: flag, line: i + 1 });
    out[m[1] ?? ''] = Number(m[2]);
  });
  return out;
}

/** Evaluates every metric against its thresholds (user's over defaults) and formats the plugin output. */
export function evaluateCheck(
  values: Record<string, number>,
  warn: Record<string, number>,
  crit: Record<string, number>,
): CheckResult {
  let code: 0 | 1 | 2 = 0;
  const problems: string[] = [];
  const perf: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    const [dw, dc] = DEFAULT_THRESHOLDS[name] ?? [null, null];
    const w = warn[name] ?? dw;
    const c = crit[name] ?? dc;
    if (c !== null && value > c) {
      code = 2;
      problems.push(`${name}=${value} (> ${c})`);
    } else if (w !== null && value > w) {
      if (code < 1) code = 1;
      problems.push(`${name}=${value} (> ${w})`);
    }
    const pct = name.endsWith('_pct');
    perf.push(`${name}=${value}${pct ? '%' : ''};${w ?? ''};${c ?? ''};0;${pct ? 100 : ''}`);
  }
  const summary = problems.length
    ? problems.join(', ')
    : `time_wait=${values.time_wait ?? 0} close_wait=${values.close_wait ?? 0}`;
  return { code, output: `TUNE ${PLUGIN_STATUS[code]} - ${summary} | ${perf.join(' ')}` };
}
