// Fault-injection points at step boundaries, for the crash and race tests (never set in production):
// TUNE_CRASH_AT=step kills the process there; TUNE_STOP_AT=step stops it (SIGSTOP) so a test can change the host at
// exactly that moment and then continue it with SIGCONT. Steps: before-lock, locked, backup, begin, runtime:KEY,
// temporary, file, before-commit, commit.

/** Crashes or stops here when a test asked for this step. */
export function testHook(step: string): void {
  if (process.env.TUNE_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
  if (process.env.TUNE_STOP_AT === step) process.kill(process.pid, 'SIGSTOP');
}
