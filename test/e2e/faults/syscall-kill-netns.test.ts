// Kill at every syscall: scripts/fault-matrix.mjs numbers every syscall of tune's main thread that touches
// /etc/sysctl.d, /var/lib/tune or /proc/sys (openat, write, fsync, rename, unlink, mkdir and their variants), then
// SIGKILLs tune right there with `strace -e inject=SC:signal=KILL:when=N` and checks, after `tune recover`: values and
// every file in /etc/sysctl.d exactly the old or exactly the new state, `tune history` saying which, and a following
// apply + rollback working. CI runs every point of apply under the lock, every third of rollback (of a committed
// apply), every other of recover (of an interrupted apply) and every fourth planning read before the lock; `node
// scripts/fault-matrix.mjs` runs them all, and reset too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFaultMatrix } from '../../helpers/fault-matrix.js';
import { skipUnlessStrace } from '../../helpers/strace-trace.js';

const CI_SUBSET =
  '--kill --scenario apply,rollback,recover --stride rollback=3,recover=2 --unlocked-stride 4 --follow-up distinct'.split(
    ' ',
  );

test(
  'a SIGKILL at any syscall of apply, rollback or recover leaves the old or the new state',
  { skip: skipUnlessStrace },
  (t) => {
    const r = runFaultMatrix(CI_SUBSET, 480_000); // a hang guard: the subset takes 45-170 s depending on load;
    for (const [name, s] of Object.entries(r.scenarios))
      t.diagnostic(
        `${name}: ${s.killPoints} kill points ${JSON.stringify(s.killPointsBySyscall)}, ${s.killPointsUnderLock} under ` +
          `the lock; ran ${s.killsRun}: ${s.killOutcomes.old} old, ${s.killOutcomes.new} new; follow-ups ` +
          `${s.followUps.run} (+${s.followUps.skipped} same state); ${(s.ms / 1000).toFixed(1)} s`,
      );
    t.diagnostic(`${r.ms} ms; ${r.retries.length} retried; known: ${r.known.join('; ') || 'none'}`);
    assert.deepEqual(r.problems, []);
    const { apply, rollback, recover } = r.scenarios;
    assert.ok(apply && rollback && recover, 'three scenarios');
    // Every point of apply under the lock ran; the numbering found each step of the transaction.
    assert.ok(apply.killsRun >= apply.killPointsUnderLock && apply.killPointsUnderLock >= 40, JSON.stringify(apply));
    for (const step of [
      'openat /var/lib/tune/lock',
      'mkdir /var/lib/tune/transactions/ID',
      'write /var/lib/tune/transactions/ID/backup.json',
      'fsync /var/lib/tune/transactions/ID/journal',
      'write /proc/sys/net/ipv4/tcp_max_tw_buckets',
      'write /etc/sysctl.d/.99-tune.conf.tune-PID.tmp',
      'rename /etc/sysctl.d/.99-tune.conf.tune-PID.tmp /etc/sysctl.d/99-tune.conf',
      'fsync /etc/sysctl.d',
    ])
      assert.ok(
        apply.points.some((p) => p.endsWith(` ${step}`)),
        `apply's points include ${step}: ${apply.points.join(', ')}`,
      );
    assert.ok(!apply.points.some((p) => p.endsWith(' unlink /var/lib/tune/lock')), 'the lock file is never unlinked');
    assert.ok(
      recover.points.some((p) => p.endsWith(' unlink /etc/sysctl.d/99-tune.conf')),
      'recover removes the file',
    );
    // Kills before the commit record leave the old state, kills after it the new one: both were seen.
    for (const s of [apply, rollback]) assert.ok(s.killOutcomes.old > 0 && s.killOutcomes.new > 0, JSON.stringify(s));
    assert.equal(recover.killOutcomes.new, recover.killsRun, 'a killed recover always ends recovered');
    assert.ok(
      rollback.killsRun >= rollback.killPointsUnderLock / 3 && recover.killsRun >= recover.killPointsUnderLock / 2,
    );
  },
);
