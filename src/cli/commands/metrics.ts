// `tune metrics`: Prometheus text exposition.
import type { Command } from 'commander';
import { filterOptions } from './diagnose.js';
import { diagnoseOptions, examples, type Wiring } from './shared.js';

export function metricsCommand(program: Command, { ctx, setExit }: Wiring): void {
  filterOptions(
    diagnoseOptions(
      program
        .command('metrics')
        .description(
          "Prometheus text exposition for node_exporter's textfile collector (metric names start with tune_).",
        )
        .option('-o, --output <file>', 'write atomically to FILE (e.g. /var/lib/node_exporter/textfile/tune.prom)'),
    ),
  )
    .addHelpText(
      'after',
      examples([
        'tune metrics',
        'tune metrics -o /var/lib/node_exporter/textfile/tune.prom',
        'tune metrics --port 8080',
      ]),
    )
    .action(async (flags) => setExit(await (await import('../run/metrics.js')).runMetrics(ctx, flags)));
}
