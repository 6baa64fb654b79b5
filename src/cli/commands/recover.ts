// `tune recover`: restore the state from before an interrupted transaction.
import type { Command } from 'commander';
import { examples, rootOption, stateOption, type Wiring } from './shared.js';

export function recoverCommand(program: Command, { ctx, setExit }: Wiring): void {
  program
    .command('recover')
    .description('Restore the state from before an interrupted (crashed) transaction.')
    .addOption(rootOption())
    .addOption(stateOption())
    .addHelpText('after', examples(['tune recover']))
    .action(async (flags) => setExit(await (await import('../run/transactions.js')).runRecover(ctx, flags)));
}
