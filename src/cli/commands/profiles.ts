// `tune profiles` and `tune profiles show NAME`.
import type { Command } from 'commander';
import { examples, rootOption, type Wiring } from './shared.js';

export function profilesCommand(program: Command, { ctx, setExit }: Wiring): void {
  const profiles = program
    .command('profiles')
    .description('List the available profiles (shipped, /etc/tune/profiles).')
    .option('--json', 'print as JSON')
    .addOption(rootOption())
    .addHelpText('after', examples(['tune profiles', 'tune profiles show proxy --json']))
    .action(async (flags) => setExit((await import('../run/profiles.js')).runProfilesList(ctx, flags)));
  profiles
    .command('show <name>')
    .description('Show the resolved settings of a profile, with reasons and where each came from.')
    .option('--json', 'print as JSON')
    .addOption(rootOption())
    .addHelpText('after', examples(['tune profiles show short-connection-api']))
    .action(async (name, flags) =>
      setExit((await import('../run/profiles.js')).runProfilesShow(ctx, name, { ...profiles.opts(), ...flags })),
    );
}
