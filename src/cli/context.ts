// Side effects enter through one small context, with real defaults; tests run the built binary with their own env.
import fs = require('node:fs');
import { terminalSafe } from '../core/terminal-safe.js';
import { ansiStyle, plainStyle, type Style } from '../core/text-style.js';

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
 * stream stack (a measurable share of start-up); EAGAIN on a non-blocking pipe is retried.
 */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length;) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return;
      throw e;
    }
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

/** The real context: colours only on a terminal and when NO_COLOR is unset or empty. */
export function processContext(): CliContext {
  const env = process.env;
  const terminal = isTerminal(1);
  const color = terminal && !env.NO_COLOR;
  return {
    // Every byte of human output passes one filter (JSON already escapes control characters).
    out: (t) => writeAll(1, terminalSafe(t)),
    err: (t) => writeAll(2, terminalSafe(t)),
    style: color ? ansiStyle : plainStyle,
    env,
    now: () => new Date(),
    root: (flag) => flag ?? (env.TUNE_ROOT || '/'),
    isTerminal: terminal,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
