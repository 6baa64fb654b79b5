// Median wall time of `tune plan --profile short-connection-api` as the single executable and through bin/tune.cjs,
// against `node -e 0`, interleaved in one run. Usage: node bench/package-startup.mjs [runs]   (after npm run release)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 30);
const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const sea = path.join(root, 'release', `tune-${version}-linux-x64`);
const plan = ['plan', '--profile', 'short-connection-api'];
const runtime = mkdtempSync(path.join(tmpdir(), 'tune-bench-'));
const cases = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'bin/tune.cjs plan': [process.execPath, [path.join(root, 'bin', 'tune.cjs'), ...plan]],
  'single executable plan': [sea, plan],
  'single executable --version': [sea, ['--version']],
};
const once = ([cmd, args]) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, XDG_RUNTIME_DIR: runtime },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const c of Object.values(cases)) once(c); // warm the page cache (and unpack the executable's files once)
for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(cases)) times[k].push(once(c));
rmSync(runtime, { recursive: true, force: true });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(times['node -e 0']);
console.log(`runs: ${runs} each, interleaved`);
for (const k of Object.keys(cases))
  console.log(
    `${k.padEnd(30)} median ${median(times[k]).toFixed(1)} ms   ${(median(times[k]) / base).toFixed(2)}x node -e 0`,
  );
