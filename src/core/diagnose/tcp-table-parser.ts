// A streaming, allocation-light parser of /proc/net/tcp{,6}: the tables can hold millions of rows, so rows are
// decoded from bytes at fixed offsets into one reused record, and only aggregates keep anything.
import { UserError } from '../errors.js';

/** One socket row; the parser reuses a single instance, so consumers copy what they keep. */
export interface TcpRecord {
  family: 4 | 6;
  /** IPv4 addresses as the kernel's u32 (first octet in the low byte); 0 for IPv6 rows. */
  local4: number;
  remote4: number;
  /** IPv6 addresses as the kernel's hex text; '' for IPv4 rows (no string is made per IPv4 row). */
  localHex: string;
  localPort: number;
  remoteHex: string;
  remotePort: number;
  /** Kernel state code (1 ESTABLISHED ... 10 LISTEN, 12 NEW_SYN_RECV); see TCP_STATE_NAMES. */
  state: number;
  txQueue: number;
  rxQueue: number;
  /** A listener's accept queue limit, min(listen() backlog, somaxconn); -1 when the source does not show it
   *  (/proc/net/tcp prints write_seq - snd_una as a listener's tx_queue, which is 0, not the limit). */
  listenBacklog: number;
  uid: number;
  inode: number;
}

/** A blank record for a reader to fill and reuse. */
export function emptyTcpRecord(family: 4 | 6): TcpRecord {
  return {
    family,
    local4: 0,
    remote4: 0,
    localHex: '',
    localPort: 0,
    remoteHex: '',
    remotePort: 0,
    state: 0,
    txQueue: 0,
    rxQueue: 0,
    listenBacklog: -1,
    uid: 0,
    inode: 0,
  };
}

/** Kernel TCP state names by code (include/net/tcp_states.h); /proc shows request sockets as SYN_RECV. */
export const TCP_STATE_NAMES = [
  '',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
] as const;

/** The states people see, in the kernel's order (request sockets are shown as SYN_RECV, as ss does). */
export const SHOWN_TCP_STATES = TCP_STATE_NAMES.slice(1, 12);

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

/** Feeds chunks of a table; calls onRow for every data row. Malformed rows throw a UserError naming file and line. */
export class TcpTableParser {
  private carry: Buffer | null = null;
  private lineNo = 0;
  private readonly rec: TcpRecord;

  constructor(
    private readonly family: 4 | 6,
    private readonly file: string,
    private readonly onRow: (r: TcpRecord) => void,
  ) {
    this.rec = emptyTcpRecord(family);
  }

  /** Parses every complete line in the chunk; a partial last line waits for the next chunk. */
  push(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const rest = this.parseLines(buf, 0, buf.length);
    this.carry = rest < buf.length ? Buffer.from(buf.subarray(rest)) : null;
  }

  /**
   * Parses the complete lines in buf[start, end) and returns where the unparsed remainder starts. For readers that
   * manage their own buffer (no copy per chunk): move the remainder to the front and read after it.
   */
  parseLines(buf: Buffer, start: number, end: number): number {
    let from = start;
    for (let nl = buf.indexOf(10, from); nl !== -1 && nl < end; nl = buf.indexOf(10, from)) {
      this.line(buf, from, nl);
      from = nl + 1;
    }
    return from;
  }

  /** Parses a last line without a newline. */
  end(): void {
    if (this.carry && this.carry.length) this.line(this.carry, 0, this.carry.length);
    this.carry = null;
  }

  private line(b: Buffer, s: number, e: number): void {
    const lineNo = ++this.lineNo;
    let i = s;
    while (i < e && b[i] === 32) i++;
    if (i === e) return;
    if (b[i] === 115 /* 's' of the "sl" header */ && lineNo === 1) return;
    while (i < e && b[i] !== 58) i++; // the "sl:" counter is variable width
    const addrLen = this.family === 4 ? 8 : 32;
    const a = i + 2; // local address
    const need = a + 2 * (addrLen + 6) + 3 + 18 + 12 + 9;
    if (b[i] !== 58 || e < need) this.fail(lineNo, 'truncated row');
    const r = this.rec;
    const ra = a + addrLen + 6;
    if (b[a + addrLen] !== 58 || b[ra + addrLen] !== 58 || b[ra - 1] !== 32) this.fail(lineNo, 'bad address field');
    r.local4 = 0;
    r.remote4 = 0;
    if (this.family === 4) {
      r.local4 = this.hex(b, a, 8, lineNo, 'a hex address');
      r.remote4 = this.hex(b, ra, 8, lineNo, 'a hex address');
    } else {
      this.checkHex(b, a, addrLen, lineNo);
      this.checkHex(b, ra, addrLen, lineNo);
      r.localHex = b.toString('latin1', a, a + addrLen);
      r.remoteHex = b.toString('latin1', ra, ra + addrLen);
    }
    r.localPort = this.hex(b, a + addrLen + 1, 4, lineNo);
    r.remotePort = this.hex(b, ra + addrLen + 1, 4, lineNo);
    const st = ra + addrLen + 6;
    r.state = this.hex(b, st, 2, lineNo);
    if (r.state < 1 || r.state > 12) this.fail(lineNo, `unknown state "${b.toString('latin1', st, st + 2)}"`);
    r.txQueue = this.hex(b, st + 3, 8, lineNo);
    r.rxQueue = this.hex(b, st + 12, 8, lineNo);
    // then " tr:tm->when retrnsmt" (fixed width), then uid, timeout, inode separated by runs of spaces
    this.pos = st + 21 + 12 + 9;
    r.uid = this.decimal(b, e, lineNo);
    this.decimal(b, e, lineNo);
    r.inode = this.decimal(b, e, lineNo);
    this.onRow(r);
  }

  private pos = 0;

  /** The next run of digits after spaces, from this.pos (no closure per row: this runs millions of times). */
  private decimal(b: Buffer, e: number, lineNo: number): number {
    let j = this.pos;
    while (j < e && b[j] === 32) j++;
    const from = j;
    let n = 0;
    for (let c = b[j] ?? 0; j < e && c >= 48 && c <= 57; c = b[++j] ?? 0) n = n * 10 + (c - 48);
    if (j === from) this.fail(lineNo, 'missing uid, timeout or inode');
    this.pos = j;
    return n;
  }

  private checkHex(b: Buffer, at: number, len: number, lineNo: number): void {
    for (let k = at; k < at + len; k++) {
      if ((HEX[b[k] ?? 0] ?? -1) < 0) this.fail(lineNo, `"${b.toString('latin1', at, at + len)}" is not a hex address`);
    }
  }

  private hex(b: Buffer, at: number, len: number, lineNo: number, what = 'hex'): number {
    let n = 0;
    for (let k = at; k < at + len; k++) {
      const v = HEX[b[k] ?? 0] ?? -1;
      if (v < 0) this.fail(lineNo, `"${b.toString('latin1', at, at + len)}" is not ${what}`);
      n = n * 16 + v;
    }
    return n;
  }

  private fail(lineNo: number, why: string): never {
    throw new UserError(`malformed socket row: ${why}`, { file: this.file, line: lineNo });
  }
}
