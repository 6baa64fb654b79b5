// Streams /proc/net/tcp and tcp6 into a SocketCensus: memory holds one read buffer and the bounded aggregates.
import fs = require('node:fs');
import { SocketCensus } from '../core/socket-census.js';
import { TcpTableParser } from '../core/tcp-table-parser.js';
import { resolveHostPath, underRoot } from './host-root.js';

const CHUNK = 1 << 20;

/** Reads both tables under the root (a missing tcp6 is fine: IPv6 disabled). */
export function readSocketCensus(root: string, ephemeral: { low: number; high: number }): SocketCensus {
  const census = new SocketCensus(ephemeral);
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
      const parser = new TcpTableParser(family, file, (r) => census.add(r));
      for (let n; (n = fs.readSync(fd, buf, 0, CHUNK, null)) > 0;) parser.push(buf.subarray(0, n));
      parser.end();
    } finally {
      fs.closeSync(fd);
    }
  }
  return census;
}
