// Interactive apply, rollback and confirmation through a real terminal (tmux), in the sandbox on the real kernel.
// The promise under test: the bytes written are exactly the last diff shown before the final yes; a host that
// changed during the review is never overwritten from the stale plan; a confirmation prompt never outlives its deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch } from 'diff';
import { TUNE_BIN } from '../helpers/repo.js';
import { hasTmux, lastShownDiff, waitStopped, withTerminal, type Terminal } from '../helpers/terminal.js';

const isRoot = process.getuid?.() === 0;
const skip =
  (!isRoot && 'needs root (unshare)') || (!hasTmux && 'tmux is missing (scripts/install-test-tools installs it)');

const OWNED = '/etc/sysctl.d/99-tune.conf';
const TUNE = `node ${TUNE_BIN}`;
const KEYS = [
  'net.core.somaxconn',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_max_tw_buckets',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.tcp_fin_timeout',
];
const procPath = (k: string) => `/proc/sys/${k.replace(/\./g, '/')}`;

/** Prints the owned file (base64, or ABSENT) and the values of KEYS, tagged, so the test reads them off the screen. */
const report = (tag: string) =>
  `echo "${tag}_FILE=$(base64 -w0 ${OWNED} 2>/dev/null || echo ABSENT)"; echo "${tag}_VALUES=${KEYS.map((k) => `$(tr '\\t' ' ' < ${procPath(k)})`).join('|')}"`;

/** The script: optional setup, the report before, the command under test, its exit code, the report after. */
const script = (command: string, setup = '') =>
  `${setup}\n${report('BEFORE')}\n${command}\necho "EXIT=$?"\n${report('AFTER')}\necho DONE`;

interface Outcome {
  exit: number;
  before: { file: string | null; values: Record<string, string> };
  after: { file: string | null; values: Record<string, string> };
  screen: string;
}

function read(screen: string, tag: string): Outcome['before'] {
  const file = new RegExp(`^${tag}_FILE=(.*)$`, 'm').exec(screen)?.[1] ?? '';
  const values = (new RegExp(`^${tag}_VALUES=(.*)$`, 'm').exec(screen)?.[1] ?? '').split('|');
  return {
    file: file === 'ABSENT' ? null : Buffer.from(file, 'base64').toString('utf8'),
    values: Object.fromEntries(KEYS.map((k, i) => [k, values[i] ?? ''])),
  };
}

async function finish(t: Terminal): Promise<Outcome> {
  const screen = await t.waitFor(/^DONE$/m);
  return {
    exit: Number(/^EXIT=(\d+)$/m.exec(screen)?.[1]),
    before: read(screen, 'BEFORE'),
    after: read(screen, 'AFTER'),
    screen,
  };
}

/** The invariant: the file now holds exactly the last diff shown, applied to the file before. */
function assertWrittenAsShown(o: Outcome): void {
  const patch = lastShownDiff(o.screen.slice(0, o.screen.indexOf('EXIT=')), OWNED);
  const expected = patch === '' ? o.before.file : applyPatch(o.before.file ?? '', patch);
  assert.notEqual(expected, false, `the diff on screen applies to the file before:\n${patch}`);
  assert.equal(o.after.file, expected, 'the written bytes are the last diff shown before the final yes');
}

const assignments = (file: string | null) => (file ?? '').split('\n').filter((l) => /^[a-z].* = /.test(l));

const FINAL = /Set \d+ runtime value\(s\) and (write|leave) .*\? \(y\/N\)/;

test('interactive apply, accept all: the file written is the diff shown', { skip }, async () => {
  await withTerminal(script(`${TUNE} apply -p short-connection-api`), async (t) => {
    await t.waitFor(/Changes to apply/);
    await t.keys('Enter');
    await t.waitFor(FINAL);
    await t.keys('y', 'Enter');
    const o = await finish(t);
    assert.equal(o.exit, 0, o.screen);
    assertWrittenAsShown(o);
    assert.equal(assignments(o.after.file).length, 5, 'all five keys, the unchanged tcp_timestamps included');
    assert.equal(o.after.values['net.core.somaxconn'], '8192');
  });
});

test('interactive apply, deselect one: that key keeps its runtime value and gets no line', { skip }, async () => {
  await withTerminal(script(`${TUNE} apply -p short-connection-api`), async (t) => {
    await t.waitFor(/Changes to apply/);
    await t.keys('Space', 'Enter'); // the first change is net.core.somaxconn
    await t.waitFor(/Review: this is exactly what will be done/);
    await t.waitFor(FINAL);
    await t.keys('y', 'Enter');
    const o = await finish(t);
    assert.equal(o.exit, 0, o.screen);
    assertWrittenAsShown(o);
    assert.equal(o.after.values['net.core.somaxconn'], o.before.values['net.core.somaxconn']);
    assert.equal(o.after.values['net.ipv4.tcp_tw_reuse'], '1');
    assert.deepEqual(
      assignments(o.after.file).map((l) => l.split(' ')[0]),
      [
        'net.ipv4.ip_local_port_range',
        'net.ipv4.tcp_max_tw_buckets',
        'net.ipv4.tcp_timestamps',
        'net.ipv4.tcp_tw_reuse',
      ],
      'four keys: the same key (tcp_timestamps) stays',
    );
  });
});

