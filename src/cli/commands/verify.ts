// `tune verify`: is what the owned file sets in effect now and after a reboot?
import type { Command } from 'commander';
import { examples, rootOption, type Wiring } from './shared.js';
import { VERIFY_EXIT_CODES_HELP } from '../exit-codes.js';

export function verifyCommand(program: Command, { ctx, setExit }: Wiring): void {
  program
    .command('verify')
    .description(
      'For every key the owned file sets: runtime value vs file value vs what wins at boot (systemd, procps).',
    )
    .addOption(rootOption())
    .option('--file <path>', 'the file tune owns', '/etc/sysctl.d/99-tune.conf')
    .option('--json', 'print the comparison as JSON (docs/json.md)')
    .addHelpText(
      'after',
      examples(
        ['tune verify', 'tune verify --json', 'tune verify --file /etc/sysctl.d/90-site.conf'],
        VERIFY_EXIT_CODES_HELP,
      ),
    )
    .action(async (flags) => setExit((await import('../run/verify.js')).runVerify(ctx, flags)));
}
