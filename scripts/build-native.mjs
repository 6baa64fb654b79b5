// Builds dist/tcp-diag from native/tcp-diag.c with the host's C compiler ($CC, else cc). The helper is optional:
// without a compiler tune reads /proc/net/tcp instead (same results, slower on large tables), so a missing compiler
// is a notice, not a failure. A compiler that rejects the source is a failure (that is a bug to fix).
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';

const out = 'dist/tcp-diag';
const cc = process.env.CC || 'cc';
mkdirSync('dist', { recursive: true });
rmSync(out, { force: true });
const tmp = `${out}.tmp`;
const r = spawnSync(
  cc,
  ['-O2', '-Wall', '-Wextra', '-Werror', '-std=c11', '-D_GNU_SOURCE', '-o', tmp, 'native/tcp-diag.c'],
  {
    stdio: 'inherit',
  },
);
if (r.error && r.error.code === 'ENOENT') {
  console.warn(`note: no C compiler (${cc}): dist/tcp-diag not built; tune diagnose will read /proc/net/tcp`);
} else if (r.status !== 0) {
  rmSync(tmp, { force: true });
  console.error(`native/tcp-diag.c did not compile with ${cc}`);
  process.exit(1);
} else {
  renameSync(tmp, out);
}
