// Bounded aggregates of the socket tables, built row by row: everything diagnose, check and metrics report on.
// Hot path: IPv4 rows (the bulk on most hosts) are counted under numeric keys, never strings.
import { BoundedCounter } from './bounded-counter.js';
import { hexToAddress, ipv4FromKernel } from './socket-address.js';
import { TCP_STATE_NAMES, type TcpRecord } from './tcp-table-parser.js';

/** Distinct keys kept exactly per aggregate; beyond it counts go to `untracked` (memory stays bounded). */
export const KEY_CAP = 10_000;

const P16 = 65536;
const P48 = 2 ** 48;
/** Local IPv4 addresses get a small index so (local, remote, port) fits one exact number below 2^53. */
const LOCAL_INDEX_CAP = 31;

export interface ListenerStat {
  address: string;
  port: number;
  /** Accept queue now (connections waiting for accept()) and its limit min(listen() backlog, somaxconn), which
   *  only netlink shows (null from /proc/net/tcp). */
  acceptQueue: number;
  backlog: number | null;
}

/** Row-by-row census of the TCP tables. */
export class SocketCensus {
  private readonly states = new Float64Array(TCP_STATE_NAMES.length);
  readonly listeners: ListenerStat[] = [];
  /** Listening ports per table: an accepted connection is in the same table as its listener (v4-mapped peers of a
   *  dual-stack listener are in tcp6), so the tables can be read concurrently and still classify the same. */
  private readonly listenerPorts = { 4: new Set<number>(), 6: new Set<number>() };
  /** TIME_WAIT where the local port is a listener (this host accepted and closed first), by remote address. */
  readonly serverTimeWait = new BoundedCounter<number | string>(KEY_CAP);
  /** TIME_WAIT of outgoing connections (this host connected and closed first), by remote address and port. */
  readonly clientTimeWait = new BoundedCounter<number | string>(KEY_CAP);
  /** Outgoing connections by (local address, remote address, remote port): where ephemeral ports run out. */
  readonly ephemeralUse = new BoundedCounter<number | string>(KEY_CAP);
  /** SYN_RECV (incl. request sockets) by local port. */
  readonly synRecvByPort = new BoundedCounter<number>(P16);
  /** CLOSE_WAIT by local port (a leaking service usually shows on its own listening port). */
  readonly closeWaitByPort = new BoundedCounter<number>(P16);
  /** Inodes of CLOSE_WAIT sockets, for attribution to processes. */
  readonly closeWaitInodes = new Set<number>();
  rows = 0;
  private readonly localIndex = new Map<number, number>();
  private readonly localByIndex: number[] = [];

  constructor(private readonly ephemeral: { low: number; high: number }) {}

  /** Adds one row (the parser reuses the record: copy, never keep it). */
  add(r: TcpRecord): void {
    this.rows++;
    const state = r.state;
    this.states[state === 12 ? 3 : state]!++;
    const v4 = r.family === 4;
    if (state === 10) {
      this.listeners.push({
        address: v4 ? ipv4FromKernel(r.local4) : (hexToAddress(r.localHex, 6) ?? r.localHex),
        port: r.localPort,
        acceptQueue: r.rxQueue,
        backlog: r.listenBacklog >= 0 ? r.listenBacklog : null,
      });
      this.listenerPorts[r.family].add(r.localPort);
      return;
    }
    const server = this.listenerPorts[r.family].has(r.localPort);
    if (state === 6) {
      if (server) this.serverTimeWait.add(v4 ? r.remote4 : `6|${r.remoteHex}`);
      else this.clientTimeWait.add(v4 ? r.remote4 * P16 + r.remotePort : `6|${r.remoteHex}|${r.remotePort}`);
    } else if (state === 3 || state === 12) {
      this.synRecvByPort.add(r.localPort);
    } else if (state === 8) {
      this.closeWaitByPort.add(r.localPort);
      // Past the cap (or with no inode) a socket is simply not attributed: the report counts it as unattributed.
      if (r.inode !== 0 && this.closeWaitInodes.size < KEY_CAP) this.closeWaitInodes.add(r.inode);
    }
    if (!server && r.localPort >= this.ephemeral.low && r.localPort <= this.ephemeral.high)
      this.ephemeralUse.add(this.tupleKey(r));
  }

  private tupleKey(r: TcpRecord): number | string {
    if (r.family === 4) {
      let li = this.localIndex.get(r.local4);
      if (li === undefined && this.localByIndex.length < LOCAL_INDEX_CAP) {
        li = this.localByIndex.push(r.local4) - 1;
        this.localIndex.set(r.local4, li);
      }
      if (li !== undefined) return li * P48 + r.remote4 * P16 + r.remotePort;
      return `4|${ipv4FromKernel(r.local4)}|${ipv4FromKernel(r.remote4)}|${r.remotePort}`;
    }
    return `6|${hexToAddress(r.localHex, 6)}|${hexToAddress(r.remoteHex, 6)}|${r.remotePort}`;
  }

  /** Sockets in a state (SYN_RECV includes request sockets, as ss shows them). */
  count(state: string): number {
    const i = TCP_STATE_NAMES.indexOf(state as (typeof TCP_STATE_NAMES)[number]);
    return i > 0 ? (this.states[i] ?? 0) : 0;
  }

  /** Counts by state name, only states present. */
  byState(): Record<string, number> {
    const out: Record<string, number> = {};
    this.states.forEach((n, i) => {
      if (n > 0 && i > 0) out[TCP_STATE_NAMES[i] ?? `STATE_${i}`] = n;
    });
    return out;
  }

  /** A client TIME_WAIT key as destination address and port. */
  destinationOf(key: number | string): { remote: string; port: number } {
    if (typeof key === 'number') return { remote: ipv4FromKernel(Math.floor(key / P16)), port: key % P16 };
    const [, hex = '', port = '0'] = key.split('|');
    return { remote: hexToAddress(hex, 6) ?? hex, port: Number(port) };
  }

  /** A server TIME_WAIT key as the client's address. */
  clientOf(key: number | string): string {
    if (typeof key === 'number') return ipv4FromKernel(key);
    const hex = key.split('|')[1] ?? '';
    return hexToAddress(hex, 6) ?? hex;
  }

  /** An ephemeral-use key as (local, remote, port). */
  tupleOf(key: number | string): { local: string; remote: string; port: number } {
    if (typeof key === 'number') {
      const li = Math.floor(key / P48);
      const rest = key - li * P48;
      return {
        local: ipv4FromKernel(this.localByIndex[li] ?? 0),
        remote: ipv4FromKernel(Math.floor(rest / P16)),
        port: rest % P16,
      };
    }
    const [, local = '', remote = '', port = '0'] = key.split('|');
    return { local, remote, port: Number(port) };
  }
}
