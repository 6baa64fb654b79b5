// `tune history` and `tune status`: what tune did, and where the host stands now.
import type { Command } from 'commander';
import { examples, rootOption, stateOption, type Wiring } from './shared.js';

export function historyCommand(program: Command, { ctx, setExit }: Wiring): void {
  program
    .command('history')
    .description('Every transaction: id, time, user, profiles, message, keys, state.')
    .addOption(stateOption())
    .option('--json', 'print as JSON')
    .addHelpText('after', examples(['tune history', 'tune history --json']))
    .action(async (flags) => setExit((await import('../run/transactions.js')).runHistory(ctx, flags)));

  program
    .command('status')
    .description('The last transaction, an interrupted one if any, and drift since the last applied one.')
    .addOption(rootOption())
    .addOption(stateOption())
    .option('--json', 'print as JSON')
    .addHelpText('after', examples(['tune status', 'tune status --json']))
    .action(async (flags) => setExit((await import('../run/transactions.js')).runStatus(ctx, flags)));
}
