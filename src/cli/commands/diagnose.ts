// `tune diagnose`: name the cause of a connection-state problem and the fix.
import type { Command } from 'commander';
import { diagnoseOptions, examples, type Wiring } from './shared.js';

/** --port, --dst and --state: shared by diagnose, watch and metrics (validated when the command runs). */
export const filterOptions = (c: Command) =>
  c
    .option('--port <port>', 'only sockets with this local or remote port')
    .option('--dst <addr[:port]>', 'only sockets to this remote address (and port; IPv6 as [ADDR]:PORT)')
    .option('--state <names>', 'only sockets in these states, comma-separated (TIME_WAIT, CLOSE-WAIT, ESTAB, ...)');

export function diagnoseCommand(program: Command, { ctx, setExit }: Wiring): void {
  filterOptions(
    diagnoseOptions(
      program
        .command('diagnose')
        .description(
          'Name the cause of TIME_WAIT, CLOSE_WAIT, port exhaustion, SYN floods and queue overflows, who is doing it, and the fix.',
        )
        .option('--json', 'print every number as JSON')
        .option(
          '--interval <seconds>',
          'sample SECONDS long: connection rates, counter growth, and who opens the connections ending in TIME_WAIT',
        ),
    ),
  )
    .addHelpText(
      'after',
      examples([
        'tune diagnose',
        'tune diagnose --interval 5 --json',
        'tune diagnose --dst 10.0.0.5:5432 --state TIME_WAIT',
      ]),
    )
    .action(async (flags) => setExit(await (await import('../run/diagnose.js')).runDiagnose(ctx, flags)));
}
