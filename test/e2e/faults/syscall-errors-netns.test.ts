// Injected errors: scripts/fault-matrix.mjs fails one syscall of tune's main thread at a time, with
// `strace -e inject=SC:error=E:when=N`: ENOSPC and EIO on every write and fsync of tune's files, EROFS and EACCES on
// every openat of /proc/sys, EXDEV on the rename, EACCES on every openat of the state directory and /etc/sysctl.d.
// Each must end with exit 1 and one line naming the file (no stack), the old state intact (after `tune recover` when
// tune asks for it; a failed recover is run again), and the next transaction working. A few failures are harmless
// (exit 0, the new state), each for a reason the script names: a planning read of a key the plan only consults, the
// best-effort listing for stale temporaries, reading the lock back. CI fails every call of apply under the lock with
// one of its errors (taking turns: ENOSPC on one write, EIO on the next), every other call of rollback and recover,
// and every fourth before the lock; `node scripts/fault-matrix.mjs` runs every error on every call, and reset too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFaultMatrix } from '../../helpers/fault-matrix.js';
import { skipUnlessStrace } from '../../helpers/strace-trace.js';

const CI_SUBSET =
  '--errors --alternate-errors --scenario apply,rollback,recover --stride rollback=2,recover=2 --unlocked-stride 4 --follow-up distinct'.split(
    ' ',
  );

test('a failed write, fsync, open or rename is one line, and leaves the old state', { skip: skipUnlessStrace }, (t) => {
  const r = runFaultMatrix(CI_SUBSET, 480_000); // a hang guard: the subset takes 45-170 s depending on load;
  for (const [name, s] of Object.entries(r.scenarios))
    t.diagnostic(
      `${name}: ${s.errorCases} error cases ${JSON.stringify(s.errorCasesBySyscall)}, ${s.errorCasesUnderLock} under ` +
        `the lock; ran ${s.errorsRun}: ${s.errorOutcomes.failed} failed, ${s.errorOutcomes.exit0} exit 0; ` +
        `follow-ups ${s.followUps.run} (+${s.followUps.skipped} same state); ${(s.ms / 1000).toFixed(1)} s`,
    );
  t.diagnostic(`${r.ms} ms; ${r.retries.length} retried; known: ${r.known.join('; ') || 'none'}`);
  assert.deepEqual(r.problems, []);
  const { apply, rollback, recover } = r.scenarios;
  assert.ok(apply && rollback && recover, 'three scenarios');
  assert.ok(apply.errorsRun >= apply.errorCasesUnderLock / 2 && apply.errorCasesUnderLock >= 50, JSON.stringify(apply));
  for (const sc of ['write', 'fsync', 'openat', 'rename'])
    assert.ok((apply.errorCasesBySyscall[sc] ?? 0) > 0, `apply has ${sc} error cases`);
  // The few failures tune survives (exit 0) are each explained by the script; it reports any other as a problem.
  for (const s of [apply, rollback, recover]) for (const l of s.exit0) t.diagnostic(`exit 0: ${l}`);
});
