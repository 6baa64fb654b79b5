// --file naming a file tune did not write: refused without --adopt (exit 2, nothing changed); adopted, it is backed
// up and a rollback restores it byte for byte. tune's default file, when absent, is simply created.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inSandbox, oneLine, skipUnlessRoot as skip, type HostState, type Run } from '../helpers/netns-driver.js';

const DBA = '/etc/sysctl.d/60-dba.conf';
const DBA_TEXT = '# by hand, DBA team\r\nkernel.shmmax = 68719476736\nnet.core.somaxconn=2048   \n\n; end';

test('a hand-made file needs --adopt; adopted, rollback restores it byte for byte', { skip }, () => {
  const r = inSandbox(`
    fs.writeFileSync(${JSON.stringify(DBA)}, ${JSON.stringify(DBA_TEXT)});
    out.start = state();
    out.refused = tune(['apply', '--set', 'net.core.somaxconn=5000', '--file', ${JSON.stringify(DBA)}, '--yes']);
    out.afterRefused = state();
    out.historyAfterRefused = history();
    out.adopted = tune(['apply', '--set', 'net.core.somaxconn=5000', '--file', ${JSON.stringify(DBA)}, '--yes', '--adopt']);
    out.afterAdopt = state();
    out.rollback = tune(['rollback', '--yes']);
    out.afterRollback = state();
  `);
  const start = r.start as HostState;
  assert.equal(start.files[DBA], Buffer.from(DBA_TEXT).toString('base64'));
  const refused = r.refused as Run;
  assert.equal(refused.status, 2, JSON.stringify(refused));
  const line = oneLine(refused, 'not adopted');
  assert.ok(line.includes(DBA), `names the file: ${line}`);
  assert.ok(line.includes('--adopt'), `names --adopt: ${line}`);
  assert.deepEqual(r.afterRefused, start, 'file bytes and runtime unchanged');
  assert.deepEqual(r.historyAfterRefused, [], 'no transaction');

  const adopted = r.adopted as Run;
  assert.equal(adopted.status, 0, JSON.stringify(adopted));
  const afterAdopt = r.afterAdopt as HostState;
  assert.equal(afterAdopt.values['net.core.somaxconn'], '5000');
  assert.notEqual(afterAdopt.files[DBA], start.files[DBA], 'tune wrote the adopted file');

  const rollback = r.rollback as Run;
  assert.equal(rollback.status, 0, JSON.stringify(rollback));
  assert.deepEqual(r.afterRollback, start, 'the hand-made file byte for byte, and the runtime value');
});

test('the default owned file, when absent, is created without --adopt', { skip }, () => {
  const r = inSandbox(`
    out.start = state();
    out.apply = tune(['apply', '--set', 'net.core.somaxconn=5000', '--yes']);
    out.after = state();
  `);
  assert.equal((r.start as HostState).files['/etc/sysctl.d/99-tune.conf'], null);
  const apply = r.apply as Run;
  assert.equal(apply.status, 0, JSON.stringify(apply));
  assert.equal(apply.stderr, '');
  const after = r.after as HostState;
  assert.equal(after.values['net.core.somaxconn'], '5000');
  assert.match(
    Buffer.from(after.files['/etc/sysctl.d/99-tune.conf'] ?? '', 'base64').toString(),
    /^net\.core\.somaxconn = 5000$/m,
  );
});

test('once a rollback has given the hand-made file back, taking it over again needs --adopt again', { skip }, () => {
  const r = inSandbox(`
    fs.writeFileSync(${JSON.stringify(DBA)}, ${JSON.stringify(DBA_TEXT)});
    out.start = state();
    out.adopted = tune(['apply', '--set', 'net.core.somaxconn=5000', '--file', ${JSON.stringify(DBA)}, '--yes', '--adopt']);
    out.rollback = tune(['rollback', '--yes']);
    out.afterRollback = state();
    out.historyAfterRollback = history();
    out.again = tune(['apply', '--set', 'net.core.somaxconn=5000', '--file', ${JSON.stringify(DBA)}, '--yes']);
    out.afterAgain = state();
    out.historyAfterAgain = history();
  `);
  assert.equal((r.adopted as Run).status, 0);
  assert.equal((r.rollback as Run).status, 0);
  assert.deepEqual(r.afterRollback, r.start, 'the hand-made file is back, byte for byte');
  const again = r.again as Run;
  assert.equal(again.status, 2, `the DBA's file again: not taken over without --adopt: ${JSON.stringify(again)}`);
  assert.match(oneLine(again, 'not adopted'), /--adopt/);
  assert.deepEqual(r.afterAgain, r.start);
  assert.deepEqual(r.historyAfterAgain, r.historyAfterRollback);
});
