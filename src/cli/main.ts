// The CLI entry: commander wiring, lazy command loading, and the one place that sets the exit code.
import { Command, CommanderError } from 'commander';
import { findInterrupted } from '../apply/history.js';
import { deadlinePassed, readPending } from '../apply/pending.js';
import { DEFAULT_STATE_DIR } from '../system/state/state-dir.js';
import { ReportedFailure, UserError } from '../core/errors.js';
import { applyCommand } from './commands/apply.js';
import { checkCommand } from './commands/check.js';
import { confirmCommand } from './commands/confirm.js';
import { diagnoseCommand } from './commands/diagnose.js';
import { explainCommand } from './commands/explain.js';
import { historyCommand } from './commands/history.js';
import { metricsCommand } from './commands/metrics.js';
import { auditCommand } from './commands/audit.js';
import { planCommand } from './commands/plan.js';
import { profilesCommand } from './commands/profiles.js';
import { recoverCommand } from './commands/recover.js';
import { rollbackCommand } from './commands/rollback.js';
import { snapshotCommand } from './commands/snapshot.js';
import { verifyCommand } from './commands/verify.js';
import { watchCommand } from './commands/watch.js';
import { processContext, type CliContext } from './context.js';
import { EXIT } from './exit-codes.js';
import { oneLine } from './commands/shared.js';

/** package.json's version, defined by the bundler (scripts/bundle-options.mjs); absent in the unbundled build. */
declare const TUNE_VERSION: string | undefined;

/** The bundle's version; the unbundled build (tests, `npm run docs:reference`) reads the checkout's package.json. */
function programVersion(): string {
  if (typeof TUNE_VERSION === 'string') return TUNE_VERSION;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  return (JSON.parse(fs.readFileSync(`${__dirname}/../../../package.json`, 'utf8')) as { version: string }).version;
}

type Registrar = (program: Command, wiring: { ctx: CliContext; setExit: (code: number) => void }) => void;

/** Each command file and the command names it registers, in the order `tune --help` lists them. */
const COMMANDS: [names: string[], register: Registrar][] = [
  // Decide: read the host (or a snapshot) and show what would change.
  [['plan'], planCommand],
  [['snapshot'], snapshotCommand],
  [['profiles'], profilesCommand],
  [['audit'], auditCommand],
  [['explain'], explainCommand],
  // Change: one transaction at a time, each backed up and undoable.
  [['apply'], applyCommand],
  [['rollback', 'reset'], rollbackCommand],
  [['history', 'status'], historyCommand],
  [['confirm', 'watchdog'], confirmCommand],
  [['recover'], recoverCommand],
  [['verify'], verifyCommand],
  // Diagnose and monitor connection states.
  [['diagnose'], diagnoseCommand],
  [['check'], checkCommand],
  [['metrics'], metricsCommand],
  [['watch'], watchCommand],
];

/**
 * The command tree: each file in src/cli/commands/ holds its command's options, help text, examples and action; the
 * action loads the command's work (src/cli/run/) only when it runs, so --help stays fast. With `only` (the command
 * being run), just that file's commands are defined: defining all sixteen costs a `tune diagnose` more time than
 * parsing its arguments. Without it (no command, an unknown one, the reference pages), all of them.
 */
export function buildProgram(ctx: CliContext, setExit: (code: number) => void, only?: string): Command {
  const program = new Command('tune')
    .description('Plan, apply and roll back Linux kernel network tuning (sysctl) safely.')
    .version(programVersion())
    .configureOutput({
      writeOut: (s) => ctx.out(s),
      writeErr: (s) => ctx.err(s),
      outputError: (s, write) => write(`tune: ${oneLine(s.trim().replace(/^error: /, ''))} (see --help)\n`),
    })
    .exitOverride();
  const wiring = { ctx, setExit };
  const one = COMMANDS.find(([names]) => only !== undefined && names.includes(only));
  for (const [, register] of one ? [one] : COMMANDS) register(program, wiring);
  return program;
}

/** Every command but those that deal with it says so when a transaction was interrupted (a crash). */
function warnIfInterrupted(ctx: CliContext, command: string | undefined, stateDir: string | undefined): void {
  if (
    !command ||
    ['recover', 'watchdog', 'apply', 'rollback', 'reset', 'status', 'history', 'check', 'metrics'].includes(command) ||
    command.startsWith('-')
  )
    return;
  const dir = stateDir ?? (ctx.env.TUNE_STATE_DIR || DEFAULT_STATE_DIR);
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

/**
 * Before any command but confirm, recover and the watchdog: a confirmation deadline that passed with nothing enforcing it
 * (the watchdog killed, the host rebooted) is enforced now, and said on stderr. Costs one stat when none is pending.
 */
async function enforceOverdueConfirmation(ctx: CliContext, command: string, flags: { stateDir?: string }) {
  if (['confirm', 'watchdog', 'recover'].includes(command)) return; // recover enforces it once it has recovered
  const stateDir = flags.stateDir ?? (ctx.env.TUNE_STATE_DIR || DEFAULT_STATE_DIR);
  let overdue: boolean;
  try {
    const p = readPending(stateDir);
    overdue = p !== null && deadlinePassed(p, new Date());
  } catch {
    return; // an untrusted state directory is reported by the commands that use it
  }
  if (!overdue) return;
  const { enforceExpiredConfirmation } = await import('../apply/confirmation.js');
  const { hostContext } = await import('./host-context.js');
  const note = enforceExpiredConfirmation(hostContext(ctx, flags));
  if (note) ctx.err(ctx.style.yellow(`${note}\n`));
}

/** Runs the CLI and returns the exit code. User errors print one line; bugs print their stack. */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(ctx, (c) => (code = c), argv[0]);
  // Once the options are parsed, so that both see the state directory the command was given.
  program.hook('preAction', (_program, action) => {
    const flags = action.opts<{ stateDir?: string }>();
    warnIfInterrupted(ctx, argv[0], flags.stateDir);
    return enforceOverdueConfirmation(ctx, action.name(), flags);
  });
  try {
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
