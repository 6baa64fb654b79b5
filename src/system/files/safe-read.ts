// Opens a file tune reads without trusting what kind of file it is: O_NONBLOCK so opening a FIFO never waits for a
// writer, fstat so only regular files are read (procfs files are regular files of size 0, so the size never
// decides), and a bounded read so a huge file cannot exhaust memory. Every reader of host and user files goes through
// here; the caller turns the error codes below into its own one-line message or finding.
import fs = require('node:fs');

/**
 * Profiles, sysctl.d files and the small /proc files tune reads (a sysctl value, meminfo, snmp): real ones are a
 * few KiB, so 1 MiB is far above any genuine file and still cheap to hold.
 */
export const TEXT_LIMIT = 1 << 20;

/** Why a file was not read: not a regular file, or larger than the caller's limit. */
export class UnreadableFile extends Error {
  /** NOTREG: a FIFO, device, socket or directory; TOOBIG: over the limit. Never an errno, so never confused with one. */
  readonly code: 'NOTREG' | 'TOOBIG';
  constructor(code: 'NOTREG' | 'TOOBIG', message: string) {
    super(message);
    this.name = 'UnreadableFile';
    this.code = code;
  }
}

/** What a non-regular file is, in words for a message. */
export function fileKind(st: fs.Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'an unknown kind';
}

/** The one-line reason for any error thrown here or by fs: `not a regular file (a FIFO)`, `ENOENT`. */
export function readErrorText(e: unknown): string {
  if (e instanceof UnreadableFile) return e.message;
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

export interface OpenOptions {
  /** false: refuse a symlink at the last component (O_NOFOLLOW, ELOOP). */
  follow: boolean;
  /**
   * The live host's procfs (/proc/sys, /proc/net/tcp): it holds only its own regular files and directories, so the
   * fstat is skipped there (a directory still fails at read() with EISDIR; O_NONBLOCK and the bounded read still
   * hold). Those reads are the hot path of `tune plan` start-up, where every syscall shows.
   */
  procfs?: boolean;
}

/** Opens a regular file for reading; throws fs errors (ENOENT, ELOOP, EACCES) or UnreadableFile NOTREG. */
export function openRegular(file: string, opts: OpenOptions): number {
  const c = fs.constants;
  const fd = fs.openSync(file, c.O_RDONLY | c.O_NONBLOCK | (opts.follow ? 0 : c.O_NOFOLLOW));
  if (opts.procfs) return fd;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UnreadableFile('NOTREG', `not a regular file (${fileKind(st)})`);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  return fd;
}

/** openRegular on the thread pool, for reads that overlap other work (fstat is one cheap synchronous call). */
export async function openRegularAsync(file: string, opts: OpenOptions): Promise<fs.promises.FileHandle> {
  const c = fs.constants;
  const h = await fs.promises.open(file, c.O_RDONLY | c.O_NONBLOCK | (opts.follow ? 0 : c.O_NOFOLLOW));
  if (opts.procfs) return h;
  try {
    const st = fs.fstatSync(h.fd);
    if (!st.isFile()) throw new UnreadableFile('NOTREG', `not a regular file (${fileKind(st)})`);
  } catch (e) {
    await h.close();
    throw e;
  }
  return h;
}

export interface ReadOptions extends OpenOptions {
  /** Most bytes read. */
  limit: number;
  /** Over the limit: return the first `limit` bytes (a sample is enough) instead of throwing TOOBIG. */
  truncate?: boolean;
}

/** Reads an open file from its current offset to the end, at most `limit` bytes (see ReadOptions.truncate). */
export function readFdBounded(fd: number, limit: number, truncate = false): Buffer {
  // procfs answers at most a page per read() whatever the size, and reports size 0: read until end of file.
  let buf = Buffer.allocUnsafe(Math.min(limit + 1, 4096));
  let used = 0;
  for (;;) {
    if (used === buf.length) {
      if (used > limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buf.length * 4));
      buf.copy(bigger, 0, 0, used);
      buf = bigger;
    }
    const n = fs.readSync(fd, buf, used, buf.length - used, null);
    if (n === 0) break;
    used += n;
  }
  if (used > limit) {
    if (truncate) return buf.subarray(0, limit);
    throw new UnreadableFile('TOOBIG', `larger than ${describeBytes(limit)}`);
  }
  return buf.subarray(0, used);
}

/** Reads a whole regular file, bounded. Throws fs errors or UnreadableFile (see readErrorText). */
export function readRegular(file: string, opts: ReadOptions): Buffer {
  const fd = openRegular(file, opts);
  try {
    return readFdBounded(fd, opts.limit, opts.truncate);
  } finally {
    fs.closeSync(fd);
  }
}

/** `1 MiB`, `256 KiB`, `12 bytes`: limits as people read them. */
export function describeBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}
