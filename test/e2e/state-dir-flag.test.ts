// --state-dir is the state directory for everything a command does with state, also the warning every command
// prints when a transaction there was interrupted, and `confirm` of a directory that does not exist creates nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { withFixture } from '../helpers/fixture-root.js';
import { runCli } from '../helpers/hostile.js';
import { KERNEL_PRESETS } from '../helpers/kernel-presets.js';

const SPEC = {
  release: '6.8.0-50-generic',
  sysctl: KERNEL_PRESETS['6.8.0-50-generic'] ?? {},
  files: { '/etc/sysctl.d/10-site.conf': 'net.core.somaxconn = 1024\n' },
};
const INTERRUPTED = /^tune: warning: transaction \S+ was interrupted; run `tune recover`/m;

test('the interrupted-transaction warning reads the state directory given by --state-dir, not the default', () => {
  withFixture(SPEC, (root) => {
    const crashed = path.join(root, 'tmp', 'crashed-state');
    const clean = path.join(root, 'tmp', 'clean-state');
    fs.mkdirSync(clean, { recursive: true, mode: 0o700 });
    const env = { TUNE_ROOT: root };
    const crash = runCli({
      args: ['apply', '--set', 'net.core.somaxconn=5000', '--yes', '--state-dir', crashed],
      env: { ...env, TUNE_CRASH_AT: 'file' },
      cwd: root,
    });
    assert.equal(crash.signal, 'SIGKILL', crash.stderr);

    // The environment names a clean directory; the flag the interrupted one: the flag wins.
    const flagged = runCli({
      args: ['confirm', '--state-dir', crashed],
      env: { ...env, TUNE_STATE_DIR: clean },
      cwd: root,
    });
    assert.match(flagged.stderr, INTERRUPTED);
    const envOnly = runCli({ args: ['confirm'], env: { ...env, TUNE_STATE_DIR: clean }, cwd: root });
    assert.doesNotMatch(envOnly.stderr, INTERRUPTED);
    assert.equal(envOnly.stderr.trim(), 'tune: nothing is waiting for confirmation');
  });
});

test('confirm with a state directory that does not exist says so, exits 1 and creates nothing', () => {
  withFixture(SPEC, (root) => {
    const missing = path.join(root, 'tmp', 'no-such-state');
    const r = runCli({ args: ['confirm', '--state-dir', missing], env: { TUNE_ROOT: root }, cwd: root });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `tune: nothing is waiting for confirmation (no state directory at ${missing})\n`);
    assert.equal(fs.existsSync(missing), false);
  });
});
