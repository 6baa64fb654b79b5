// Median wall time of `tune apply -p short-connection-api --yes` and `tune rollback --yes` in a private network
// namespace (issue 3). Needs root. Usage: node bench/apply-rollback.mjs [runs=15]   (after `npm run build`)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 15);
const repo = fileURLToPath(new URL('..', import.meta.url));
const driver = `
const { spawnSync } = require('child_process');
const t = (args) => { const s = process.hrtime.bigint(); const r = spawnSync(process.execPath, [${JSON.stringify(`${repo}bin/tune.cjs`)}, ...args], { encoding: 'utf8' }); if (r.status !== 0) throw new Error(r.stderr); return Number(process.hrtime.bigint() - s) / 1e6; };
const a = [], r = [];
for (let i = 0; i < ${runs}; i++) { a.push(t(['apply', '-p', 'short-connection-api', '--yes'])); r.push(t(['rollback', '--yes'])); }
process.stdout.write(JSON.stringify({ a, r }));`;
const res = spawnSync(`${repo}scripts/netns-sandbox`, [process.execPath, '-e', driver], { encoding: 'utf8' });
if (res.status !== 0) throw new Error(res.stderr);
const { a, r } = JSON.parse(res.stdout);
const median = (x) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)];
console.log(
  `${runs} runs each in a private namespace: apply median ${median(a).toFixed(1)} ms, rollback median ${median(r).toFixed(1)} ms`,
);
