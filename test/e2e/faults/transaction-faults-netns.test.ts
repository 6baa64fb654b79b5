// Faults inside a transaction, on the real kernel in the sandbox: a write the kernel takes but reads back differently
// is undone; a kill between the temporary file and the rename leaves residue that the next transaction clears.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { SANDBOX, TUNE_BIN } from '../../helpers/repo.js';

const skip = process.getuid?.() !== 0 && 'needs root (unshare)';

function inSandbox(body: string): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-faults-'));
  const driver = path.join(dir, 'driver.js');
  fs.writeFileSync(
    driver,
    `const { spawnSync } = require('child_process');
const fs = require('fs');
const tune = (args, env = {}) => { const r = spawnSync(process.execPath, [${JSON.stringify(TUNE_BIN)}, ...args], { encoding: 'utf8', env: { ...process.env, ...env } }); return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }; };
const read = (k) => fs.readFileSync('/proc/sys/' + k.replace(/\\./g, '/'), 'utf8').trim().replace(/\\s+/g, ' ');
const out = {};
${body}
process.stdout.write(JSON.stringify(out));`,
  );
  try {
    const r = spawnSync(SANDBOX, [process.execPath, driver], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a key the kernel reads back differently is restored on abort, like every other key', { skip }, () => {
  const r = inSandbox(`
    fs.writeFileSync('/proc/sys/net/ipv4/ping_group_range', '0 10');
    out.before = [read('net.ipv4.ping_group_range'), read('net.core.somaxconn')];
    out.apply = tune(['apply', '--set', 'net.ipv4.ping_group_range=5 2', '--set', 'net.core.somaxconn=1111', '--yes']);
    out.after = [read('net.ipv4.ping_group_range'), read('net.core.somaxconn')];
    out.file = fs.existsSync('/etc/sysctl.d/99-tune.conf');
  `);
  const apply = r.apply as { status: number; stderr: string };
  assert.equal(apply.status, 1);
  assert.match(apply.stderr, /the kernel reads back "1 0"; nothing was changed/, 'tokens, never a raw tab');
  assert.deepEqual(r.after, r.before, 'ping_group_range is back at 0 10, somaxconn untouched');
  assert.equal(r.file, false);
});

test('a kill between the temporary file and the rename leaves residue the next transaction removes', { skip }, () => {
  const r = inSandbox(`
    out.crash = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes'], { TUNE_CRASH_AT: 'temporary' });
    out.residue = fs.readdirSync('/etc/sysctl.d');
    out.recover = tune(['recover']);
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=6000', '--yes']);
    out.after = fs.readdirSync('/etc/sysctl.d');
    out.value = read('net.core.somaxconn');
  `);
  assert.equal((r.crash as { signal: string }).signal, 'SIGKILL');
  assert.ok(
    (r.residue as string[]).some((n) => /^\.99-tune\.conf\.tune-\d+\.tmp$/.test(n)),
    `the kill left its temporary file: ${JSON.stringify(r.residue)}`,
  );
  assert.match((r.recover as { stdout: string }).stdout, /^Recovered interrupted transaction/);
  assert.equal((r.apply as { status: number }).status, 0, JSON.stringify(r.apply));
  assert.deepEqual(r.after, ['99-tune.conf'], 'only the owned file remains');
  assert.equal(r.value, '6000');
});
