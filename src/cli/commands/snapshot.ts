// `tune snapshot`: capture the host as JSON for offline plans.
import type { Command } from 'commander';
import { examples, rootOption, type Wiring } from './shared.js';

export function snapshotCommand(program: Command, { ctx, setExit }: Wiring): void {
  program
    .command('snapshot')
    .description('Capture this host (runtime values, sysctl.d files, environment) as versioned JSON.')
    .option('-o, --output <file>', 'write to FILE instead of standard output')
    .option('--all', 'also record every key under net., vm., fs.file-max and fs.nr_open')
    .addOption(rootOption())
    .addHelpText('after', examples(['tune snapshot -o host.json', 'tune plan -p proxy --snapshot host.json']))
    .action(async (flags) => setExit(await (await import('../run/snapshot.js')).runSnapshot(ctx, flags)));
}
