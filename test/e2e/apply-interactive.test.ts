// The interactive apply through a real pseudo-terminal (tmux): choose, acknowledge, confirm, or Ctrl-C anywhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { SANDBOX, TUNE_BIN } from '../helpers/repo.js';

const isRoot = process.getuid?.() === 0;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const skip =
  (!isRoot && 'needs root (unshare)') || (!hasTmux && 'tmux is missing (scripts/install-test-tools installs it)');

const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `inner` (a shell command) inside the sandbox in a tmux pane; `steps` wait for text, then send keys. */
async function onTerminal(inner: string, steps: { waitFor: RegExp; keys: string[] }[]): Promise<string> {
  const session = `tune-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  // Single quotes: everything, $(...) included, must run inside the sandbox, not in tmux's own shell.
  const script = `${inner}; echo "EXIT=$?"; echo "VALUES $(cat /proc/sys/net/core/somaxconn) $(cat /proc/sys/net/ipv4/tcp_fin_timeout) $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog) FILE=$(test -e /etc/sysctl.d/99-tune.conf && echo yes || echo no)"; sleep 30`;
  const cmd = `${SANDBOX} bash -c '${script.replace(/'/g, `'\\''`)}'`;
  assert.equal(tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '60', cmd).status, 0);
  const screen = () => tmux('capture-pane', '-p', '-t', session, '-S', '-200').stdout;
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 150; i++) {
      const s = screen();
      if (re.test(s)) return s;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${re}; screen:\n${screen()}`);
  };
  try {
    for (const step of steps) {
      await waitFor(step.waitFor);
      for (const k of step.keys) {
        tmux('send-keys', '-t', session, k);
        await sleep(150);
      }
    }
    return await waitFor(/VALUES .* FILE=/);
  } finally {
    tmux('kill-session', '-t', session);
  }
}

const APPLY = `node ${TUNE_BIN} apply --set net.core.somaxconn=5000 --set net.ipv4.tcp_fin_timeout=30 --set net.ipv4.tcp_max_syn_backlog=4096`;

test('interactive apply: deselect a change, acknowledge a warning, confirm', { skip }, async () => {
  const out = await onTerminal(APPLY, [
    { waitFor: /Changes to apply/, keys: ['Down', 'Space', 'Enter'] },
    { waitFor: /SYN_BACKLOG_WITH_SYNCOOKIES.*Apply anyway\?/s, keys: ['y', 'Enter'] },
    { waitFor: /Apply 2 change\(s\) and write/, keys: ['y', 'Enter'] },
  ]);
  assert.match(out, /Applied transaction \d{8}T\d{6}Z-\d+: 2 runtime value\(s\) set and verified/);
  assert.match(out, /EXIT=0/);
  assert.match(out, /VALUES 5000 60 4096 FILE=yes/, 'fin_timeout was deselected and stays 60');
});

for (const [at, steps] of [
  ['the change list', [{ waitFor: /Changes to apply/, keys: ['C-c'] }]],
  [
    'a warning',
    [
      { waitFor: /Changes to apply/, keys: ['Enter'] },
      { waitFor: /Apply anyway\?/, keys: ['C-c'] },
    ],
  ],
  [
    'the final confirmation',
    [
      { waitFor: /Changes to apply/, keys: ['Enter'] },
      { waitFor: /Apply anyway\?/, keys: ['y', 'Enter'] },
      { waitFor: /Apply 3 change\(s\)/, keys: ['C-c'] },
    ],
  ],
] as const) {
  test(`Ctrl-C at ${at} changes nothing`, { skip }, async () => {
    const out = await onTerminal(
      APPLY,
      steps.map((s) => ({ waitFor: s.waitFor, keys: [...s.keys] })),
    );
    assert.match(out, /Aborted: nothing changed\./);
    assert.match(out, /EXIT=1/);
    assert.match(out, /VALUES 4096 60 \d+ FILE=no/);
  });
}
