// A local user's process named with terminal escapes (the name comes from the file it was started as) holds a
// CLOSE_WAIT socket; `tune diagnose` run as root names it, escaped, without sending the bytes to the terminal.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { SANDBOX, TUNE_BIN } from '../helpers/repo.js';

const skip = process.getuid?.() !== 0 && 'needs root (unshare)';
const HOSTILE = '\x1b]2;pwn\x07\x1b[2J';

test('a hostile process name reaches the screen escaped', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-escape-'));
  const link = path.join(dir, HOSTILE);
  fs.symlinkSync(process.execPath, link);
  const driver = path.join(dir, 'driver.js');
  fs.writeFileSync(
    driver,
    `const net = require('net');
const { spawn, spawnSync } = require('child_process');
(async () => {
  const server = net.createServer((s) => s.end()); // the server closes at once: the client side enters CLOSE_WAIT
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const leaker = spawn(${JSON.stringify(link)}, ['-e', \`const c = require('net').connect({ port: \${port}, host: '127.0.0.1', allowHalfOpen: true }); c.on('connect', () => console.log('up')); setTimeout(() => {}, 60000);\`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => leaker.stdout.once('data', r));
  let out;
  for (let i = 0; i < 50; i++) {
    out = spawnSync(process.execPath, [${JSON.stringify(TUNE_BIN)}, 'diagnose', '--source', 'procfs'], { encoding: 'utf8' });
    if (/CLOSE_WAIT/.test(out.stdout)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  leaker.kill('SIGKILL');
  server.close();
  process.stdout.write(JSON.stringify({ status: out.status, stdout: out.stdout, stderr: out.stderr }));
})();`,
  );
  try {
    const r = spawnSync(SANDBOX, [process.execPath, driver], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { status: number; stdout: string; stderr: string };
    assert.match(out.stdout, /CLOSE_WAIT/, out.stdout);
    assert.ok(out.stdout.includes('\\x1b]2;pwn\\x07'), `the name is shown escaped:\n${out.stdout}`);
    assert.ok(!out.stdout.includes('\x1b]') && !out.stdout.includes('\x07'), 'no raw escape reaches the terminal');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
