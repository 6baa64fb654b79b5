// Where a transaction acts: the root, the state directory and who is acting.
import os = require('node:os');
import type { HostContext } from '../apply/operations.js';
import { UserError } from '../core/errors.js';
import { DEFAULT_STATE_DIR } from '../system/state/state-dir.js';
import type { CliContext } from './context.js';

/** --state-dir, else TUNE_STATE_DIR, else /var/lib/tune; the user is the sudo caller when there is one. */
export function hostContext(ctx: CliContext, flags: { root?: string; stateDir?: string }): HostContext {
  let user = ctx.env.SUDO_USER || ctx.env.USER || '';
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = String(process.getuid?.() ?? '?');
    }
  }
  // An empty --state-dir would be the current directory: refuse it rather than write there.
  if (flags.stateDir === '') throw new UserError('--state-dir must not be empty (omit it to use TUNE_STATE_DIR)');
  return {
    root: ctx.root(flags.root),
    stateDir: flags.stateDir ?? (ctx.env.TUNE_STATE_DIR || DEFAULT_STATE_DIR),
    now: ctx.now(),
    user,
  };
}
