// `tune diagnose`: name the cause of a connection-state problem and the fix.
import type { Command } from 'commander';
import { diagnoseOptions, examples, type Wiring } from './shared.js';

export function diagnoseCommand(program: Command, { ctx, setExit }: Wiring): void {
  diagnoseOptions(
    program
      .command('diagnose')
      .description(
        'Name the cause of TIME_WAIT, CLOSE_WAIT, port exhaustion, SYN floods and queue overflows, and the fix.',
      )
      .option('--json', 'print every number as JSON')
      .option('--interval <seconds>', 'sample counters twice, SECONDS apart, to report connection rates'),
  )
    .addHelpText('after', examples(['tune diagnose', 'tune diagnose --interval 5 --json']))
    .action(async (flags) => setExit(await (await import('../run/diagnose.js')).runDiagnose(ctx, flags)));
}
