// `tune check`: a Monitoring Plugins (Nagios/Icinga) check.
import type { Command } from 'commander';
import { filterOptions } from './diagnose.js';
import { diagnoseOptions, oneLine, type Wiring } from './shared.js';
import { collect } from '../options.js';

export function checkCommand(program: Command, { ctx, setExit }: Wiring): void {
  filterOptions(
    diagnoseOptions(
      program
        .command('check')
        .description(
          'Monitoring Plugins (Nagios/Icinga) check: status line, perfdata, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.',
        )
        .option('--warn <metric=n>', 'warning when METRIC is above N; repeatable', collect, [])
        .option('--crit <metric=n>', 'critical when METRIC is above N; repeatable', collect, []),
    ),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  $ tune check\n  $ tune check --warn close_wait=50 --crit close_wait=500 --warn time_wait=100000\n\nMetrics: established, time_wait, time_wait_client, time_wait_server, close_wait, close_wait_in_queue, syn_recv,\n  ephemeral_used_pct, listen_queue_pct, tw_buckets_pct, conntrack_pct, file_handles_pct, and counter growth since the\n  last run: listen_overflows, listen_drops, tw_overflows, syncookies_sent\n  (docs/monitoring.md lists the defaults).\n\nExit codes (Monitoring Plugins): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad arguments, unreadable host).\n`,
    )
    .configureOutput({
      writeOut: (s) => ctx.out(s),
      writeErr: (s) => ctx.err(s),
      outputError: (s) => ctx.out(`TUNE UNKNOWN - ${oneLine(s.trim().replace(/^error: /, ''))}\n`),
    })
    .action(async (flags) => setExit(await (await import('../run/check.js')).runCheck(ctx, flags)));
}
