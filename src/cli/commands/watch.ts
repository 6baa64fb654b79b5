// `tune watch`: a live view of the diagnosis.
import type { Command } from 'commander';
import { filterOptions } from './diagnose.js';
import { diagnoseOptions, examples, type Wiring } from './shared.js';

export function watchCommand(program: Command, { ctx, setExit }: Wiring): void {
  filterOptions(
    diagnoseOptions(
      program
        .command('watch')
        .description('Live view: redraw the diagnosis every --interval seconds.')
        .option('--interval <seconds>', 'seconds between redraws (and the rate window)', '2')
        .option('--count <n>', 'stop after N redraws (required when output is not a terminal)')
        .option('--json', 'one JSON report per line instead of the view'),
    ),
  )
    .addHelpText(
      'after',
      examples(['tune watch', 'tune watch --interval 1 --count 10 --json', 'tune watch --port 443']),
    )
    .action(async (flags) => setExit(await (await import('../run/watch.js')).runWatch(ctx, flags)));
}
