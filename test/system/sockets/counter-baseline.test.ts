// The last run's counters under /run/tune: kept atomically, read back as a window; anything odd is a note, never a
// crash, and nothing is written through a symlink or into a directory others can write.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readBaseline, writeBaseline } from '../../../src/system/sockets/counter-baseline.js';

const scope = { bootId: 'b1', netns: 'net:[1]' };
const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 3, 0, s));

test('a kept sample is the next run window; other boots, namespaces and junk are ignored with a note', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-baseline-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'run');
  const file = path.join(dir, 'counters.json');
  assert.match(readBaseline(dir, scope, at(0)).note ?? '', /^first run: /);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o755);
  assert.equal(writeBaseline(dir, scope, at(0), { TcpExt: { ListenOverflows: 5, Other: 1 } }), null);
  assert.equal(fs.statSync(file).mode & 0o777, 0o644);
  assert.deepEqual(readBaseline(dir, scope, at(30)), {
    source: 'last-run',
    seconds: 30,
    since: at(0).toISOString(),
    counters: { TcpExt: { ListenOverflows: 5 } },
    note: null,
  });
  assert.match(readBaseline(dir, { ...scope, bootId: 'b2' }, at(30)).note ?? '', /another boot or network namespace/);
  for (const [junk, why] of [
    ['{', 'not JSON'],
    ['[]', 'not a tune counters file (version)'],
    ['{"version":1,"takenAt":"x","bootId":"b1","netns":"net:[1]","counters":{}}', 'no valid takenAt'],
    [
      `{"version":1,"takenAt":"${at(0).toISOString()}","bootId":"b1","netns":"net:[1]","counters":{"TcpExt":{"ListenOverflows":-1}}}`,
      'bad value for TcpExt.ListenOverflows',
    ],
  ]) {
    fs.writeFileSync(file, junk!);
    const w = readBaseline(dir, scope, at(1));
    assert.deepEqual([w.source, w.note], ['none', `ignored ${file}: ${why}`]);
  }
  // A planted symlink is neither read nor written through.
  fs.rmSync(file);
  const target = path.join(root, 'target');
  fs.writeFileSync(target, 'keep');
  fs.symlinkSync(target, file);
  assert.equal(readBaseline(dir, scope, at(1)).note, `ignored ${file}: a symlink`);
  assert.match(writeBaseline(dir, scope, at(1), {}) ?? '', /^could not keep the counters in /);
  assert.equal(fs.readFileSync(target, 'utf8'), 'keep');
  // A directory others can write is not trusted.
  fs.rmSync(file);
  fs.chmodSync(dir, 0o777);
  assert.match(readBaseline(dir, scope, at(1)).note ?? '', /is writable by others \(mode 777\)/);
  assert.match(writeBaseline(dir, scope, at(1), {}) ?? '', /is writable by others/);
  assert.ok(!fs.existsSync(file));
});
