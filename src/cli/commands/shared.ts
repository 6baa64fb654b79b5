// What several commands share: the --root and --state-dir options, a plan request's options, diagnose's options,
// and the examples-and-exit-codes block every --help ends with.
import { Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { collect } from '../options.js';

/** What a command definition needs: the context its action runs with, and where it reports its exit code. */
export interface Wiring {
  ctx: CliContext;
  setExit: (code: number) => void;
}

/** Commander quotes arguments as given: a newline in one must not split the error line. */
export const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');

/** The end of every --help: examples, then the exit codes. */
export const examples = (lines: string[], exitCodes = EXIT_CODES_HELP) =>
  `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n\n${exitCodes}\n`;

export const rootOption = () =>
  new Option('--root <dir>', 'read the host under DIR (a fixture tree laid out like /); also TUNE_ROOT');

export const stateOption = () =>
  new Option('--state-dir <dir>', 'backups and journal (default /var/lib/tune); also TUNE_STATE_DIR');

/** What a plan is made from: shared by plan and apply so both read a request the same way. */
export const requestOptions = (c: Command) =>
  c
    .option('-p, --profile <name>', 'profile name or path; repeat to compose, later wins', collect, [])
    .option('--set <key=value>', 'override one key after the profiles; repeatable', collect, [])
    .option('--allow <rule>', 'override an overridable refusal by rule id; repeatable', collect, [])
    .addOption(rootOption())
    .option('--file <path>', 'the file tune owns', '/etc/sysctl.d/99-tune.conf');

export const diagnoseOptions = (c: Command) =>
  c
    .addOption(rootOption())
    .option('--top <n>', 'how many destinations, clients, processes to name', '5')
    .addOption(
      new Option(
        '--source <how>',
        'read the TCP tables through netlink sock_diag (live host, needs the built helper) or /proc/net/tcp; auto picks netlink when it can',
      )
        .choices(['auto', 'netlink', 'procfs'])
        .default('auto'),
    );
