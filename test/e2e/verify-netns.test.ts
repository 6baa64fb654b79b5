// tune verify against the real kernel inside a private network namespace (scripts/netns-sandbox): runtime drift and
// a later sysctl.d file that wins at boot are both named; --json carries the same per-key fields. The last test
// runs without root against a fixture tree (--root).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { withFixture } from '../helpers/fixture-root.js';
import { runTune, SANDBOX, TUNE_BIN } from '../helpers/repo.js';

const isRoot = process.getuid?.() === 0;

const PRELUDE = `
const { spawnSync } = require('child_process');
const fs = require('fs');
const BIN = ${JSON.stringify(TUNE_BIN)};
const tune = (args) => { const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' }); return { status: r.status, stdout: r.stdout, stderr: r.stderr }; };
const out = {};
`;

function inSandbox(body: string): Record<string, unknown> {
  const driver = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tune-e2e-')), 'driver.js');
  fs.writeFileSync(driver, `${PRELUDE}\n(async () => {\n${body}\nprocess.stdout.write(JSON.stringify(out));\n})();\n`);
  try {
    const r = spawnSync(SANDBOX, [process.execPath, driver], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } finally {
    fs.rmSync(path.dirname(driver), { recursive: true, force: true });
  }
}

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const OWNED = '/etc/sysctl.d/99-tune.conf';

test(
  'verify: 0 after apply; 3 naming runtime drift; 3 naming a later file that wins at boot; --json per key',
  { skip: !isRoot && 'needs root (unshare)' },
  () => {
    const r = inSandbox(`
    out.none = tune(['verify']);
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=5000', '--set', 'net.ipv4.tcp_tw_reuse=1', '--yes']);
    out.file = fs.readFileSync('${OWNED}', 'utf8');
    out.agree = tune(['verify']);
    fs.writeFileSync('/proc/sys/net/core/somaxconn', '1234');
    out.runtime = tune(['verify']);
    fs.writeFileSync('/etc/sysctl.d/99-zz.conf', '# a site override\\nnet.ipv4.tcp_tw_reuse = 2\\n');
    out.shadowed = tune(['verify']);
    out.json = tune(['verify', '--json']);
  `);
    const none = r.none as Run;
    assert.equal(none.status, 0, JSON.stringify(none));
    assert.equal(none.stdout, `nothing to verify: ${OWNED} does not exist\n`);
    assert.equal((r.apply as Run).status, 0, JSON.stringify(r.apply));

    const lines = String(r.file).split('\n');
    const somaxconnLine = lines.indexOf('net.core.somaxconn = 5000') + 1;
    const reuseLine = lines.indexOf('net.ipv4.tcp_tw_reuse = 1') + 1;
    assert.ok(somaxconnLine > 0 && reuseLine > 0, String(r.file));

    const agree = r.agree as Run;
    assert.equal(agree.status, 0, JSON.stringify(agree));
    assert.match(agree.stdout, /^KEY +FILE +RUNTIME +BOOT \(systemd\) +BOOT \(procps\)$/m);
    assert.match(agree.stdout, /^net\.core\.somaxconn +5000 +5000 +5000 @99-tune\.conf:\d+ +5000 @99-tune\.conf:\d+$/m);
    assert.match(agree.stdout, /All 2 key\(s\) agree/);

    const runtime = r.runtime as Run;
    assert.equal(runtime.status, 3, JSON.stringify(runtime));
    assert.ok(
      runtime.stdout.includes(
        `net.core.somaxconn: runtime 1234, ${OWNED}:${somaxconnLine} sets 5000, at boot ${OWNED}:${somaxconnLine} wins with 5000 (systemd and procps)\n`,
      ),
      runtime.stdout,
    );
    assert.doesNotMatch(runtime.stdout, /^net\.ipv4\.tcp_tw_reuse:/m, 'tcp_tw_reuse still agrees');
    assert.match(runtime.stdout, /1 of 2 key\(s\) differ/);

    const shadowed = r.shadowed as Run;
    assert.equal(shadowed.status, 3, JSON.stringify(shadowed));
    assert.ok(
      shadowed.stdout.includes(
        `net.ipv4.tcp_tw_reuse: runtime 1, ${OWNED}:${reuseLine} sets 1, at boot /etc/sysctl.d/99-zz.conf:2 wins with 2 (systemd and procps)\n`,
      ),
      shadowed.stdout,
    );
    assert.match(shadowed.stdout, /^net\.core\.somaxconn: runtime 1234, /m);
    assert.match(shadowed.stdout, /2 of 2 key\(s\) differ/);

    const json = r.json as Run;
    assert.equal(json.status, 3);
    const report = JSON.parse(json.stdout) as {
      file: string;
      exists: boolean;
      agree: boolean;
      keys: Record<string, unknown>[];
    };
    assert.equal(report.file, OWNED);
    assert.equal(report.exists, true);
    assert.equal(report.agree, false);
    assert.deepEqual(report.keys, [
      {
        key: 'net.core.somaxconn',
        line: somaxconnLine,
        fileValue: '5000',
        runtime: '1234',
        runtimeState: 'ok',
        boot: {
          systemd: { value: '5000', file: OWNED, line: somaxconnLine },
          procps: { value: '5000', file: OWNED, line: somaxconnLine },
        },
        agree: false,
        problems: ['runtime is 1234, the file sets 5000'],
      },
      {
        key: 'net.ipv4.tcp_tw_reuse',
        line: reuseLine,
        fileValue: '1',
        runtime: '1',
        runtimeState: 'ok',
        boot: {
          systemd: { value: '2', file: '/etc/sysctl.d/99-zz.conf', line: 2 },
          procps: { value: '2', file: '/etc/sysctl.d/99-zz.conf', line: 2 },
        },
        agree: false,
        problems: ['systemd: /etc/sysctl.d/99-zz.conf:2 wins with 2', 'procps: /etc/sysctl.d/99-zz.conf:2 wins with 2'],
      },
    ]);
  },
);

test('verify under --root (no root needed): exit codes 0, 3, 2 and 1, one-line errors, documented in --help', () => {
  const spec = {
    release: '6.8.0-50-generic',
    sysctl: { 'net.core.somaxconn': '4096', 'net.ipv4.ip_local_port_range': '32768\t60999' },
    files: { [OWNED]: 'net.core.somaxconn = 4096\nnet.ipv4.ip_local_port_range = 32768 60999\n' },
  };
  withFixture(spec, (root) => {
    const ok = runTune(['verify', '--root', root]);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(
      ok.stdout,
      /^net\.ipv4\.ip_local_port_range +32768 60999 +32768 60999 +32768 60999 @99-tune\.conf:2 /m,
    );
    assert.doesNotMatch(ok.stdout, /\t/, 'values are shown as tokens, never raw tabs');

    fs.writeFileSync(path.join(root, 'etc/sysctl.conf'), 'net.core.somaxconn = 128\n');
    const procps = runTune(['verify', '--root', root]);
    assert.equal(procps.status, 3);
    assert.ok(
      procps.stdout.includes(
        `net.core.somaxconn: runtime 4096, ${OWNED}:1 sets 4096, at boot ${OWNED}:1 wins with 4096 (systemd), /etc/sysctl.conf:1 wins with 128 (procps)\n`,
      ),
      procps.stdout,
    );

    const missing = runTune(['verify', '--root', root, '--file', '/etc/sysctl.d/50-none.conf', '--json']);
    assert.equal(missing.status, 0);
    assert.deepEqual(JSON.parse(missing.stdout).keys, []);

    fs.mkdirSync(path.join(root, 'etc/sysctl.d/dir.conf'));
    const unreadable = runTune(['verify', '--root', root, '--file', '/etc/sysctl.d/dir.conf']);
    assert.equal(unreadable.status, 1);
    assert.match(unreadable.stderr, /^\/etc\/sysctl\.d\/dir\.conf: is not a regular file \(a directory\); [^\n]*\n$/);
  });

  for (const file of ['relative/path', '/etc/sysctl.d/../x.conf']) {
    const bad = runTune(['verify', '--file', file]);
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, `tune: --file must be an absolute path without "..", got "${file}"\n`);
  }

  const help = runTune(['verify', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^ {2}3 {2}something differs/m);
  assert.doesNotMatch(help.stdout, /changes pending/, "plan's exit codes are not verify's");
});
