// Builds dist/tcp-diag from native/tcp-diag.c with the host's C compiler ($CC, else cc). The helper is optional:
// without a compiler tune reads /proc/net/tcp instead (same results, slower on large tables), so a missing compiler
// is a notice, not a failure. In the repository a compiler that rejects the source is a failure (that is a bug to
// fix); with --optional (the npm package's install step, on a host that may lack the kernel headers) it is a notice.
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';

const optional = process.argv.includes('--optional');
const out = 'dist/tcp-diag';
const cc = process.env.CC || 'cc';
const fallback = 'tune diagnose will read /proc/net/tcp';
mkdirSync('dist', { recursive: true });
rmSync(out, { force: true });
const tmp = `${out}.tmp`;
const r = spawnSync(
  cc,
  [
    ...['-O2', '-Wall', '-Wextra', '-Werror', '-std=c11', '-D_GNU_SOURCE'],
    // Debian's hardening defaults (the .deb ships this binary); -s: no symbols to strip afterwards.
    ...['-D_FORTIFY_SOURCE=2', '-fstack-protector-strong', '-fPIE', '-pie', '-Wl,-z,relro,-z,now', '-s'],
    ...['-o', tmp, 'native/tcp-diag.c'],
  ],
  { stdio: optional ? ['ignore', 'ignore', 'pipe'] : 'inherit' },
);
if (r.error && r.error.code === 'ENOENT') {
  console.warn(`note: no C compiler (${cc}): dist/tcp-diag not built; ${fallback}`);
} else if (r.status !== 0) {
  rmSync(tmp, { force: true });
  if (!optional) {
    console.error(`native/tcp-diag.c did not compile with ${cc}`);
    process.exit(1);
  }
  const why =
    String(r.stderr ?? '')
      .split('\n')
      .find((l) => /error/.test(l)) ?? `${cc} failed`;
  console.warn(`note: the netlink helper did not compile (${why.trim()}); ${fallback}`);
} else {
  renameSync(tmp, out);
}
