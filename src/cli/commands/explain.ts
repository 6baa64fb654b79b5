// `tune explain KEY`: what a key does, its facts, its value here now and at boot, and the rules about it.
import type { Command } from 'commander';
import { EXPLAIN_EXIT_CODES_HELP } from '../exit-codes.js';
import { examples, rootOption, type Wiring } from './shared.js';

export function explainCommand(program: Command, { ctx, setExit }: Wiring): void {
  program
    .command('explain')
    .argument('<key>', 'a sysctl key, as sysctl.d writes it (net.ipv4.tcp_fin_timeout or net/ipv4/tcp_fin_timeout)')
    .description(
      'Explain one sysctl key: what it does, its type, range, default, scope and kernels, its value on this host now and at boot (with the file:line that sets it), and the rules about it.',
    )
    .addOption(rootOption())
    .option('--snapshot <path>', 'explain against a snapshot written by `tune snapshot` (no host access)')
    .option('--json', 'print the explanation as JSON (docs/json.md)')
    .addHelpText(
      'after',
      examples(
        [
          'tune explain net.ipv4.tcp_fin_timeout',
          'tune explain net.netfilter.nf_conntrack_max --snapshot host.json --json',
          'tune explain vm.swappiness --root /srv/fixtures/web-1',
        ],
        EXPLAIN_EXIT_CODES_HELP,
      ),
    )
    .action(async (key: string, flags) =>
      setExit(await (await import('../run/explain.js')).runExplain(ctx, key, flags)),
    );
}
