// tune(1), generated from the command tree: every visible command with its usage, description, options and the text
// --help prints after them (examples, exit codes), so the manual says what --help says.
import { EXIT_CODES_HELP } from '../exit-codes.js';
import { allCommands, type CommandRef } from './command-tree.js';

/** Text as roff reads it literally: backslashes and hyphens escaped, no line taken for a request. */
export const roff = (s: string) =>
  s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');

const preformatted = (text: string) => ['.PP', '.nf', roff(text.replace(/\n+$/, '')), '.fi'];

function commandSection(c: CommandRef): string[] {
  return [
    `.SS "${roff(c.usage)}"`,
    roff(c.description),
    ...c.options.flatMap((o) => ['.TP', `.B ${roff(o.term)}`, roff(o.description)]),
    ...(c.after ? preformatted(c.after) : []),
  ];
}

/** The page in man(7) format; `version` goes in the footer. */
export function renderManPage(tree: CommandRef, version: string): string {
  const commands = allCommands(tree).slice(1);
  return [
    `.TH TUNE 1 "" "tune ${version}" "User Commands"`,
    '.\\" Generated from the command tree by scripts/gen-reference.mjs (npm run docs:reference); do not edit.',
    '.SH NAME',
    'tune \\- plan, apply and roll back Linux kernel network tuning (sysctl) safely',
    '.SH SYNOPSIS',
    '.B tune',
    '.I command',
    '[\\fIoptions\\fR]',
    '.br',
    '.B tune',
    '.I command',
    '.B \\-\\-help',
    '.SH DESCRIPTION',
    roff(tree.description),
    '.PP',
    roff(
      'tune reads the host (or a snapshot), checks every change against kernel facts and the environment, and shows ' +
        'what would change at runtime and at the next boot. apply, rollback, reset and recover change the host in ' +
        'transactions that are backed up and can be undone byte for byte; diagnose, check, metrics and watch name ' +
        'the cause of connection-state problems.',
    ),
    '.SH OPTIONS',
    ...tree.options.flatMap((o) => ['.TP', `.B ${roff(o.term)}`, roff(o.description)]),
    '.SH COMMANDS',
    ...commands.flatMap(commandSection),
    '.SH EXIT STATUS',
    roff('Unless a command above lists its own (verify, check), every command exits with:'),
    ...preformatted(EXIT_CODES_HELP.replace(/^Exit codes:\n/, '')),
    '.SH ENVIRONMENT',
    '.TP',
    '.B TUNE_ROOT',
    roff('read the host under this directory instead of / (as --root)'),
    '.TP',
    '.B TUNE_STATE_DIR',
    roff('backups, journal and lock (default /var/lib/tune; as --state-dir)'),
    '.TP',
    '.B TUNE_TCP_DIAG',
    roff("run this executable instead of tune's netlink helper (it must speak the same records)"),
    '.TP',
    '.B NO_COLOR',
    roff('when set and not empty, no colours even on a terminal'),
    '.SH FILES',
    '.TP',
    '.I /etc/sysctl.d/99\\-tune.conf',
    roff('the file tune owns (--file)'),
    '.TP',
    '.I /etc/tune/profiles/',
    roff("the administrator's profiles, NAME.conf or NAME/tuned.conf, found before the shipped ones"),
    '.TP',
    '.I /var/lib/tune/',
    roff('backups, the journal and the lock'),
    '.SH SEE ALSO',
    '.BR sysctl (8),',
    '.BR sysctl.d (5),',
    '.BR ss (8)',
    '',
  ].join('\n');
}
