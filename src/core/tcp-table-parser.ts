// A streaming, allocation-light parser of /proc/net/tcp{,6}: the tables can hold millions of rows, so rows are
// decoded from bytes at fixed offsets into one reused record, and only aggregates keep anything.
import { UserError } from './errors.js';

/** One socket row; the parser reuses a single instance, so consumers copy what they keep. */
export interface TcpRecord {
  family: 4 | 6;
  /** Addresses as the kernel's hex text (compact map keys); format with hexToAddress for people. */
  localHex: string;
  localPort: number;
  remoteHex: string;
  remotePort: number;
  /** Kernel state code (1 ESTABLISHED ... 10 LISTEN, 12 NEW_SYN_RECV); see TCP_STATE_NAMES. */
  state: number;
  txQueue: number;
  rxQueue: number;
  uid: number;
  inode: number;
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
    this.rec = {
      family,
      localHex: '',
      localPort: 0,
      remoteHex: '',
      remotePort: 0,
      state: 0,
      txQueue: 0,
      rxQueue: 0,
      uid: 0,
      inode: 0,
    };
  }

  /** Parses every complete line in the chunk; a partial last line waits for the next chunk. */
  push(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      this.line(buf, start, nl);
      start = nl + 1;
    }
    this.carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
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
    this.checkHex(b, a, addrLen, lineNo);
    this.checkHex(b, ra, addrLen, lineNo);
    r.localHex = b.toString('latin1', a, a + addrLen);
    r.localPort = this.hex(b, a + addrLen + 1, 4, lineNo);
    r.remoteHex = b.toString('latin1', ra, ra + addrLen);
    r.remotePort = this.hex(b, ra + addrLen + 1, 4, lineNo);
    const st = ra + addrLen + 6;
    r.state = this.hex(b, st, 2, lineNo);
    if (r.state < 1 || r.state > 12) this.fail(lineNo, `unknown state "${b.toString('latin1', st, st + 2)}"`);
    r.txQueue = this.hex(b, st + 3, 8, lineNo);
    r.rxQueue = this.hex(b, st + 12, 8, lineNo);
    // then " tr:tm->when retrnsmt" (fixed width), then uid, timeout, inode separated by runs of spaces
    let j = st + 21 + 12 + 9;
    const num = (): number => {
      while (j < e && b[j] === 32) j++;
      let n = 0;
      const from = j;
      for (let c = b[j] ?? 0; j < e && c >= 48 && c <= 57; c = b[++j] ?? 0) n = n * 10 + (c - 48);
      if (j === from) this.fail(lineNo, 'missing uid, timeout or inode');
      return n;
    };
    r.uid = num();
    num();
    r.inode = num();
    this.onRow(r);
  }

  private checkHex(b: Buffer, at: number, len: number, lineNo: number): void {
    for (let k = at; k < at + len; k++) {
      if ((HEX[b[k] ?? 0] ?? -1) < 0) this.fail(lineNo, `"${b.toString('latin1', at, at + len)}" is not a hex address`);
    }
  }

  private hex(b: Buffer, at: number, len: number, lineNo: number): number {
    let n = 0;
    for (let k = at; k < at + len; k++) {
      const v = HEX[b[k] ?? 0] ?? -1;
      if (v < 0) this.fail(lineNo, `"${b.toString('latin1', at, at + len)}" is not hex`);
      n = n * 16 + v;
    }
    return n;
  }

  private fail(lineNo: number, why: string): never {
    throw new UserError(`malformed socket row: ${why}`, { file: this.file, line: lineNo });
  }
}
