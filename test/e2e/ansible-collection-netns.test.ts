// The Ansible collection tune.sysctl (ansible/): built and installed into a temporary path, its modules run by real
// playbooks with `-c local -i localhost,` inside scripts/netns-sandbox against the real kernel: check+diff changes
// nothing, a real run applies, a rerun is ok, a refusal fails with its rule id, rollback (check, real, again) works,
// the snapshot module returns a snapshot, a missing tune fails clearly; ansible-doc documents every module.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { skipUnlessRoot } from '../helpers/netns-driver.js';
import { repoRoot, SANDBOX, TUNE_BIN } from '../helpers/repo.js';

const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
const skip = skipUnlessRoot || (!hasAnsible && 'needs ansible (scripts/install-test-tools)');
const MODULES = ['profile', 'snapshot', 'rollback'];

let dir = '';
let env: Record<string, string> = {};

before(() => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-ansible-'));
  fs.chmodSync(dir, 0o755);
  env = {
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: dir,
    ANSIBLE_COLLECTIONS_PATH: path.join(dir, 'collections'),
    ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp'),
    ANSIBLE_REMOTE_TEMP: path.join(dir, 'tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    LC_ALL: 'C.UTF-8',
  };
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: repoRoot(), env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}`);
  };
  run('ansible-galaxy', ['collection', 'build', 'ansible', '--output-path', dir]);
  const tarball = fs.readdirSync(dir).find((f) => f.endsWith('.tar.gz')) ?? '';
  run('ansible-galaxy', ['collection', 'install', path.join(dir, tarball), '-p', path.join(dir, 'collections')]);
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('ansible-doc documents every module of the built and installed collection', { skip }, () => {
  for (const m of MODULES) {
    const r = spawnSync('ansible-doc', [`tune.sysctl.${m}`], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`tune\\.sysctl\\.${m}`));
    assert.match(r.stdout, /EXAMPLES:/);
    assert.match(r.stdout, /RETURN VALUES:/);
  }
  const profile = spawnSync('ansible-doc', ['tune.sysctl.profile'], { env, encoding: 'utf8' }).stdout;
  for (const option of ['profiles', 'set', 'allow', 'file', 'message', 'executable', 'confirm_within'])
    assert.match(profile, new RegExp(`^\\W*${option}\\b`, 'm'), option);
});

const PLAY = (module: string, args: Record<string, unknown>) => `- hosts: localhost
  gather_facts: false
  tasks:
    - name: run
      tune.sysctl.${module}: ${JSON.stringify(args)}
      register: r
      ignore_errors: true
    - name: keep the result
      ansible.builtin.copy:
        content: "{{ r | to_json }}"
        dest: "{{ out }}"
        mode: "0644"
      check_mode: false
`;

test(
  'playbooks in the sandbox: check+diff, apply, rerun ok, refusal, rollback, snapshot, missing tune',
  { skip },
  () => {
    const exe = { executable: TUNE_BIN };
    const plays: Record<string, string> = {
      apply: PLAY('profile', { ...exe, set: ['net.core.somaxconn=8192'], message: 'ansible test' }),
      refused: PLAY('profile', { ...exe, set: ['net.ipv4.tcp_tw_recycle=1'] }),
      rollback: PLAY('rollback', exe),
      snapshot: PLAY('snapshot', exe),
      missing: PLAY('profile', { executable: '/nonexistent/tune', set: ['net.core.somaxconn=8192'] }),
    };
    for (const [name, text] of Object.entries(plays)) fs.writeFileSync(path.join(dir, `${name}.yml`), text);
    const steps: [string, string, string[]][] = [
      ['check', 'apply', ['--check', '--diff']],
      ['apply', 'apply', []],
      ['rerun', 'apply', []],
      ['refused', 'refused', []],
      ['rollback-check', 'rollback', ['--check', '--diff']],
      ['rollback', 'rollback', []],
      ['rollback-again', 'rollback', []],
      ['snapshot', 'snapshot', []],
      ['missing', 'missing', []],
    ];
    const script = steps
      .map(
        ([step, play, flags]) =>
          `ansible-playbook -c local -i localhost, ${flags.join(' ')} -e out=${dir}/${step}.json ${dir}/${play}.yml > ${dir}/${step}.log 2>&1; ` +
          `{ cat /proc/sys/net/core/somaxconn; test -e /etc/sysctl.d/99-tune.conf && echo file || echo nofile; } > ${dir}/${step}.state`,
      )
      .join('\n');
    fs.writeFileSync(
      path.join(dir, 'steps.sh'),
      `set -u\ncat /proc/sys/net/core/somaxconn > ${dir}/start.state\n${script}\n`,
    );
    const r = spawnSync(SANDBOX, ['bash', path.join(dir, 'steps.sh')], { env, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const result = (step: string) => JSON.parse(fs.readFileSync(path.join(dir, `${step}.json`), 'utf8'));
    const state = (step: string) =>
      fs
        .readFileSync(path.join(dir, `${step}.state`), 'utf8')
        .trim()
        .split('\n');
    const log = (step: string) => fs.readFileSync(path.join(dir, `${step}.log`), 'utf8');
    const start = state('start')[0];
    assert.notEqual(start, '8192');

    assert.equal(result('check').changed, true, log('check'));
    assert.deepEqual(result('check').changed_keys, ['net.core.somaxconn']);
    assert.match(log('check'), /^\+net\.core\.somaxconn = 8192$/m, 'the owned file diff');
    assert.match(log('check'), new RegExp(`^-net\\.core\\.somaxconn = ${start}$`, 'm'), 'the runtime diff');
    assert.deepEqual(state('check'), [start, 'nofile'], 'check mode changes nothing');

    assert.equal(result('apply').changed, true, log('apply'));
    assert.match(result('apply').transaction_id, /^\d{8}T\d{6}Z-\d{6}$/);
    assert.deepEqual(state('apply'), ['8192', 'file']);
    assert.equal(result('rerun').changed, false, log('rerun'));

    assert.equal(result('refused').failed, true);
    assert.deepEqual(result('refused').refused_rules, ['TW_RECYCLE_REMOVED']);
    assert.match(result('refused').msg, /^refused by tune \(TW_RECYCLE_REMOVED\)/);

    assert.equal(result('rollback-check').changed, true, log('rollback-check'));
    assert.deepEqual(result('rollback-check').undoes, [result('apply').transaction_id]);
    assert.deepEqual(state('rollback-check'), ['8192', 'file']);
    assert.equal(result('rollback').changed, true, log('rollback'));
    assert.deepEqual(state('rollback'), [start, 'nofile']);
    assert.equal(result('rollback-again').changed, false);

    assert.equal(result('snapshot').snapshot.schemaVersion, 1);
    assert.equal(typeof result('snapshot').hostname, 'string');

    assert.equal(result('missing').failed, true);
    assert.match(result('missing').msg, /tune is not installed on the target: \/nonexistent\/tune not found/);
  },
);
