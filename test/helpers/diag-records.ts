// Builds the binary records native/tcp-diag.c writes (its header documents the layout) from the same row specs the
// /proc/net/tcp text helpers take, so both sources can be fed the same sockets.
import { DIAG_RECORD_SIZE } from '../../src/core/diagnose/diag-record-decoder.js';
import type { RowSpec } from './tcp-rows.js';

function addressBytes(address: string, family: 4 | 6): number[] {
  if (family === 4) return address.split('.').map(Number);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return [...Array(10).fill(0), 0xff, 0xff, ...(mapped[1] ?? '').split('.').map(Number)];
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array(8 - h.length - t.length).fill('0'), ...t]
    .map((g) => parseInt(g, 16))
    .flatMap((g) => [g >> 8, g & 255]);
}

/** The records of a table, in row order. */
export function diagRecords(rows: RowSpec[], family: 4 | 6 = 4): Buffer {
  const b = Buffer.alloc(rows.length * DIAG_RECORD_SIZE);
  rows.forEach((r, i) => {
    const at = i * DIAG_RECORD_SIZE;
    b[at] = family;
    b[at + 1] = r.state;
    b.writeUInt16LE(r.lport, at + 4);
    b.writeUInt16LE(r.rport ?? 0, at + 6);
    Buffer.from(addressBytes(r.local, family)).copy(b, at + 8);
    Buffer.from(addressBytes(r.remote ?? (family === 4 ? '0.0.0.0' : '::'), family)).copy(b, at + 24);
    b.writeUInt32LE(r.rx ?? 0, at + 40);
    b.writeUInt32LE(r.tx ?? 0, at + 44);
    b.writeUInt32LE(1000, at + 48);
    b.writeUInt32LE(r.inode ?? 0, at + 52);
  });
  return b;
}
