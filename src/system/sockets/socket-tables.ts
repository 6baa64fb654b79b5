// Streams /proc/net/tcp and tcp6 into a SocketCensus with synchronous reads: the reader for --root trees and the
// live host's fallback when the netlink helper (socket-diag.ts) is missing or fails. procfs answers 4 KiB per read()
// whatever the buffer, so thread-pool reads pay a round trip per 4 KiB, and piping through `cat` on another core
// measured no faster (bench/diagnose-storm.mjs). Memory: one read buffer and the bounded aggregates, whatever the
// number of sockets.
import fs = require('node:fs');
import { UserError } from '../../core/errors.js';
import type { SocketCensus } from '../../core/diagnose/socket-census.js';
import { TcpTableParser, type TcpRecord } from '../../core/diagnose/tcp-table-parser.js';
import { confinedPath, isLiveRoot } from '../files/host-root.js';
import { describeBytes, openRegular, readErrorText } from '../files/safe-read.js';

/** The read buffer, and so the longest row accepted: a real row is about 150 bytes. */
const CHUNK = 1 << 18;

/**
 * Reads both tables under the root (a missing tcp6 is fine: IPv6 disabled). A table that cannot be read (a FIFO,
 * a directory, a device, EACCES) or holds a row that is not one is a one-line error naming it: exit 1 on the live
 * host (it could not be read), exit 2 for a --root tree (bad input).
 */
export function readSocketCensus(root: string, census: SocketCensus): SocketCensus {
  readRowsProcfs(root, census.add.bind(census));
  return census;
}

/** Streams every row of both tables under the root to `add`. */
export function readRowsProcfs(root: string, add: (r: TcpRecord) => void): void {
  const buf = Buffer.allocUnsafe(CHUNK);
  const live = isLiveRoot(root);
  const fail = (file: string, why: string): never => {
    throw new UserError(why, { file }, live ? 1 : 2);
  };
  for (const [file, family] of [
    ['/proc/net/tcp', 4],
    ['/proc/net/tcp6', 6],
  ] as const) {
    let fd: number;
    try {
      fd = openRegular(confinedPath(root, file, 'follow'), { follow: live });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      return fail(file, `cannot read the socket table: ${readErrorText(e)}`);
    }
    try {
      const parser = new TcpTableParser(family, file, add);
      let kept = 0; // bytes of a partial line carried at the front of buf
      for (let n; (n = readChunk(fd, buf, kept, file, fail)) > 0;) {
        const end = kept + n;
        const rest = parser.parseLines(buf, 0, end);
        if (rest === 0 && end === CHUNK) fail(file, `a row longer than ${describeBytes(CHUNK)}: not a socket table`);
        buf.copyWithin(0, rest, end);
        kept = end - rest;
      }
      parser.push(buf.subarray(0, kept));
      parser.end();
    } finally {
      fs.closeSync(fd);
    }
  }
}

function readChunk(
  fd: number,
  buf: Buffer,
  kept: number,
  file: string,
  fail: (file: string, why: string) => never,
): number {
  try {
    return fs.readSync(fd, buf, kept, CHUNK - kept, null);
  } catch (e) {
    return fail(file, `cannot read the socket table: ${readErrorText(e)}`);
  }
}
