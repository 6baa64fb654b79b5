// `tune apply`: review, back up, write, verify (optionally pending a confirmation).
import type { Command } from 'commander';
import { examples, requestOptions, stateOption, type Wiring } from './shared.js';

export function applyCommand(program: Command, { ctx, setExit }: Wiring): void {
  requestOptions(program.command('apply'))
    .description(
      'Apply a plan: review and confirm (or --yes), back up, write runtime values and the owned file, verify.',
    )
    .addOption(stateOption())
    .option('-y, --yes', 'no prompts: apply everything not refused (exit 4 if anything is refused)')
    .option('--skip-refused', 'with --yes: apply the rest when something is refused')
    .option('--dry-run', 'show what would be done; change nothing')
    .option('-m, --message <text>', 'why, recorded in the history')
    .option('--plan <file>', 'apply a plan saved with `tune plan --json` (refused if the host changed since)')
    .option(
      '--confirm-within <seconds>',
      'keep the change only if `tune confirm` arrives within SECONDS (1-86400); else roll it back',
    )
    .option('--adopt', 'take over --file when it exists and tune did not write it (it is backed up first)')
    .addHelpText(
      'after',
      examples([
        'tune apply --profile short-connection-api',
        'tune apply -p proxy --yes -m "INC-123: port exhaustion"',
        'tune apply -p proxy --dry-run',
        'tune apply -p proxy --yes --confirm-within 300 && tune confirm',
      ]),
    )
    .action(async (flags) => setExit(await (await import('../run/apply.js')).runApply(ctx, flags)));
}
