// The seven places where the boot model used to disagree with the real loaders (issue "Boot truth"), each by hand.
// Only `modelBoot(files, loader, keys)` and `assignments` are used, so the same cases run against the old model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelBoot } from '../../../src/core/boot/boot-precedence.js';
import { snapshotOf, type SnapshotData } from '../../helpers/snapshot-data.js';

/** What each loader leaves in `key`: `value@file:line`, or `default` when no write changed it. */
function boot(config: SnapshotData['config'], key: string) {
  const files = snapshotOf({ config }).config;
  const at = (loader: 'systemd' | 'procps') => {
    const a = modelBoot(files, loader, [key]).assignments.get(key);
    return a ? `${a.value}@${a.file}:${a.line}` : 'default';
  };
  return { systemd: at('systemd'), procps: at('procps') };
}

const D = '/etc/sysctl.d';

test('1. a value the kernel refuses: systemd keeps the default, procps keeps the last accepted value', () => {
  const files = {
    [`${D}/05-a.conf`]: 'net.ipv4.tcp_syn_retries = 5',
    [`${D}/10-b.conf`]: 'net.ipv4.tcp_syn_retries = 200',
  };
  assert.deepEqual(boot(files, 'net.ipv4.tcp_syn_retries'), {
    systemd: 'default',
    procps: `5@${D}/05-a.conf:1`,
  });
  // ints are read with base 0 and trailing text after one int is ignored; quotes, `+` and `12,` are refused
  assert.equal(
    boot({ [`${D}/a.conf`]: 'net.ipv4.tcp_fin_timeout = 030' }, 'net.ipv4.tcp_fin_timeout').systemd,
    `24@${D}/a.conf:1`,
  );
  assert.equal(
    boot({ [`${D}/a.conf`]: 'net.ipv4.tcp_fin_timeout = 43 # x' }, 'net.ipv4.tcp_fin_timeout').procps,
    `43@${D}/a.conf:1`,
  );
  for (const bad of ['"44"', '+36', '12,', ''])
    assert.equal(
      boot({ [`${D}/a.conf`]: `net.ipv4.tcp_fin_timeout = ${bad}` }, 'net.ipv4.tcp_fin_timeout').systemd,
      'default',
      bad,
    );
});

test('2. a glob stays inside one path component: net.ipv4.*.rp_filter matches nothing', () => {
  const r = boot({ [`${D}/a.conf`]: 'net.ipv4.*.rp_filter = 2' }, 'net.ipv4.conf.all.rp_filter');
  assert.deepEqual(r, { systemd: 'default', procps: 'default' });
  assert.equal(
    boot({ [`${D}/a.conf`]: 'net.ipv4.conf.*.rp_filter = 2' }, 'net.ipv4.conf.all.rp_filter').systemd,
    `2@${D}/a.conf:1`,
  );
});

test('3. the port pair: each write is checked against the other value at that moment, in each loader order', () => {
  // alone, a range below the default unprivileged start (1024) never applies at boot
  assert.deepEqual(
    boot({ [`${D}/a.conf`]: 'net.ipv4.ip_local_port_range = 1000 60000' }, 'net.ipv4.ip_local_port_range'),
    {
      systemd: 'default',
      procps: 'default',
    },
  );
  // systemd moves the start to its last differing assignment (after the range): the range write is refused
  const files = {
    [`${D}/10-a.conf`]: 'net.ipv4.ip_unprivileged_port_start = 900\nnet.ipv4.ip_local_port_range = 1000 60000',
    [`${D}/20-b.conf`]: 'net.ipv4.ip_unprivileged_port_start = 950',
  };
  assert.deepEqual(boot(files, 'net.ipv4.ip_local_port_range'), {
    systemd: 'default',
    procps: `1000 60000@${D}/10-a.conf:2`,
  });
});

test('4. key spellings: a leading / or ., and // work in both; a trailing separator only in systemd', () => {
  for (const k of ['/net/ipv4/tcp_fin_timeout', '.net.ipv4.tcp_fin_timeout', 'net//ipv4/tcp_fin_timeout'])
    assert.deepEqual(
      boot({ [`${D}/a.conf`]: `${k} = 40` }, 'net.ipv4.tcp_fin_timeout'),
      {
        systemd: `40@${D}/a.conf:1`,
        procps: `40@${D}/a.conf:1`,
      },
      k,
    );
  assert.deepEqual(boot({ [`${D}/a.conf`]: 'net.ipv4.tcp_fin_timeout. = 41' }, 'net.ipv4.tcp_fin_timeout'), {
    systemd: `41@${D}/a.conf:1`,
    procps: 'default',
  });
});

test('5. white space and line ends: \\v, a BOM, a lone CR and NUL', () => {
  const K = 'net.ipv4.tcp_fin_timeout';
  // systemd strips only blank, tab, CR and LF: a \v stays in the key
  assert.deepEqual(boot({ [`${D}/a.conf`]: `\v${K} = 42` }, K), { systemd: 'default', procps: `42@${D}/a.conf:1` });
  // a BOM makes the first key of a file unknown to both
  assert.deepEqual(boot({ [`${D}/a.conf`]: `\uFEFF${K} = 43` }, K), { systemd: 'default', procps: 'default' });
  // systemd ends a line at a lone CR; procps reads `44\rnet...` as one value, which the kernel refuses
  const cr = boot({ [`${D}/a.conf`]: `net.ipv4.tcp_keepalive_time = 44\r${K} = 45` }, K);
  assert.deepEqual(cr, { systemd: `45@${D}/a.conf:1`, procps: 'default' });
  // NUL ends a line in systemd; procps cuts the line there
  assert.deepEqual(boot({ [`${D}/a.conf`]: `${K} = 46\0x\n` }, K), {
    systemd: `46@${D}/a.conf:1`,
    procps: `46@${D}/a.conf:1`,
  });
  assert.deepEqual(boot({ [`${D}/a.conf`]: `net.ipv4.tcp_keepalive_time = 1\0${K} = 47` }, K), {
    systemd: `47@${D}/a.conf:1`,
    procps: 'default',
  });
});

test('6. `-key` after an assignment removes the key in systemd; `- key = v` is skipped by procps', () => {
  const K = 'net.ipv4.tcp_fin_timeout';
  assert.deepEqual(boot({ [`${D}/a.conf`]: `${K} = 50\n-${K}` }, K), {
    systemd: 'default',
    procps: `50@${D}/a.conf:1`,
  });
  assert.deepEqual(boot({ [`${D}/a.conf`]: `- ${K} = 51` }, K), { systemd: `51@${D}/a.conf:1`, procps: 'default' });
});

test('7. procps globs file names: b[A].conf reads bA.conf in its place', () => {
  const K = 'net.ipv4.tcp_fin_timeout';
  const files = { [`${D}/b[A].conf`]: `${K} = 60`, [`${D}/bA.conf`]: `net.ipv4.tcp_keepalive_time = 61` };
  assert.deepEqual(boot(files, K), { systemd: `60@${D}/b[A].conf:1`, procps: 'default' });
  // with nothing to match, the name is read as it is
  assert.equal(boot({ [`${D}/b[A].conf`]: `${K} = 62` }, K).procps, `62@${D}/b[A].conf:1`);
});
