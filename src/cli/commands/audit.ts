// `tune audit`: judge the configuration a host already carries, at file:line, changing nothing.
import type { Command } from 'commander';
import { collect } from '../options.js';
import { examples, rootOption, type Wiring } from './shared.js';

export const AUDIT_EXIT_CODES_HELP = `Exit codes:
  0  no finding reaches the --fail-on level (default: refuse)
  1  runtime error (cannot read the host)
  2  usage error or bad input (a snapshot that is not one, an unknown --fail-on id)
  4  a finding reaches the --fail-on level
  141  standard output closed by its reader (EPIPE): stopped quietly`;

export function auditCommand(program: Command, { ctx, setExit }: Wiring): void {
  program
    .command('audit')
    .description(
      'Review the sysctl configuration the host already has (every sysctl.d file and /etc/sysctl.conf), line by line: rules, boot failures, runtime drift. Changes nothing.',
    )
    .addOption(rootOption())
    .option('--snapshot <path>', 'audit a snapshot written by `tune snapshot` instead of this host')
    .option('--json', 'print the report as JSON (docs/json.md)')
    .option('--format <format>', 'text, or markdown for a ticket or pull request', 'text')
    .option(
      '--fail-on <level>',
      'exit 4 when a finding reaches this level: refuse (default), warn, or a rule id; repeatable',
      collect,
      [],
    )
    .addHelpText(
      'after',
      examples(
        [
          'tune audit',
          'tune audit --fail-on warn --json',
          'tune audit --snapshot host.json --format markdown > audit.md',
        ],
        AUDIT_EXIT_CODES_HELP,
      ),
    )
    .action(async (flags) => setExit(await (await import('../run/audit.js')).runAudit(ctx, flags)));
}
