// The boot model against the real loaders: seeded random sysctl.d trees are written inside the sandbox, systemd-sysctl
// and procps `sysctl --system` each run in a fresh network namespace, and the values they leave must equal what
// modelBoot predicts for each loader from the same tree read back through readConfigFiles. Values are unique per
// assignment (apart from the deliberate edge cases), so an equal value also pins the file:line that decided it.
// BOOT_DIFF_TREES and BOOT_DIFF_SEED run more or other trees; a disagreement prints the seed and the shrunk tree.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { modelBoot, type BootLoader } from '../../src/core/boot/boot-precedence.js';
import { readConfigFiles } from '../../src/system/config/sysctl-config-files.js';
import { skipUnlessRoot } from '../helpers/netns-driver.js';
import { systemdSysctl, type LoaderRunInput, type LoaderRunOutput } from '../helpers/real-loaders.js';
import { SANDBOX } from '../helpers/repo.js';
import {
  describeTree,
  generateTree,
  shrinkCandidates,
  TREE_KEYS,
  writeTree,
  type Tree,
} from '../helpers/sysctl-tree.js';

const COUNT = Number(process.env.BOOT_DIFF_TREES ?? 200);
const SEED = Number(process.env.BOOT_DIFF_SEED ?? 1);
const CONGESTION = ['net.ipv4.tcp_available_congestion_control', 'net.ipv4.tcp_allowed_congestion_control'];
const KEYS = Object.keys(TREE_KEYS);
const LOADERS: BootLoader[] = ['systemd', 'procps'];

const skip =
  skipUnlessRoot ||
  (!systemdSysctl() && 'systemd-sysctl is not installed (scripts/install-test-tools)') ||
  (spawnSync('sysctl', ['--version']).status !== 0 && 'procps sysctl is not installed') ||
  (fs.realpathSync('/lib') !== '/usr/lib' && 'needs merged /usr (/lib/sysctl.d is /usr/lib/sysctl.d)');

/** Runs the real loaders on the trees, 250 per sandbox. */
function runReal(trees: Tree[]): LoaderRunOutput {
  let out: LoaderRunOutput | undefined;
  for (let i = 0; i < trees.length; i += 250) {
    const part = runRealBatch(trees.slice(i, i + 250));
    out = out ? { ...out, results: [...out.results, ...part.results] } : part;
  }
  assert.ok(out);
  return out;
}

function runRealBatch(trees: Tree[]): LoaderRunOutput {
  const input: LoaderRunInput = { trees, keys: [...KEYS, ...CONGESTION] };
  const r = spawnSync(SANDBOX, [process.execPath, path.join(__dirname, '..', 'helpers', 'real-loaders.js'), '--run'], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 300_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as LoaderRunOutput;
}

type Outcome = Record<BootLoader, Record<string, string | null>>;

function predict(tree: Tree, real: LoaderRunOutput): Outcome {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-boot-diff-'));
  try {
    writeTree(root, tree);
    if (!fs.existsSync(path.join(root, 'etc/sysctl.conf'))) fs.writeFileSync(path.join(root, 'etc/sysctl.conf'), '');
    const files = readConfigFiles(root);
    const universe = new Set(real.universe);
    const initial = Object.fromEntries(
      Object.entries(real.initial).filter((e): e is [string, string] => e[1] !== null),
    );
    const names = (k: string) => (real.initial[k] ?? '').split(' ').filter(Boolean);
    const out = {} as Outcome;
    for (const loader of LOADERS) {
      const model = modelBoot(files, loader, KEYS, {
        exists: (k) => universe.has(k),
        globKeys: real.universe,
        initial,
        initialNetns: false,
        congestion: { available: names(CONGESTION[0] ?? ''), allowed: names(CONGESTION[1] ?? '') },
      });
      out[loader] = Object.fromEntries(
        KEYS.map((k) => [k, model.assignments.get(k)?.value ?? real.initial[k] ?? null]),
      );
    }
    return out;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The keys where prediction and the real loader differ, one line each. */
function differences(predicted: Outcome, actual: Outcome): string[] {
  return LOADERS.flatMap((l) =>
    KEYS.filter((k) => predicted[l][k] !== actual[l][k]).map(
      (k) => `${l}: ${k}: predicted ${JSON.stringify(predicted[l][k])}, real ${JSON.stringify(actual[l][k])}`,
    ),
  );
}

function actualOf(real: LoaderRunOutput, i: number): Outcome {
  const r = real.results[i];
  assert.ok(r);
  return { systemd: r.systemd.values, procps: r.procps.values };
}

/** Shrinks a disagreeing tree: keeps taking the first smaller tree that still disagrees. */
function shrink(tree: Tree): { tree: Tree; diff: string[] } {
  let best = tree;
  let diff: string[] = [];
  for (let step = 0; step < 60; step++) {
    const candidates = shrinkCandidates(best);
    if (candidates.length === 0) break;
    const real = runReal(candidates);
    const i = candidates.findIndex((c, j) => differences(predict(c, real), actualOf(real, j)).length > 0);
    if (i === -1) break;
    best = candidates[i] as Tree;
    diff = differences(predict(best, real), actualOf(real, i));
  }
  return { tree: best, diff };
}

/** Per loader and key that either side moved from its initial value: how many agree. */
function keyAgreement(predicted: Outcome, actual: Outcome, initial: Record<string, string | null>) {
  let set = 0;
  let same = 0;
  for (const l of LOADERS)
    for (const k of KEYS) {
      if (predicted[l][k] === initial[k] && actual[l][k] === initial[k]) continue;
      set++;
      if (predicted[l][k] === actual[l][k]) same++;
    }
  return { set, same };
}

test(
  `the boot model agrees with systemd-sysctl and procps on ${COUNT} random trees`,
  { skip, timeout: 600_000 },
  (t) => {
    const trees = Array.from({ length: COUNT }, (_, i) => generateTree(SEED + i));
    const real = runReal(trees);
    const failures: string[] = [];
    let agreed = 0;
    const keys = { set: 0, same: 0 };
    trees.forEach((tree, i) => {
      const predicted = predict(tree, real);
      const d = differences(predicted, actualOf(real, i));
      const k = keyAgreement(predicted, actualOf(real, i), real.initial);
      keys.set += k.set;
      keys.same += k.same;
      if (d.length === 0) agreed++;
      else if (failures.length < 3) {
        const small = shrink(tree);
        failures.push(
          `seed ${tree.seed}: ${d.length} key(s) differ\nminimal tree:\n${describeTree(small.tree)}\n${(small.diff.length ? small.diff : d).join('\n')}`,
        );
      }
    });
    t.diagnostic(
      `trees ${agreed}/${trees.length} agree; keys set ${keys.set}, agree ${keys.same} (${((100 * keys.same) / Math.max(1, keys.set)).toFixed(1)}%)`,
    );
    assert.equal(
      agreed,
      trees.length,
      `${trees.length - agreed} of ${trees.length} trees disagree\n\n${failures.join('\n\n')}`,
    );
  },
);
