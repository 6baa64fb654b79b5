// Profiles in the formats users bring: a plain sysctl.conf / sysctl.d file, and tuned profiles with includes,
// variables and functions (src/core/profiles).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userErrorOf } from '../../helpers/user-error.js';
import { resolveRequest } from '../../../src/core/plan/profile-resolver.js';
import { profileFormatOf } from '../../../src/core/plan/profile.js';
import { parseSysctlProfile } from '../../../src/core/profiles/sysctl-profile.js';
import { UNKNOWN_HOST, type TunedHostFacts } from '../../../src/core/profiles/tuned-functions.js';
import { loadTunedProfile } from '../../../src/core/profiles/tuned-profile.js';

const errorOf = userErrorOf;

test('the format: tuned.conf is tuned, a [section] line makes an ini profile, anything else is a sysctl file', () => {
  assert.equal(profileFormatOf('/usr/lib/tuned/x/tuned.conf', 'a.b=1\n'), 'tuned');
  assert.equal(profileFormatOf('/p/x.conf', '# c\n[sysctl]\nnet.core.somaxconn = 1\n'), 'tune');
  assert.equal(profileFormatOf('/etc/sysctl.d/90-net.conf', '# [not a header]\nnet.core.somaxconn = 1\n'), 'sysctl');
});

test('a sysctl file is a profile: the loaders syntax, comments above a key are its reason, the later line wins', () => {
  const p = parseSysctlProfile(
    '90-net',
    '/etc/sysctl.d/90-net.conf',
    [
      '# Reduce TIME_WAIT timeout to 30 seconds',
      'net.ipv4.tcp_fin_timeout = 30',
      '',
      '; a comment for the next line',
      '-net/core/somaxconn=1024',
      'net.core.somaxconn = 4096',
      'net.ipv4.conf.eth0/100.rp_filter = 1',
    ].join('\n'),
  );
  assert.deepEqual(
    p.settings.map((s) => [s.key, s.value, s.op, s.line, s.reason ?? null]),
    [
      ['net.ipv4.tcp_fin_timeout', '30', 'set', 2, 'Reduce TIME_WAIT timeout to 30 seconds'],
      ['net.core.somaxconn', '4096', 'set', 6, null],
      ['net.ipv4.conf.eth0/100.rp_filter', '1', 'set', 7, null],
    ],
  );
});

test('a sysctl file: an inline "# comment" stays in the value and the value check rejects it at file:line', () => {
  const p = parseSysctlProfile('s', '/etc/sysctl.conf', 'net.ipv4.tcp_tw_reuse = 1 # Note: reuse\n');
  assert.equal(p.settings[0]?.value, '1 # Note: reuse');
  assert.equal(
    errorOf(() => resolveRequest(['s'], [], () => p)),
    '/etc/sysctl.conf:1: net.ipv4.tcp_tw_reuse: expected one integer, got "1 # Note: reuse"',
  );
});

test('a sysctl file: exclusions, globs and lines that are no sysctl assignment are one-line errors', () => {
  assert.match(
    errorOf(() => parseSysctlProfile('s', '/s.conf', 'net.core.somaxconn=1\n-net.ipv4.conf.*.rp_filter\n')),
    /^\/s\.conf:2: net\.ipv4\.conf\.\*\.rp_filter: an exclusion/,
  );
  assert.match(
    errorOf(() => parseSysctlProfile('s', '/s.conf', 'net.ipv4.conf.*.rp_filter = 2\n')),
    /^\/s\.conf:1: net\.ipv4\.conf\.\*\.rp_filter: a glob sets every matching key at boot/,
  );
  assert.equal(
    errorOf(() => parseSysctlProfile('s', '/s.conf', 'net.core.somaxconn=1\nroot:$6$secret::\n')),
    '/s.conf:2: not a profile: expected "key = value" (sysctl.conf syntax) or a [section]',
  );
});

/** A tuned tree in memory: profile name -> tuned.conf text under /usr/lib/tuned, plus other files. */
function tunedTree(profiles: Record<string, string>, files: Record<string, string> = {}, facts = UNKNOWN_HOST) {
  const at = (n: string) => `/usr/lib/tuned/${n}/tuned.conf`;
  const host = {
    locate: (name: string) =>
      profiles[name] === undefined ? undefined : { file: at(name), text: profiles[name] ?? '' },
    readVariables: (p: string) => (files[p] === undefined ? undefined : { file: p, text: files[p] ?? '' }),
    facts,
  };
  return (name: string) => loadTunedProfile(name, { file: at(name), text: profiles[name] ?? '' }, host);
}

