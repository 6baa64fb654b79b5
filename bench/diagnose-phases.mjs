// Where `tune diagnose` spends its time (run inside a storm by bench/diagnose-sizes.mjs): Node start-up, loading
// tune, the netlink dump alone, the dump decoded into the census, the full gather (owners, counters, sysctls), and
// diagnosing plus rendering. Prints one JSON line of milliseconds.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const B = path.join(repo, 'build/src');
const bare = performance.now();
spawnSync(process.execPath, ['-e', '0']);
const startupMs = performance.now() - bare;
const v = performance.now();
spawnSync(process.execPath, [path.join(repo, 'bin/tune.cjs'), '--version']);
const tuneVersionMs = performance.now() - v;

const t0 = performance.now();
const { SocketCensus } = await import(`${B}/core/diagnose/socket-census.js`);
const { readRowsNetlink } = await import(`${B}/system/sockets/socket-diag.js`);
const { gatherDiagnosisInput } = await import(`${B}/system/sockets/diagnosis-reader.js`);
const { diagnose } = await import(`${B}/core/diagnose/diagnosis.js`);
const { renderDiagnosis } = await import(`${B}/core/diagnose/render-diagnosis.js`);
const { plainStyle } = await import(`${B}/core/text/text-style.js`);
const helper = path.join(repo, 'dist/tcp-diag');
const t1 = performance.now();
let n = 0;
await readRowsNetlink(helper, () => n++);
const t2 = performance.now();
const c = new SocketCensus({ low: 1024, high: 65535 });
await readRowsNetlink(helper, (r) => c.add(r));
const t3 = performance.now();
const input = await gatherDiagnosisInput({
  root: '/',
  now: () => new Date(),
  topN: 5,
  interval: 0,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  source: 'auto',
  runDir: null,
});
const t4 = performance.now();
const report = diagnose(input);
JSON.stringify(report, null, 2);
renderDiagnosis(report, plainStyle);
const t5 = performance.now();
console.log(
  JSON.stringify({
    rows: n,
    nodeStartupMs: startupMs,
    tuneVersionMs,
    loadModulesMs: t1 - t0,
    dumpOnlyMs: t2 - t1,
    dumpAndCensusMs: t3 - t2,
    gatherWithOwnersMs: t4 - t3,
    diagnoseAndRenderMs: t5 - t4,
  }),
);
