// `tune plan`: a dry run that shows what tuning would change and why.
import type { Command } from 'commander';
import { collect } from '../options.js';
import { examples, requestOptions, type Wiring } from './shared.js';

export function planCommand(program: Command, { ctx, setExit }: Wiring): void {
  requestOptions(program.command('plan'))
    .description('Show what tuning would change and why (a dry run: writes nothing).')
    .option(
      '--snapshot <path>',
      'plan offline from a snapshot written by `tune snapshot` (no host access); repeat, or name a directory (every *.json in it), to review a fleet: hosts with identical plans are shown once',
      collect,
      [],
    )
    .option('--json', 'print the plan as JSON; several snapshots: per-host results and groups (docs/json.md)')
    .option('--format <format>', 'text, or markdown for a pull-request comment (under 65,536 characters)', 'text')
    .option('--max-age <duration>', 'warn (SNAPSHOT_STALE) when a snapshot is older than this (s, m, h, d)', '24h')
    .option(
      '--fail-on <level>',
      'exit 4 when a finding reaches this level: refuse (always), warn, or a rule id; repeatable',
      collect,
      [],
    )
    .option('--detailed-exitcode', 'exit 3 when changes are pending (for CI; any host of a fleet)')
    .addHelpText(
      'after',
      examples([
        'tune plan --profile short-connection-api',
        'tune plan -p proxy --set net.core.somaxconn=8192 --json',
        'tune plan -p short-connection-api --snapshot host.json --detailed-exitcode',
        'tune plan -p proxy --snapshot snapshots/ --format markdown > review.md',
        'tune plan -p proxy --snapshot a.json --snapshot b.json --fail-on warn --max-age 12h',
      ]),
    )
    .action(async (flags) => setExit(await (await import('../run/plan.js')).runPlan(ctx, flags)));
}
