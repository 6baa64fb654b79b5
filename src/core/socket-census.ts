// Bounded aggregates of the socket tables, built row by row: everything diagnose, check and metrics report on.
import { BoundedCounter } from './bounded-counter.js';
import { TCP_STATE_NAMES, type TcpRecord } from './tcp-table-parser.js';

/** Distinct keys kept exactly per aggregate; beyond it counts go to `untracked` (memory stays bounded). */
export const KEY_CAP = 50_000;

export interface ListenerStat {
  family: 4 | 6;
  localHex: string;
  port: number;
  /** Accept queue now (rx_queue of a LISTEN row) and its limit min(backlog, somaxconn) (tx_queue). */
  acceptQueue: number;
  backlog: number;
}

/** Row-by-row census of the TCP tables. */
export class SocketCensus {
  readonly byState = new Map<string, number>();
  readonly listeners: ListenerStat[] = [];
  readonly listenerPorts = new Set<number>();
  /** TIME_WAIT where the local port is a listener (this host accepted and closed first): by remote address. */
  readonly serverTimeWait = new BoundedCounter<string>(KEY_CAP);
  /** TIME_WAIT of outgoing connections (this host connected and closed first): by "family|remoteHex|port". */
  readonly clientTimeWait = new BoundedCounter<string>(KEY_CAP);
  /** Outgoing connections by 4-tuple minus the local port: "family|localHex|remoteHex|port" (ephemeral use). */
  readonly ephemeralUse = new BoundedCounter<string>(KEY_CAP);
  /** SYN_RECV (incl. request sockets) by local port. */
  readonly synRecvByPort = new BoundedCounter<number>(65536);
  /** Inodes of CLOSE_WAIT sockets, for attribution to processes. */
  readonly closeWaitInodes = new Set<number>();
  closeWaitUntracked = 0;
  /** CLOSE_WAIT by local port (a leaking service usually shows on its own listening port). */
  readonly closeWaitByPort = new BoundedCounter<number>(65536);
  rows = 0;

  constructor(private readonly ephemeral: { low: number; high: number }) {}

  /** Adds one row (the parser reuses the record: copy, never keep it). */
  add(r: TcpRecord): void {
    this.rows++;
    const name = TCP_STATE_NAMES[r.state === 12 ? 3 : r.state] ?? 'UNKNOWN';
    this.byState.set(name, (this.byState.get(name) ?? 0) + 1);
    if (r.state === 10) {
      this.listeners.push({
        family: r.family,
        localHex: r.localHex,
        port: r.localPort,
        acceptQueue: r.rxQueue,
        backlog: r.txQueue,
      });
      this.listenerPorts.add(r.localPort);
      return;
    }
    const server = this.listenerPorts.has(r.localPort);
    if (r.state === 6) {
      if (server) this.serverTimeWait.add(`${r.family}|${r.remoteHex}`);
      else this.clientTimeWait.add(`${r.family}|${r.remoteHex}|${r.remotePort}`);
    } else if (r.state === 3 || r.state === 12) {
      this.synRecvByPort.add(r.localPort);
    } else if (r.state === 8) {
      this.closeWaitByPort.add(r.localPort);
      if (r.inode !== 0 && this.closeWaitInodes.size < KEY_CAP) this.closeWaitInodes.add(r.inode);
      else this.closeWaitUntracked++;
    }
    if (!server && r.localPort >= this.ephemeral.low && r.localPort <= this.ephemeral.high)
      this.ephemeralUse.add(`${r.family}|${r.localHex}|${r.remoteHex}|${r.remotePort}`);
  }

  /** Sockets in a state (SYN_RECV includes request sockets, as ss shows them). */
  count(state: string): number {
    return this.byState.get(state) ?? 0;
  }
}
