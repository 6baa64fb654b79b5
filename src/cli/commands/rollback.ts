// `tune rollback [ID]` and `tune reset`: restore an earlier state as one new transaction.
import type { Command } from 'commander';
import { examples, rootOption, stateOption, type Wiring } from './shared.js';

export function rollbackCommand(program: Command, { ctx, setExit }: Wiring): void {
  program
    .command('rollback [id]')
    .description(
      'Restore the state from before transaction ID (default: the last apply still in effect): undoes it and every later transaction, files byte for byte and runtime values, as one new transaction.',
    )
    .addOption(rootOption())
    .addOption(stateOption())
    .option('-y, --yes', 'no prompt (required without a terminal)')
    .option('--force', 'with --yes: roll back even when another writer changed values since (drift)')
    .addHelpText(
      'after',
      examples(['tune rollback', 'tune rollback --yes', 'tune rollback 20261122T230000Z-000004 --yes --force']),
    )
    .action(async (id, flags) => setExit(await (await import('../run/transactions.js')).runRollback(ctx, id, flags)));

  program
    .command('reset')
    .description(
      "Restore the state from before tune's first transaction on record (every file it wrote and every runtime value it set).",
    )
    .addOption(rootOption())
    .addOption(stateOption())
    .option('-y, --yes', 'no prompt (required without a terminal)')
    .option('--force', 'with --yes: reset even when another writer changed values since (drift)')
    .addHelpText('after', examples(['tune reset', 'tune reset --yes']))
    .action(async (flags) => setExit(await (await import('../run/transactions.js')).runReset(ctx, flags)));
}