test('tuned: includes load first, the child wins, a profile included twice loads once', () => {
  const load = tunedTree({
    base: '[sysctl]\nvm.swappiness=10\nvm.dirty_ratio=20\n',
    mid: '[main]\ninclude=base\n[sysctl]\nvm.dirty_ratio=30\n',
    top: '[main]\nsummary=Top\ninclude=mid, base\n[sysctl]\n# why\nvm.max_map_count=262144\n',
  });
  const p = load('top');
  assert.equal(p.summary, 'Top');
  assert.deepEqual(
    p.settings.map((s) => [s.key, s.value, s.file ?? p.file, s.reason ?? null]),
    [
      ['vm.swappiness', '10', '/usr/lib/tuned/base/tuned.conf', null],
      ['vm.dirty_ratio', '30', '/usr/lib/tuned/mid/tuned.conf', null],
      ['vm.max_map_count', '262144', '/usr/lib/tuned/top/tuned.conf', 'why'],
    ],
  );
});

test('tuned: an include cycle is one line naming file, line and the chain; a missing "-name" include is skipped', () => {
  const load = tunedTree({
    a: '[main]\ninclude=b\n',
    b: '[main]\n\ninclude=-gone;a\n',
  });
  assert.equal(
    errorOf(() => load('a')),
    '/usr/lib/tuned/b/tuned.conf:3: include: include cycle: a -> b -> a',
  );
  assert.equal(
    errorOf(() => tunedTree({ a: '[main]\ninclude=nope\n' })('a')),
    '/usr/lib/tuned/a/tuned.conf:2: include: unknown tuned profile "nope" (searched beside it and in tuned\'s directories)',
  );
});

test('tuned: [variables] (and a variables file) expand in [sysctl]; quotes go; >N is a bound', () => {
  const p = tunedTree(
    {
      v: '[variables]\ninclude=/etc/tuned/v-variables.conf\nhigh=${base}00\n[sysctl]\nkernel.pid_max=>${high}\nnet.ipv4.tcp_rmem="4096 87380 ${high}"\n',
    },
    { '/etc/tuned/v-variables.conf': '# the base\nbase=41943\n' },
  )('v');
  assert.deepEqual(
    p.settings.map((s) => [s.key, s.op, s.value]),
    [
      ['kernel.pid_max', 'raise', '4194300'],
      ['net.ipv4.tcp_rmem', 'set', '4096 87380 4194300'],
    ],
  );
});

test('tuned: functions evaluate from host facts, never run anything, and are reported when they cannot', () => {
  const text = {
    guest: '[sysctl]\nvm.swappiness=30\n',
    metal: '[sysctl]\nvm.swappiness=10\n',
    p: [
      '[main]',
      'include=${f:virt_check:guest:metal}',
      '[sysctl]',
      'vm.dirty_ratio=${f:cpuinfo_check:GenuineIntel:40:20}',
      'vm.max_map_count=${f:exec:echo:1}',
      'kernel.pid_max=${undefined_var}',
      '[sysctl.arm]',
      'type=sysctl',
      'uname_regex=aarch64',
      'kernel.numa_balancing=0',
    ].join('\n'),
  };
  const facts = (f: Partial<TunedHostFacts>) => ({ ...UNKNOWN_HOST, ...f });
  const values = (p: ReturnType<ReturnType<typeof tunedTree>>) =>
    Object.fromEntries(p.settings.map((s) => [s.key, s.value]));
  const vm = tunedTree(
    text,
    {},
    facts({ virtual: true, cpuinfo: 'vendor_id\t: GenuineIntel\n', uname: 'Linux h 6.1 #1 x86_64' }),
  )('p');
  assert.deepEqual(values(vm), { 'vm.swappiness': '30', 'vm.dirty_ratio': '40' });
  assert.deepEqual(
    vm.notes?.map((n) => `${n.line}: ${n.message}`),
    [
      '5: not applied: ${f:exec} runs a command, and tune never runs one to read a profile',
      '6: not applied: it uses ${undefined_var}, which no [variables] defines',
    ],
  );
  const arm = tunedTree(
    text,
    {},
    facts({ virtual: false, cpuinfo: 'CPU part\t: 0x0af\n', uname: 'Linux h 6.1 #1 aarch64' }),
  )('p');
  assert.deepEqual(values(arm), { 'vm.swappiness': '10', 'vm.dirty_ratio': '20', 'kernel.numa_balancing': '0' });
  const offline = tunedTree(text)('p');
  assert.deepEqual(values(offline), {});
  assert.deepEqual(
    offline.notes?.map((n) => `${n.line}: ${n.message}`).filter((m) => !/exec|undefined_var/.test(m)),
    [
      '2: include not loaded: ${f:virt_check} needs to know whether this host is a virtual machine, and tune does not here',
      '4: not applied: ${f:cpuinfo_check} reads /proc/cpuinfo, which tune does not have here',
      '9: [sysctl.arm] not applied: it applies only where uname matches uname_regex, which tune cannot check here',
    ],
  );
});
