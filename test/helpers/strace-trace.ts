// Reads `strace -f -y` output: the calls of the traced program's main thread (the one that execve'd), numbered per
// syscall the way `-e inject=SC:...:when=N` counts them, with the paths each names (fd annotations and path strings).
import { spawnSync } from 'node:child_process';

/** Why a test that needs strace cannot run here (false when it can). */
export const skipUnlessStrace: string | false =
  process.getuid?.() !== 0
    ? 'needs root (unshare, strace)'
    : spawnSync('strace', ['-V']).status !== 0 && 'needs strace (scripts/install-test-tools)';

export interface TracedCall {
  sc: string;
  /** 1-based number of this call among the main thread's calls of the same syscall. */
  n: number;
  /** Every absolute path in the arguments (not the result, not the working directory), in order. */
  paths: string[];
  line: string;
}

const PATHS = /["<](\/[^"<>]*)/g;

/** The main thread's calls, in order (an `<unfinished ...>` call counts where it starts). */
export function mainThreadCalls(trace: string): TracedCall[] {
  const lines = trace.split('\n');
  const main = lines.map((l) => /^(\d+)\s+execve\(/.exec(l)?.[1]).find((pid) => pid !== undefined);
  if (!main) throw new Error('no execve in the trace (run strace -f with trace=execve,...)');
  const counts = new Map<string, number>();
  const out: TracedCall[] = [];
  for (const line of lines) {
    const m = /^(\d+)\s+(\w+)\((.*)$/.exec(line);
    if (!m || m[1] !== main || m[2] === 'execve') continue;
    const sc = m[2] ?? '';
    const n = (counts.get(sc) ?? 0) + 1;
    counts.set(sc, n);
    const args = line.replace(/\)\s+= .*$/, ')').replace(/AT_FDCWD<[^>]*>/g, 'AT_FDCWD');
    const paths = [...args.matchAll(PATHS)].map((p) => p[1] ?? '').filter((p) => p !== '');
    out.push({ sc, n, paths, line });
  }
  return out;
}
