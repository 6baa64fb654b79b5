// Side effects enter through one small context, with real defaults; tests run the built binary with their own env.
import fs = require('node:fs');
import { ReportedFailure, UserError } from '../core/errors.js';
import { terminalSafe } from '../core/text/terminal-safe.js';
import { ansiStyle, plainStyle, type Style } from '../core/text/text-style.js';
import { EXIT } from './exit-codes.js';

export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  style: Style;
  env: NodeJS.ProcessEnv;
  now(): Date;
  /** The host root: --root, else TUNE_ROOT, else /. */
  root(flag?: string): string;
  /** Whether standard output is a terminal (live redraws, colours). */
  isTerminal: boolean;
  sleep(ms: number): Promise<void>;
}

/**
 * Writes all of `text` to a file descriptor. Plain fs writes keep `tune plan` from initialising process.stdout's
 * stream stack (a measurable share of start-up); EAGAIN on a non-blocking pipe is retried. Other errors are thrown.
 */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length;) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
  }
}

/**
 * Standard output is the command's product. When nobody reads it any more (EPIPE: `tune plan | head -1`) the
 * command stops at once, quietly, with 141 as if killed by SIGPIPE (what shells report for `yes | head`); any other
 * write error (ENOSPC on /dev/full, EIO) is one line on stderr and exit 1. Either way nothing after it runs, so an
 * apply whose plan could not be shown never starts its transaction.
 */
export function writeStdout(text: string): void {
  try {
    writeAll(1, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') throw new ReportedFailure(EXIT.BROKEN_PIPE);
    throw new UserError(`cannot write to standard output (${code ?? 'EIO'})`, {}, EXIT.RUNTIME);
  }
}

/** Standard error is where failures are reported: when it cannot be written there is nobody left to tell. */
export function writeStderr(text: string): void {
  try {
    writeAll(2, text);
  } catch {
    /* the exit code still says what happened */
  }
}

function isTerminal(fd: number): boolean {
  try {
    // A terminal is a character device; node:tty would load the net stack just to ask.
    return fs.fstatSync(fd).isCharacterDevice() && !fs.realpathSync(`/proc/self/fd/${fd}`).startsWith('/dev/null');
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The real context: colours only on a terminal and when NO_COLOR is unset or empty. */
export function processContext(): CliContext {
  const env = process.env;
  const terminal = isTerminal(1);
  const color = terminal && !env.NO_COLOR;
  return {
    // Every byte of human output passes one filter (JSON already escapes control characters).
    out: (t) => writeStdout(terminalSafe(t)),
    err: (t) => writeStderr(terminalSafe(t)),
    style: color ? ansiStyle : plainStyle,
    env,
    now: () => new Date(),
    root: (flag) => {
      // An empty --root would resolve every host path against the real root: refuse it rather than guess.
      if (flag === '') throw new UserError('--root must not be empty (omit it to use TUNE_ROOT or /)');
      const root = flag ?? (env.TUNE_ROOT || '/');
      // A mistyped root would read as an empty host: a clean audit, every key absent. Refuse it instead.
      if (!isDirectory(root))
        throw new UserError(`${flag === undefined ? 'TUNE_ROOT' : '--root'} ${root}: not a directory`);
      return root;
    },
    isTerminal: terminal,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
