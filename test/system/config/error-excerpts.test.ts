// A parse error names the file and line and quotes at most a short, escaped excerpt, and nothing of a file that is
// clearly not a profile: pointing --profile, include= or --snapshot at a secret (a shadow file, a private key, an
// environment file) must not print it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { EXCERPT_CHARS } from '../../../src/core/text/excerpt.js';
import { makeFixtureRoot } from '../../helpers/fixture-root.js';
import { KERNEL_PRESETS } from '../../helpers/kernel-presets.js';
import { runTune } from '../../helpers/repo.js';

const SECRET = 'S3CRETvalue';
const FIXTURE = { release: '5.15.0-130-generic', sysctl: KERNEL_PRESETS['5.15.0-130-generic'] ?? {} };
const SHADOW = `root:$6$${SECRET}$abcdefghijklmnopqrstuvwxyz0123456789:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n`;
const long = (prefix: string) => prefix + 'x'.repeat(EXCERPT_CHARS) + SECRET;

interface Case {
  name: string;
  /** Files to write in a scratch directory (name -> content); `$DIR` in content is that directory. */
  files: Record<string, string | Buffer>;
  /** The command line; `$DIR` is the scratch directory, `$ROOT` a fixture root. */
  args: string[];
  /** The one line expected on stderr, `$DIR` being the scratch directory. */
  message: RegExp | ((dir: string) => RegExp);
  status?: number;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const CASES: Case[] = [
  {
    name: '--profile names a shadow-like file',
    files: { shadow: SHADOW },
    args: ['plan', '-p', '$DIR/shadow', '--root', '$ROOT'],
    message: (d) =>
      new RegExp(
        `^${esc(d)}/shadow:1: not a profile: expected "key = value" \\(sysctl\\.conf syntax\\) or a \\[section\\]$`,
      ),
  },
  {
    name: 'include = a shadow-like file',
    files: { shadow: SHADOW, 'site.conf': '[main]\ninclude = ./shadow\n' },
    args: ['plan', '-p', '$DIR/site.conf', '--root', '$ROOT'],
    message: (d) => new RegExp(`^${esc(d)}/shadow:1: not a profile`),
  },
  {
    name: '--profile names a private key',
    files: { 'id.conf': `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE${SECRET}AAAA==\n` },
    args: ['plan', '-p', '$DIR/id.conf', '--root', '$ROOT'],
    message: /id\.conf:1: not a profile/,
  },
  {
    name: '--profile names a file whose first line is `name: value=...`',
    files: { 'env.conf': `DB_PASSWORD: ${SECRET}=1\n` },
    args: ['plan', '-p', '$DIR/env.conf', '--root', '$ROOT'],
    message: /env\.conf:1: not a profile/,
  },
  {
    name: '--profile names an environment file (read as a sysctl file): nothing of it is shown',
    files: { 'env.conf': `API_TOKEN=${SECRET}\n` },
    args: ['plan', '-p', '$DIR/env.conf', '--root', '$ROOT'],
    message:
      /env\.conf:1: not a profile: the key does not start with a directory of \/proc\/sys \(net, vm, kernel, fs\.\.\.\)$/,
  },
  {
    name: '--profile names a binary file',
    files: { 'bin.conf': Buffer.concat([Buffer.from('\x7fELF\n\n'), Buffer.from([0, 1, 2]), Buffer.from(SECRET)]) },
    args: ['plan', '-p', '$DIR/bin.conf', '--root', '$ROOT'],
    message: /bin\.conf:3: not a profile \(binary content\)$/,
  },
  {
    name: 'a long line in a profile is cut to an excerpt',
    files: { 'p.conf': `[sysctl]\n${long('no equals sign here ')}\n` },
    args: ['plan', '-p', '$DIR/p.conf', '--root', '$ROOT'],
    message: /p\.conf:2: expected "key = value" or "\[section\]", got "no equals sign here x{20}\.\.\."$/,
  },
  {
    name: 'control characters in a quoted line are escaped',
    files: { 'p.conf': '[sysctl]\n\x1b]0;owned\x07\x1b[2J no equals\n' },
    args: ['plan', '-p', '$DIR/p.conf', '--root', '$ROOT'],
    message: /p\.conf:2: expected .*got "\\x1b\]0;owned\\x07\\x1b\[2J no equals"$/,
  },
  {
    name: 'a long malformed section header is cut',
    files: { 'p.conf': `[main]\n${long('[sect')}\n` },
    args: ['plan', '-p', '$DIR/p.conf', '--root', '$ROOT'],
    message: /p\.conf:2: malformed section header "\[sectx{35}\.\.\."$/,
  },
  {
    name: 'a long >N value is cut',
    files: { 'p.conf': `[sysctl]\nnet.core.somaxconn = >${long('')}\n` },
    args: ['plan', '-p', '$DIR/p.conf', '--root', '$ROOT'],
    message: /p\.conf:2: net\.core\.somaxconn: ">x{39}\.\.\.": the >N \/ <N modifiers take one integer$/,
  },
  {
    name: 'a long duplicate key is cut',
    files: { 'p.conf': `[main]\n${long('k')} = 1\n${long('k')} = 2\n` },
    args: ['plan', '-p', '$DIR/p.conf', '--root', '$ROOT'],
    message: /p\.conf:3: kx{39}\.\.\.: duplicate key \(first set at line 2\)$/,
  },
  {
    name: 'a profile under --root including a shadow-like file inside the root',
    files: {},
    args: ['plan', '-p', 'site', '--root', '$ROOT'],
    message: /etc\/shadow:1: not a profile/,
  },
  {
    name: '--snapshot names a shadow-like file',
    files: { 'snap.json': SHADOW },
    args: ['plan', '--set', 'net.core.somaxconn=4096', '--snapshot', '$DIR/snap.json'],
    message: /snap\.json: not valid JSON \(expected the output of `tune snapshot`\)$/,
  },
  {
    name: '--snapshot with a JSON error names its line (when the parser gives a position)',
    files: { 'snap.json': `{\n  "schemaVersion": 1,\n  "kernel": { "release": "${SECRET}", }\n}\n` },
    args: ['plan', '--set', 'net.core.somaxconn=4096', '--snapshot', '$DIR/snap.json'],
    message: /snap\.json:3: not valid JSON/,
  },
  {
    name: 'apply --plan names a shadow-like file',
    files: { 'plan.json': SHADOW },
    args: ['apply', '--plan', '$DIR/plan.json', '--root', '$ROOT', '--yes', '--state-dir', '$DIR/state'],
    message: /plan\.json: not a tune plan \(the output of `tune plan --json`\): not valid JSON \(syntax error/,
  },
];

for (const c of CASES) {
  test(`error excerpt: ${c.name}`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-excerpt-'));
    const root = makeFixtureRoot(FIXTURE);
    try {
      for (const [name, content] of Object.entries(c.files)) fs.writeFileSync(path.join(dir, name), content);
      fs.mkdirSync(path.join(root, 'etc/tune/profiles'), { recursive: true });
      fs.writeFileSync(path.join(root, 'etc/shadow'), SHADOW);
      fs.writeFileSync(path.join(root, 'etc/tune/profiles/site.conf'), '[main]\ninclude = /etc/shadow\n');
      const r = runTune(c.args.map((a) => a.replace('$DIR', dir).replace('$ROOT', root)));
      assert.equal(r.status, c.status ?? 2, r.stdout + r.stderr);
      const all = r.stdout + r.stderr;
      assert.ok(!all.includes(SECRET), `the secret was echoed:\n${all}`);
      assert.ok(!all.includes('\x1b'), 'no raw escape character reaches the terminal');
      assert.doesNotMatch(all, /\n\s+at /, 'no stack trace');
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line, got:\n${r.stderr}`);
      const message = typeof c.message === 'function' ? c.message(dir) : c.message;
      assert.match(r.stderr.trimEnd(), message);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}
