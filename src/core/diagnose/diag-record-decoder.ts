// Decodes the fixed binary records of native/tcp-diag.c (one per socket, from netlink sock_diag) into the same
// TcpRecord the /proc/net/tcp parser produces, so one SocketCensus counts both sources the same way.
import { emptyTcpRecord, TCP_STATE_NAMES, type TcpRecord } from './tcp-table-parser.js';

/** Bytes per record; the layout is documented at the top of native/tcp-diag.c. */
export const DIAG_RECORD_SIZE = 56;

// Little-endian reads by plain indexing: a million calls of Buffer's checked readers cost time and JIT memory.
const u16 = (b: Buffer, at: number): number => (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
const u32 = (b: Buffer, at: number): number =>
  ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16)) + (b[at + 3] ?? 0) * 0x1000000;

/** The kernel's hex text of an IPv6 address as /proc/net/tcp6 prints it: four host-order (little-endian) words. */
function ipv6Hex(b: Buffer, at: number): string {
  let s = '';
  for (let w = 0; w < 16; w += 4)
    s += u32(b, at + w)
      .toString(16)
      .toUpperCase()
      .padStart(8, '0');
  return s;
}

/** What the helper says besides sockets (see native/tcp-diag.c). */
export interface DiagExtras {
  owner(inode: number, pid: number): void;
  mark(): void;
  /** How many processes' fd directories the owner scan could not read (sent only when some). */
  unreadable?(processes: number): void;
}

/** Feeds chunks of the helper's output (any split); calls onRow per record. A bad record throws (a helper bug). */
export class DiagRecordDecoder {
  /** The start of a record split across chunks (fewer than DIAG_RECORD_SIZE bytes are ever kept). */
  private readonly carry = Buffer.alloc(DIAG_RECORD_SIZE);
  private carried = 0;
  private readonly rec: TcpRecord = emptyTcpRecord(4);
  records = 0;

  constructor(
    private readonly onRow: (r: TcpRecord) => void,
    /** Owner records (the helper's --owners: which process holds a socket inode), round marks (--sample) and the
     *  count of processes whose sockets could not be looked at. */
    private readonly extras?: DiagExtras,
  ) {}

  /** Decodes the first `length` bytes of a chunk in place: a record split across chunks is completed in a fixed buffer, so no chunk is ever
   *  copied or kept (copies of 64 KiB reads were most of the memory a 1M-socket dump took). */
  push(chunk: Uint8Array, length = chunk.length): void {
    const b = chunk as Buffer;
    let at = 0;
    if (this.carried > 0) {
      const need = Math.min(DIAG_RECORD_SIZE - this.carried, length);
      this.carry.set(b.subarray(0, need), this.carried);
      this.carried += need;
      at = need;
      if (this.carried < DIAG_RECORD_SIZE) return;
      this.carried = 0;
      this.decode(this.carry, 0);
    }
    const end = length - ((length - at) % DIAG_RECORD_SIZE);
    for (; at < end; at += DIAG_RECORD_SIZE) this.decode(b, at);
    if (end < length) {
      this.carry.set(b.subarray(end, length), 0);
      this.carried = length - end;
    }
  }

  /** Checks that the stream ended on a record boundary. */
  end(): void {
    if (this.carried > 0) throw new Error(`tcp-diag output ends inside a record (${this.carried} stray bytes)`);
  }

  private decode(b: Buffer, at: number): void {
    const r = this.rec;
    const family = b[at];
    if (family === 0xff && this.extras) return this.extras.owner(u32(b, at + 52), u32(b, at + 4));
    if (family === 0xfe && this.extras) return this.extras.mark();
    if (family === 0xfd && this.extras) return this.extras.unreadable?.(u32(b, at + 4));
    const state = b[at + 1] ?? 0;
    if ((family !== 4 && family !== 6) || state < 1 || state >= TCP_STATE_NAMES.length)
      throw new Error(`tcp-diag record ${this.records + 1}: family ${family}, state ${state}`);
    r.family = family;
    r.state = state;
    r.localPort = u16(b, at + 4);
    r.remotePort = u16(b, at + 6);
    if (family === 4) {
      r.local4 = u32(b, at + 8);
      r.remote4 = u32(b, at + 24);
      r.localHex = '';
      r.remoteHex = '';
    } else {
      r.local4 = 0;
      r.remote4 = 0;
      r.localHex = ipv6Hex(b, at + 8);
      r.remoteHex = ipv6Hex(b, at + 24);
    }
    r.rxQueue = u32(b, at + 40);
    r.txQueue = u32(b, at + 44);
    // sock_diag reports a listener's limit (sk_max_ack_backlog) as its send queue.
    r.listenBacklog = state === 10 ? r.txQueue : -1;
    r.uid = u32(b, at + 48);
    r.inode = u32(b, at + 52);
    this.records++;
    this.onRow(r);
  }
}
