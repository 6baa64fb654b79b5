// The command tree as plain data, read from the same commander program `tune` runs, so the man page and the shell
// completions are generated from what --help prints and cannot drift from it.
import { Command, Help, type Option } from 'commander';
import { plainStyle } from '../../core/text/text-style.js';
import type { CliContext } from '../context.js';
import { buildProgram } from '../main.js';

export interface OptionRef {
  /** As --help shows it: `-p, --profile <name>`. */
  term: string;
  short?: string;
  long?: string;
  /** The value's name (`name` in `<name>`), undefined for a flag. */
  value?: string;
  /** As --help shows it, default and choices included. */
  description: string;
  choices?: readonly string[];
  repeatable: boolean;
}

export interface CommandRef {
  /** The words after `tune`: [] for the program, ['profiles', 'show']. */
  path: string[];
  /** `tune plan [options]`, as --help's Usage line. */
  usage: string;
  description: string;
  options: OptionRef[];
  args: { name: string; required: boolean }[];
  /** What --help prints after the options: examples, notes, exit codes. */
  after: string;
  /** What --version prints (the program only). */
  version?: string;
  /** The whole --help text. */
  help: string;
  subcommands: CommandRef[];
}

/** The program with a context that only collects output: actions never run here. */
function quietProgram(sink: string[]): Command {
  const ctx: CliContext = {
    out: (t) => sink.push(t),
    err: (t) => sink.push(t),
    style: plainStyle,
    env: {},
    now: () => new Date(0),
    root: () => '/',
    isTerminal: false,
    sleep: async () => undefined,
  };
  return buildProgram(ctx, () => undefined);
}

function optionRef(help: Help, o: Option): OptionRef {
  const value = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1];
  return {
    term: help.optionTerm(o),
    ...(o.short ? { short: o.short } : {}),
    ...(o.long ? { long: o.long } : {}),
    ...(value ? { value } : {}),
    description: help.optionDescription(o),
    ...(o.argChoices ? { choices: o.argChoices } : {}),
    repeatable: Array.isArray(o.defaultValue),
  };
}

function commandRef(cmd: Command, path: string[], sink: string[]): CommandRef {
  const help = cmd.createHelp();
  help.helpWidth = 120; // fixed, so the generated files do not depend on the terminal that made them
  const own = help.formatHelp(cmd, help);
  sink.length = 0;
  cmd.configureHelp({ helpWidth: 120 });
  cmd.outputHelp();
  const whole = sink.join('');
  return {
    path,
    usage: ['tune', ...path, cmd.usage()].join(' '),
    description: cmd.description(),
    options: help.visibleOptions(cmd).map((o) => optionRef(help, o)),
    args: cmd.registeredArguments.map((a) => ({ name: a.name(), required: a.required })),
    ...(cmd.version() ? { version: cmd.version() } : {}),
    after: whole.startsWith(own) ? whole.slice(own.length).replace(/^\n+/, '') : '',
    help: whole,
    subcommands: help
      .visibleCommands(cmd)
      .filter((c) => c.name() !== 'help')
      .map((c) => commandRef(c, [...path, c.name()], sink)),
  };
}

/** The visible command tree (the hidden internal `watchdog` is left out, as from --help). */
export function readCommandTree(): CommandRef {
  const sink: string[] = [];
  return commandRef(quietProgram(sink), [], sink);
}

/** Every command in the tree, depth first, the program itself first. */
export const allCommands = (c: CommandRef): CommandRef[] => [c, ...c.subcommands.flatMap(allCommands)];
