// Streams /proc/net/tcp and tcp6 into a SocketCensus with synchronous reads: the reader for --root trees and the
// live host's fallback when the netlink helper (socket-diag.ts) is missing or fails. procfs answers 4 KiB per read()
// whatever the buffer, so thread-pool reads pay a round trip per 4 KiB, and piping through `cat` on another core
// measured no faster (bench/diagnose-storm.mjs). Memory: one read buffer and the bounded aggregates, whatever the
// number of sockets.
import fs = require('node:fs');
import { SocketCensus } from '../core/socket-census.js';
import { TcpTableParser } from '../core/tcp-table-parser.js';
import { resolveHostPath, underRoot } from './host-root.js';

const CHUNK = 1 << 18;

/** Reads both tables under the root (a missing tcp6 is fine: IPv6 disabled). */
export function readSocketCensus(root: string, ephemeral: { low: number; high: number }): SocketCensus {
  const census = new SocketCensus(ephemeral);
  const add = census.add.bind(census);
  const buf = Buffer.allocUnsafe(CHUNK);
  for (const [file, family] of [
    ['/proc/net/tcp', 4],
    ['/proc/net/tcp6', 6],
  ] as const) {
    let fd: number;
    try {
      fd = fs.openSync(underRoot(root, resolveHostPath(root, file) ?? file), 'r');
    } catch {
      continue;
    }
    try {
      const parser = new TcpTableParser(family, file, add);
      let kept = 0; // bytes of a partial line carried at the front of buf
      for (let n; (n = fs.readSync(fd, buf, kept, CHUNK - kept, null)) > 0;) {
        const end = kept + n;
        const rest = parser.parseLines(buf, 0, end);
        if (rest === 0 && end === CHUNK) throw new Error(`${file}: a row longer than ${CHUNK} bytes`);
        buf.copyWithin(0, rest, end);
        kept = end - rest;
      }
      parser.push(buf.subarray(0, kept));
      parser.end();
    } finally {
      fs.closeSync(fd);
    }
  }
  return census;
}
