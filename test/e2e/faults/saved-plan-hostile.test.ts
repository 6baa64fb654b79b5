// `apply --plan FILE` treats the file as untrusted: crafted plans are refused with one line, and nothing on the host
// (the namespace's values, /etc/sysctl.d, the state directory) changes. Real kernel, in the sandbox.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { SANDBOX, TUNE_BIN } from '../../helpers/repo.js';

const skip = process.getuid?.() !== 0 && 'needs root (unshare)';

/** Each case edits a genuine saved plan (p) in place; `expect` is the exit code. */
const CASES: { name: string; edit: string; expect: number; message: RegExp }[] = [
  {
    name: 'owned path /etc/passwd',
    edit: `p.file.path = '/etc/passwd'`,
    expect: 2,
    message: /tune writes only a NAME\.conf file/,
  },
  {
    name: 'relative owned path',
    edit: `p.file.path = 'etc/sysctl.d/99-tune.conf'`,
    expect: 2,
    message: /--file must be an absolute path/,
  },
  {
    name: 'owned path with ..',
    edit: `p.file.path = '/etc/sysctl.d/../tune/x.conf'`,
    expect: 2,
    message: /without "\.\."/,
  },
  {
    name: 'owned path outside sysctl.d',
    edit: `p.file.path = '/etc/cron.d/x.conf'`,
    expect: 2,
    message: /tune writes only/,
  },
  {
    name: 'content smuggled into file.after',
    edit: `p.file.after += 'kernel.core_pattern = |/tmp/x\\n'`,
    expect: 1,
    message: /not what its changes render/,
  },
  {
    name: 'a target the request does not give',
    edit: `p.changes[0].target = '-5'`,
    expect: 1,
    message: /the plan says change to -5/,
  },
  { name: 'a status flipped', edit: `p.changes[0].status = 'same'`, expect: 1, message: /the plan says same/ },
  {
    name: 'an extra key',
    edit: `p.changes.push({ ...p.changes[0], key: 'kernel.core_pattern', target: '|/tmp/x' })`,
    expect: 1,
    message: /kernel\.core_pattern: in the plan, not in the request/,
  },
  {
    name: 'a key dropped',
    edit: `p.changes.pop()`,
    expect: 1,
    message: /the request sets it, the plan does not list it/,
  },
  {
    name: 'an override with a newline',
    edit: `p.overrides = ['net.core.somaxconn=5000\\nkernel.core_pattern=|/x']`,
    expect: 2,
    message: /newline|not a valid|line/,
  },
  {
    name: 'a null change',
    edit: `p.changes.push(null)`,
    expect: 2,
    message: /changes\[\d+\]: expected an object, got null/,
  },
  { name: 'no changes list', edit: `delete p.changes`, expect: 2, message: /changes: expected a list/ },
  {
    name: 'a number as target',
    edit: `p.changes[0].target = 5`,
    expect: 2,
    message: /changes\[0\]\.target: expected a string/,
  },
  { name: 'an unknown schema', edit: `p.schemaVersion = 99`, expect: 2, message: /schemaVersion is 99/ },
  { name: 'an array', edit: `p = []`, expect: 2, message: /the top level: expected an object, got a list/ },
  { name: 'a request for nothing', edit: `p.overrides = []; p.profiles = []`, expect: 2, message: /requests nothing/ },
  { name: 'an unknown profile', edit: `p.profiles = ['../../etc/shadow']`, expect: 2, message: /./ },
  {
    name: 'an override of a refusal it did not make',
    edit: `p.overrides.push('net.ipv4.tcp_tw_recycle=1'); p.allow = []`,
    expect: 1,
    message: /tcp_tw_recycle/,
  },
];

test('crafted saved plans are refused with one line and change nothing', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-hostile-'));
  const driver = path.join(dir, 'driver.js');
  fs.writeFileSync(
    driver,
    `
const { spawnSync, execSync } = require('child_process');
const fs = require('fs');
const tune = (args) => { const r = spawnSync(process.execPath, [${JSON.stringify(TUNE_BIN)}, ...args], { encoding: 'utf8', cwd: ${JSON.stringify(dir)} }); return { status: r.status, stdout: r.stdout, stderr: r.stderr }; };
const digest = () => execSync("cat /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/tcp_fin_timeout /proc/sys/net/ipv4/tcp_tw_reuse; find /etc/sysctl.d /var/lib/tune -type f -exec sha256sum {} + | sort", { encoding: 'utf8' });
const made = tune(['plan', '--set', 'net.core.somaxconn=5000', '--set', 'net.ipv4.tcp_fin_timeout=30', '--json']);
const good = made.stdout;
const before = digest();
const out = { cases: {} };
for (const c of ${JSON.stringify(CASES.map((c) => ({ name: c.name, edit: c.edit })))}) {
  let p = JSON.parse(good);
  eval(c.edit);
  fs.writeFileSync(${JSON.stringify(path.join(dir, 'plan.json'))}, JSON.stringify(p));
  const r = tune(['apply', '--plan', ${JSON.stringify(path.join(dir, 'plan.json'))}, '--yes']);
  out.cases[c.name] = { ...r, same: digest() === before };
}
out.fifo = (() => { execSync('mkfifo ' + ${JSON.stringify(path.join(dir, 'fifo.json'))}); return tune(['apply', '--plan', ${JSON.stringify(path.join(dir, 'fifo.json'))}, '--yes']); })();
out.genuine = tune(['apply', '--plan', '/dev/stdin', '--yes']);
fs.writeFileSync(${JSON.stringify(path.join(dir, 'plan.json'))}, good);
out.genuine = tune(['apply', '--plan', ${JSON.stringify(path.join(dir, 'plan.json'))}, '--yes']);
out.after = fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim();
process.stdout.write(JSON.stringify(out));
`,
  );
  try {
    const r = spawnSync(SANDBOX, [process.execPath, driver], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      cases: Record<string, { status: number; stderr: string; same: boolean }>;
      fifo: { status: number; stderr: string };
      genuine: { status: number; stderr: string };
      after: string;
    };
    for (const c of CASES) {
      const got = out.cases[c.name];
      assert.ok(got, c.name);
      assert.equal(got.status, c.expect, `${c.name}: ${got.stderr}`);
      assert.match(got.stderr, c.message, c.name);
      assert.equal(got.stderr.trimEnd().split('\n').length, 1, `${c.name}: one line: ${got.stderr}`);
      assert.doesNotMatch(got.stderr, /\n\s+at /, `${c.name}: no stack`);
      assert.ok(got.same, `${c.name}: the namespace's values, /etc/sysctl.d and the state directory are unchanged`);
    }
    assert.equal(out.fifo.status, 2, 'a FIFO as a plan is refused at once, not read forever');
    assert.match(out.fifo.stderr, /not a regular file/);
    assert.equal(out.genuine.status, 0, `the genuine plan still applies: ${out.genuine.stderr}`);
    assert.equal(out.after, '5000');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