test('interactive apply, deselect all: no runtime change, the file keeps the unchanged keys', { skip }, async () => {
  await withTerminal(script(`${TUNE} apply -p short-connection-api`), async (t) => {
    await t.waitFor(/Changes to apply/);
    await t.keys('a', 'Enter'); // "a" toggles all: every change off
    await t.waitFor(/1 unchanged, 4 skipped at review/);
    await t.waitFor(/Set 0 runtime value\(s\) and write /);
    await t.keys('y', 'Enter');
    const o = await finish(t);
    assert.equal(o.exit, 0, o.screen);
    assertWrittenAsShown(o);
    assert.deepEqual(o.after.values, o.before.values, 'no runtime value changed');
    assert.deepEqual(assignments(o.after.file), ['net.ipv4.tcp_timestamps = 1']);
  });
});

test('interactive apply after an earlier apply: deselecting the one change keeps every line', { skip }, async () => {
  const setup = `${TUNE} apply -p short-connection-api --set net.core.somaxconn=5000 --yes > /dev/null`;
  await withTerminal(script(`${TUNE} apply -p short-connection-api`, setup), async (t) => {
    await t.waitFor(/Changes to apply/);
    await t.keys('Space', 'Enter'); // the only change: somaxconn 5000 -> 8192
    await t.waitFor(FINAL);
    await t.keys('y', 'Enter');
    const o = await finish(t);
    assert.equal(o.exit, 0, o.screen);
    assertWrittenAsShown(o);
    assert.equal(o.after.values['net.core.somaxconn'], '5000');
    assert.equal(assignments(o.after.file).length, 5, 'keys an earlier apply persisted stay in the file');
    assert.match(o.after.file ?? '', /^net\.core\.somaxconn = 5000$/m, 'the deselected key keeps its current line');
  });
});

test('a warning is acknowledged per change; declining it deselects only that change', { skip }, async () => {
  const cmd = `${TUNE} apply --set net.core.somaxconn=5000 --set net.ipv4.tcp_fin_timeout=30 --set net.ipv4.tcp_max_syn_backlog=4096`;
  await withTerminal(script(cmd), async (t) => {
    await t.waitFor(/Changes to apply/);
    await t.keys('Enter');
    await t.waitFor(/SYN_BACKLOG_WITH_SYNCOOKIES.*Apply anyway\?/s);
    await t.keys('n', 'Enter');
    await t.waitFor(/Set 2 runtime value\(s\)/);
    await t.keys('y', 'Enter');
    const o = await finish(t);
    assert.equal(o.exit, 0, o.screen);
    assertWrittenAsShown(o);
    assert.doesNotMatch(o.after.file ?? '', /^net\.ipv4\.tcp_max_syn_backlog/m);
    assert.equal(o.after.values['net.ipv4.tcp_fin_timeout'], '30');
  });
});

for (const [at, keys] of [
  ['the change list', [['Changes to apply', 'C-c']]],
  [
    'the final confirmation',
    [
      ['Changes to apply', 'Enter'],
      [FINAL.source, 'C-c'],
    ],
  ],
] as const) {
  test(`Ctrl-C at ${at} changes nothing`, { skip }, async () => {
    await withTerminal(script(`${TUNE} apply -p short-connection-api`), async (t) => {
      for (const [wait, key] of keys) {
        await t.waitFor(new RegExp(wait));
        await t.keys(key);
      }
      const o = await finish(t);
      assert.match(o.screen, /Aborted: nothing changed\./);
      assert.equal(o.exit, 1);
      assert.deepEqual(o.after, o.before);
    });
  });
}

test(
  'a planned key changed while the review waits: nothing is written, the new state is shown and asked again',
  { skip },
  async () => {
    await withTerminal(script(`${TUNE} apply -p short-connection-api`), async (t) => {
      await t.waitFor(/Changes to apply/);
      t.inside('echo 3333 > /proc/sys/net/core/somaxconn');
      await t.keys('Enter');
      await t.waitFor(FINAL);
      await t.keys('y', 'Enter');
      const s = await t.waitFor(/The host changed while you reviewed \(net\.core\.somaxconn\): nothing was written/);
      const from = t.screen().length - 1;
      await t.waitFor(/net\.core\.somaxconn: 3333 -> 8192/, { from: t.screen().indexOf('The host changed') });
      assert.ok(s.length > 0 && from > 0);
      await t.keys('C-c');
      const o = await finish(t);
      assert.equal(o.exit, 1);
      assert.equal(o.after.file, null, 'nothing written from the stale plan');
      assert.equal(o.after.values['net.core.somaxconn'], '3333');
    });
  },
);

