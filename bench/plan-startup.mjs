// Median wall time of `tune plan --profile short-connection-api` against `node -e 0`, measured interleaved in one run.
// Target (issue 2): ratio <= 1.3. Usage: node bench/plan-startup.mjs [runs]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 40);
const launcher = fileURLToPath(new URL('../bin/tune.cjs', import.meta.url));
const cases = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'tune plan -p short-connection-api': [process.execPath, [launcher, 'plan', '--profile', 'short-connection-api']],
  'tune --help': [process.execPath, [launcher, '--help']],
};
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const once = ([cmd, args]) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
for (const c of Object.values(cases)) once(c); // warm the page cache
for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(cases)) times[k].push(once(c));
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const base = median(times['node -e 0']);
console.log(`runs: ${runs} each, interleaved`);
for (const k of Object.keys(cases))
  console.log(
    `${k.padEnd(36)} median ${median(times[k]).toFixed(1)} ms   ratio ${(median(times[k]) / base).toFixed(2)}x`,
  );
const ratio = median(times['tune plan -p short-connection-api']) / base;
console.log(`plan/node ratio ${ratio.toFixed(2)}x (target <= 1.30x): ${ratio <= 1.3 ? 'met' : 'NOT met'}`);
