// Side effects enter through one small context, with real defaults; tests run the built binary with their own env.
import { ansiStyle, plainStyle, type Style } from '../core/text-style.js';

export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  style: Style;
  env: NodeJS.ProcessEnv;
  now(): Date;
  /** The host root: --root, else TUNE_ROOT, else /. */
  root(flag?: string): string;
}

/** The real context: colours only on a TTY and when NO_COLOR is unset or empty. */
export function processContext(): CliContext {
  const env = process.env;
  const color = process.stdout.isTTY === true && !env.NO_COLOR;
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    style: color ? ansiStyle : plainStyle,
    env,
    now: () => new Date(),
    root: (flag) => flag ?? (env.TUNE_ROOT || '/'),
  };
}