test(
  'a change between the final yes and the lock (a slow operator): the re-review is what gets written',
  { skip },
  async () => {
    const cmd = `TUNE_STOP_AT=before-lock ${TUNE} apply -p short-connection-api`;
    await withTerminal(script(cmd), async (t) => {
      await t.waitFor(/Changes to apply/);
      await t.keys('Enter');
      await t.waitFor(FINAL);
      await t.keys('y', 'Enter');
      const pid = await (async () => {
        for (let i = 0; i < 100; i++) {
          const p = t.pidOf('tune.cjs apply');
          if (p) return p;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error('apply process not found');
      })();
      await waitStopped(pid);
      t.inside('echo 3333 > /proc/sys/net/core/somaxconn');
      process.kill(pid, 'SIGCONT');
      const mark = t.screen().length;
      await t.waitFor(/The host changed while you reviewed \(net\.core\.somaxconn\)/);
      await t.waitFor(/Changes to apply/, { from: t.screen().indexOf('The host changed') });
      await t.keys('Enter');
      await t.waitFor(FINAL, { from: t.screen().indexOf('The host changed') });
      await t.keys('y', 'Enter');
      await waitStopped(pid); // stops again before the lock: nothing changes this time
      process.kill(pid, 'SIGCONT');
      const o = await finish(t);
      assert.ok(mark > 0);
      assert.equal(o.exit, 0, o.screen);
      assertWrittenAsShown(o);
      assert.equal(o.after.values['net.core.somaxconn'], '8192');
      assert.match(o.screen, /net\.core\.somaxconn\s+3333\s/, 'the second review showed the new value');
    });
  },
);

test(
  '--confirm-within on a terminal: the question ends at the deadline, says so, and a late confirm fails',
  { skip },
  async () => {
    const cmd = `${TUNE} apply --set net.core.somaxconn=5000 --yes --confirm-within 2`;
    const after = `${TUNE} confirm; echo "CONFIRM_EXIT=$?"`;
    await withTerminal(script(`${cmd}; e=$?; ${after}; (exit $e)`), async (t) => {
      await t.waitFor(/Keep the change\?/);
      const o = await finish(t);
      assert.match(o.screen, /No answer before the deadline: transaction \S+ was rolled back as transaction \S+/);
      assert.equal(o.exit, 1, 'the change did not stay');
      assert.match(o.screen, /too late: the confirmation deadline of transaction \S+ passed/);
      assert.match(o.screen, /^CONFIRM_EXIT=1$/m);
      assert.deepEqual(o.after, o.before, 'the old state');
    });
  },
);

test('--confirm-within on a terminal: yes in time keeps the change', { skip }, async () => {
  const cmd = `${TUNE} apply --set net.core.somaxconn=5000 --yes --confirm-within 30`;
  await withTerminal(script(cmd), async (t) => {
    await t.waitFor(/Keep the change\?/);
    await t.keys('y', 'Enter');
    const o = await finish(t);
    assert.equal(o.exit, 0, o.screen);
    assert.match(o.screen, /Confirmed transaction \S+: the change stays/);
    assert.equal(o.after.values['net.core.somaxconn'], '5000');
  });
});

test('interactive rollback previews every transaction it undoes and asks', { skip }, async () => {
  const setup = [
    `${TUNE} apply --set net.core.somaxconn=5000 --yes > /dev/null`,
    `${TUNE} apply --set net.ipv4.tcp_fin_timeout=30 --yes > /dev/null`,
    `FIRST=$(${TUNE} history --json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0))[0].id)')`,
    report('START'),
  ].join('\n');
  const pre = `${TUNE} rollback --yes > /dev/null; ${TUNE} rollback --yes > /dev/null`; // undo both, one at a time
  void pre;
  await withTerminal(script(`${TUNE} rollback "$FIRST"`, setup), async (t) => {
    await t.waitFor(/undoes 2 transaction\(s\), newest first/);
    await t.waitFor(/Roll back\? \(y\/N\)/);
    await t.keys('y', 'Enter');
    const o = await finish(t);
    assert.equal(o.exit, 0, o.screen);
    assert.match(o.screen, /net\.core\.somaxconn: 5000 -> \d+/);
    assert.match(o.screen, /net\.ipv4\.tcp_fin_timeout: 30 -> \d+/);
    assert.equal(o.after.file, null, 'the owned file did not exist before the first transaction');
    assert.notEqual(o.after.values['net.core.somaxconn'], '5000');
    assert.notEqual(o.after.values['net.ipv4.tcp_fin_timeout'], '30');
  });
});
