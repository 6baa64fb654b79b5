// Every stock profile of Debian's tuned package loads as a tune profile (issue 12). The package is unpacked, never
// installed or committed, by scripts/install-test-tools into TUNE_TUNED_CACHE (default /var/cache/tune-test/tuned).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveRequest, type ResolvedSetting } from '../../../src/core/plan/profile-resolver.js';
import { createProfileLoader } from '../../../src/system/config/profile-store.js';

const CACHE = process.env.TUNE_TUNED_CACHE ?? '/var/cache/tune-test/tuned';
const ROOT = path.join(CACHE, 'root');
const PROFILES = path.join(ROOT, 'usr/lib/tuned');
const present = fs.existsSync(PROFILES);
const version = present ? fs.readFileSync(path.join(CACHE, 'version'), 'utf8').trim() : '';
const names = present
  ? fs
      .readdirSync(PROFILES)
      .filter((n) => fs.existsSync(path.join(PROFILES, n, 'tuned.conf')))
      .sort()
  : [];
const skip = present ? false : `tuned's package is not unpacked in ${CACHE} (run scripts/install-test-tools)`;

test('every stock tuned profile loads by name, by directory and by tuned.conf path', { skip }, () => {
  if (version.startsWith('2.20.')) assert.equal(names.length, 37, `tuned ${version} ships 37 profiles`);
  const failures: string[] = [];
  for (const name of names) {
    for (const ref of [name, path.join(PROFILES, name), path.join(PROFILES, name, 'tuned.conf')]) {
      try {
        resolveRequest([ref], [], createProfileLoader(ROOT));
      } catch (e) {
        failures.push(`${ref}: ${(e as Error).message}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('stock profiles: includes merge (the child wins), >N stays a bound, comments are reasons', { skip }, () => {
  const load = createProfileLoader(ROOT);
  const settings = (name: string) =>
    new Map<string, ResolvedSetting>(resolveRequest([name], [], load).settings.map((s) => [s.key, s]));
  const oracle = settings('oracle');
  // oracle includes throughput-performance: its own vm.dirty_ratio (40) and the included somaxconn bound.
  assert.equal(oracle.get('vm.dirty_ratio')?.value, '40');
  assert.equal(oracle.get('vm.dirty_ratio')?.origin.file, path.join(PROFILES, 'oracle/tuned.conf'));
  assert.deepEqual([oracle.get('net.core.somaxconn')?.op, oracle.get('net.core.somaxconn')?.value], ['raise', '2048']);
  assert.equal(oracle.get('net.core.somaxconn')?.origin.file, path.join(PROFILES, 'throughput-performance/tuned.conf'));
  assert.match(oracle.get('net.core.somaxconn')?.reason ?? '', /kernel-5\.4 increased it to 4096/);
  // Quoted values lose their quotes, as tuned's sysctl plugin unquotes them.
  assert.equal(settings('network-throughput').get('net.ipv4.tcp_rmem')?.value, '4096 87380 16777216');
  // [sysctl.thunderx] applies only on aarch64 ThunderX: without uname/cpuinfo here it is reported, not applied.
  const tp = resolveRequest(['throughput-performance'], [], load);
  assert.equal(
    tp.settings.some((s) => s.key === 'kernel.numa_balancing'),
    false,
  );
  assert.match(tp.notes?.map((n) => n.message).join('\n') ?? '', /\[sysctl\.thunderx\] not applied/);
  // openshift includes ${f:virt_check:...}: no hypervisor evidence under this root, so the include is reported.
  const os = resolveRequest(['openshift-node'], [], load);
  assert.match(os.notes?.map((n) => n.message).join('\n') ?? '', /include not loaded: \$\{f:virt_check\}/);
  assert.ok(os.settings.some((s) => s.key === 'net.netfilter.nf_conntrack_max'));
});
