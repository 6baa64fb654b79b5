// `tune confirm` and the hidden `tune watchdog ID` that enforces an `apply --confirm-within` deadline.
import type { Command } from 'commander';
import { examples, rootOption, stateOption, type Wiring } from './shared.js';

export function confirmCommand(program: Command, { ctx, setExit }: Wiring): void {
  program
    .command('confirm')
    .description('Keep a change applied with --confirm-within (otherwise it is rolled back at the deadline).')
    .addOption(stateOption())
    .addHelpText(
      'after',
      examples(['tune apply -p proxy --yes --confirm-within 120 && tune confirm']) +
        '  A confirmation after the deadline exits 1: the change was (or is then) rolled back.\n',
    )
    .action(async (flags) => setExit(await (await import('../run/transactions.js')).runConfirm(ctx, flags)));

  program
    .command('watchdog <id>', { hidden: true })
    .addOption(rootOption())
    .addOption(stateOption())
    .action(async (id, flags) => setExit(await (await import('../run/transactions.js')).runWatchdog(ctx, id, flags)));
}
