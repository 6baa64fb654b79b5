// The CLI entry: commander wiring, lazy command loading, and the one place that sets the exit code.
import { Command, CommanderError, Option } from 'commander';
import { findInterrupted } from '../apply/history.js';
import { DEFAULT_STATE_DIR } from '../system/state-dir.js';
import { ReportedFailure, UserError } from '../core/errors.js';
import { collect } from './options.js';
import { processContext, type CliContext } from './context.js';
import { EXIT, EXIT_CODES_HELP, VERIFY_EXIT_CODES_HELP } from './exit-codes.js';

/** Commander quotes arguments as given: a newline in one must not split the error line. */
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');

const examples = (lines: string[], exitCodes = EXIT_CODES_HELP) =>
  `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n\n${exitCodes}\n`;

/** Builds the command tree. Each action loads its module only when it runs, so --help stays fast. */
export function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('tune')
    .description('Plan, apply and roll back Linux kernel network tuning (sysctl) safely.')
    .version('0.1.0')
    .configureOutput({
      writeOut: (s) => ctx.out(s),
      writeErr: (s) => ctx.err(s),
      outputError: (s, write) => write(`tune: ${oneLine(s.trim().replace(/^error: /, ''))} (see --help)\n`),
    })
    .exitOverride();

  const rootOption = () =>
    new Option('--root <dir>', 'read the host under DIR (a fixture tree laid out like /); also TUNE_ROOT');

  /** What a plan is made from: shared by plan and apply so both read a request the same way. */
  const requestOptions = (c: Command) =>
    c
      .option('-p, --profile <name>', 'profile name or path; repeat to compose, later wins', collect, [])
      .option('--set <key=value>', 'override one key after the profiles; repeatable', collect, [])
      .option('--allow <rule>', 'override an overridable refusal by rule id; repeatable', collect, [])
      .addOption(rootOption())
      .option('--file <path>', 'the file tune owns', '/etc/sysctl.d/99-tune.conf');

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
    .action(async (flags) => setExit(await (await import('./commands/plan.js')).runPlan(ctx, flags)));

  program
    .command('snapshot')
    .description('Capture this host (runtime values, sysctl.d files, environment) as versioned JSON.')
    .option('-o, --output <file>', 'write to FILE instead of standard output')
    .option('--all', 'also record every key under net., vm., fs.file-max and fs.nr_open')
    .addOption(rootOption())
    .addHelpText('after', examples(['tune snapshot -o host.json', 'tune plan -p proxy --snapshot host.json']))
    .action(async (flags) => setExit(await (await import('./commands/snapshot.js')).runSnapshot(ctx, flags)));

  const profiles = program
    .command('profiles')
    .description('List the available profiles (shipped, /etc/tune/profiles).')
    .option('--json', 'print as JSON')
    .addOption(rootOption())
    .addHelpText('after', examples(['tune profiles', 'tune profiles show proxy --json']))
    .action(async (flags) => setExit((await import('./commands/profiles.js')).runProfilesList(ctx, flags)));
  profiles
    .command('show <name>')
    .description('Show the resolved settings of a profile, with reasons and where each came from.')
    .option('--json', 'print as JSON')
    .addOption(rootOption())
    .addHelpText('after', examples(['tune profiles show short-connection-api']))
    .action(async (name, flags) =>
      setExit((await import('./commands/profiles.js')).runProfilesShow(ctx, name, { ...profiles.opts(), ...flags })),
    );

  const stateOption = () =>
    new Option('--state-dir <dir>', 'backups and journal (default /var/lib/tune); also TUNE_STATE_DIR');

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
    .action(async (flags) => setExit(await (await import('./commands/apply.js')).runApply(ctx, flags)));

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
    .action(async (id, flags) =>
      setExit(await (await import('./commands/transactions.js')).runRollback(ctx, id, flags)),
    );

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
    .action(async (flags) => setExit(await (await import('./commands/transactions.js')).runReset(ctx, flags)));

  program
    .command('history')
    .description('Every transaction: id, time, user, profiles, message, keys, state.')
    .addOption(stateOption())
    .option('--json', 'print as JSON')
    .addHelpText('after', examples(['tune history', 'tune history --json']))
    .action(async (flags) => setExit((await import('./commands/transactions.js')).runHistory(ctx, flags)));

  program
    .command('status')
    .description('The last transaction, an interrupted one if any, and drift since the last applied one.')
    .addOption(rootOption())
    .addOption(stateOption())
    .option('--json', 'print as JSON')
    .addHelpText('after', examples(['tune status', 'tune status --json']))
    .action(async (flags) => setExit((await import('./commands/transactions.js')).runStatus(ctx, flags)));

  program
    .command('confirm')
    .description('Keep a change applied with --confirm-within (otherwise it is rolled back at the deadline).')
    .addOption(stateOption())
    .addHelpText(
      'after',
      examples(['tune apply -p proxy --yes --confirm-within 120 && tune confirm']) +
        '  A confirmation after the deadline exits 1: the change was (or is then) rolled back.\n',
    )
    .action(async (flags) => setExit(await (await import('./commands/transactions.js')).runConfirm(ctx, flags)));

  program
    .command('watchdog <id>', { hidden: true })
    .addOption(rootOption())
    .addOption(stateOption())
    .action(async (id, flags) =>
      setExit(await (await import('./commands/transactions.js')).runWatchdog(ctx, id, flags)),
    );

  program
    .command('recover')
    .description('Restore the state from before an interrupted (crashed) transaction.')
    .addOption(rootOption())
    .addOption(stateOption())
    .addHelpText('after', examples(['tune recover']))
    .action(async (flags) => setExit((await import('./commands/transactions.js')).runRecover(ctx, flags)));

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
    .action(async (flags) => setExit((await import('./commands/verify.js')).runVerify(ctx, flags)));

  const diagnoseOptions = (c: Command) =>
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

  diagnoseOptions(
    program
      .command('diagnose')
      .description(
        'Name the cause of TIME_WAIT, CLOSE_WAIT, port exhaustion, SYN floods and queue overflows, and the fix.',
      )
      .option('--json', 'print every number as JSON')
      .option('--interval <seconds>', 'sample counters twice, SECONDS apart, to report connection rates'),
  )
    .addHelpText('after', examples(['tune diagnose', 'tune diagnose --interval 5 --json']))
    .action(async (flags) => setExit(await (await import('./commands/diagnose.js')).runDiagnose(ctx, flags)));

  diagnoseOptions(
    program
      .command('check')
      .description(
        'Monitoring Plugins (Nagios/Icinga) check: status line, perfdata, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.',
      )
      .option('--warn <metric=n>', 'warning when METRIC is above N; repeatable', collect, [])
      .option('--crit <metric=n>', 'critical when METRIC is above N; repeatable', collect, []),
  )
    .addHelpText(
      'after',
      `\nExamples:\n  $ tune check\n  $ tune check --warn close_wait=50 --crit close_wait=500 --warn time_wait=100000\n\nMetrics: established, time_wait, time_wait_client, time_wait_server, close_wait, syn_recv, ephemeral_used_pct,\n  listen_queue_pct, tw_buckets_pct, conntrack_pct, file_handles_pct (docs/monitoring.md lists the defaults).\n\nExit codes (Monitoring Plugins): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad arguments, unreadable host).\n`,
    )
    .configureOutput({
      writeOut: (s) => ctx.out(s),
      writeErr: (s) => ctx.err(s),
      outputError: (s) => ctx.out(`TUNE UNKNOWN - ${oneLine(s.trim().replace(/^error: /, ''))}\n`),
    })
    .action(async (flags) => setExit(await (await import('./commands/check.js')).runCheck(ctx, flags)));

  diagnoseOptions(
    program
      .command('metrics')
      .description("Prometheus text exposition for node_exporter's textfile collector (metric names start with tune_).")
      .option('-o, --output <file>', 'write atomically to FILE (e.g. /var/lib/node_exporter/textfile/tune.prom)'),
  )
    .addHelpText('after', examples(['tune metrics', 'tune metrics -o /var/lib/node_exporter/textfile/tune.prom']))
    .action(async (flags) => setExit(await (await import('./commands/metrics.js')).runMetrics(ctx, flags)));

  diagnoseOptions(
    program
      .command('watch')
      .description('Live view: redraw the diagnosis every --interval seconds.')
      .option('--interval <seconds>', 'seconds between redraws (and the rate window)', '2')
      .option('--count <n>', 'stop after N redraws (required when output is not a terminal)')
      .option('--json', 'one JSON report per line instead of the view'),
  )
    .addHelpText('after', examples(['tune watch', 'tune watch --interval 1 --count 10 --json']))
    .action(async (flags) => setExit(await (await import('./commands/watch.js')).runWatch(ctx, flags)));

  return program;
}

