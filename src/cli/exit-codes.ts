// Exit codes, documented in docs/exit-codes.md and every command's --help.

export const EXIT = {
  OK: 0,
  RUNTIME: 1,
  USAGE: 2,
  PENDING: 3,
  /** `tune verify`: runtime, the owned file and boot do not all agree. */
  DIFFERS: 3,
  REFUSED: 4,
  /** Standard output was closed by its reader (EPIPE): stop quietly, as a process killed by SIGPIPE (128 + 13). */
  BROKEN_PIPE: 141,
  /** `tune check` follows the Monitoring Plugins codes: its failures, usage errors included, are UNKNOWN. */
  PLUGIN_UNKNOWN: 3,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success (no changes, or changes without --detailed-exitcode)
  1  runtime error (cannot read the host, I/O failure)
  2  usage error or bad input (bad profile, key or value; the message names file:line: key)
  3  changes pending (only with --detailed-exitcode)
  4  something asked for was refused by a safety rule
  141  standard output closed by its reader (EPIPE): stopped quietly`;

export const VERIFY_EXIT_CODES_HELP = `Exit codes:
  0  every key agrees (or the owned file does not exist: nothing to verify)
  1  runtime error (cannot read the host)
  2  usage error or bad input (e.g. --file not absolute)
  3  something differs: a runtime value, another file winning at boot, or a line verify cannot check
  141  standard output closed by its reader (EPIPE): stopped quietly`;

export const EXPLAIN_EXIT_CODES_HELP = `Exit codes:
  0  the key was explained
  1  runtime error (cannot read the host or the snapshot)
  2  usage error or bad input: an unknown key (with the closest known keys), a malformed key, a bad snapshot
  141  standard output closed by its reader (EPIPE): stopped quietly`;
