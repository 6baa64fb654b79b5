// `tune plan`: a dry run that shows what tuning would change and why.
import type { Command } from 'commander';
import { examples, requestOptions, type Wiring } from './shared.js';

export function planCommand(program: Command, { ctx, setExit }: Wiring): void {
  requestOptions(program.command('plan'))
    .description('Show what tuning would change and why (a dry run: writes nothing).')
    .option('--snapshot <file>', 'plan offline from a snapshot written by `tune snapshot` (no host access)')
    .option('--json', 'print the plan as JSON (docs/json.md)')
    .option('--detailed-exitcode', 'exit 3 when changes are pending (for CI)')
    .addHelpText(
      'after',
      examples([
        'tune plan --profile short-connection-api',
        'tune plan -p proxy --set net.core.somaxconn=8192 --json',
        'tune plan -p short-connection-api --snapshot host.json --detailed-exitcode',
      ]),
    )
    .action(async (flags) => setExit(await (await import('../run/plan.js')).runPlan(ctx, flags)));
}