/** Every command but those that deal with it says so when a transaction was interrupted (a crash). */
function warnIfInterrupted(ctx: CliContext, command: string | undefined): void {
  if (
    !command ||
    ['recover', 'watchdog', 'apply', 'rollback', 'reset', 'status', 'history', 'check', 'metrics'].includes(command) ||
    command.startsWith('-')
  )
    return;
  const dir = ctx.env.TUNE_STATE_DIR || DEFAULT_STATE_DIR;
  let id: string | undefined;
  try {
    id = findInterrupted(dir);
  } catch (e) {
    // A state directory tune cannot trust blocks transactions, not read-only commands: say so and go on. `confirm`
    // reads the state directory itself and reports the same problem as its one line.
    if (!(e instanceof UserError)) throw e;
    if (command === 'confirm') return;
    ctx.err(`tune: warning: ${e.format()}\n`);
    return;
  }
  if (id)
    ctx.err(`tune: warning: transaction ${id} was interrupted; run \`tune recover\` to restore the state before it\n`);
}

/** Runs the CLI and returns the exit code. User errors print one line; bugs print their stack. */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(ctx, (c) => (code = c));
  try {
    warnIfInterrupted(ctx, argv[0]);
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.OK;
      // A monitoring plugin reports its own usage errors as UNKNOWN (3), never as CRITICAL (2).
      return argv[0] === 'check' ? EXIT.PLUGIN_UNKNOWN : EXIT.USAGE;
    }
    if (e instanceof UserError) {
      ctx.err(`${e.location.file === undefined ? 'tune: ' : ''}${e.format()}\n`);
      // `check` reports its own errors as UNKNOWN; one reaching here (its output could not be written) is UNKNOWN too.
      return argv[0] === 'check' ? EXIT.PLUGIN_UNKNOWN : e.exitCode;
    }
    if (e instanceof ReportedFailure) return e.exitCode;
    ctx.err(`tune: internal error (a bug; please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.RUNTIME;
  }
}

if (require.main === module) {
  // Output is written synchronously, so exiting at once is safe and skips tearing down the thread pool.
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(EXIT.RUNTIME),
  );
}
