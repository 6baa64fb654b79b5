// Bounded aggregates of the socket tables, built row by row: everything diagnose, check and metrics report on.
// Hot path: IPv4 rows (the bulk on most hosts) are counted under numeric keys, never strings.
import { BoundedCounter } from './bounded-counter.js';
import { PortCounter } from './port-counter.js';
import { hexToAddress, ipv4FromKernel } from './socket-address.js';
import { matchesFilter, NO_FILTER, type SocketFilter } from './socket-filter.js';
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
  /** The listening socket's inode, to name its process (0 when unknown). */
  inode: number;
  /** Connections seen still in the accept queue (no owner yet: inode 0), and those of them the peer already closed. */
  queued: number;
  queuedClosed: number;
  /** Whether the listener itself passes the filter (a filtered-out listener is kept for classification). */
  shown: boolean;
}

interface ListenerKey {
  stat: ListenerStat;
  /** Bound address: IPv4 u32 or IPv6 hex; wildcard when 0 / all zeros. */
  local4: number;
  localHex: string;
  wildcard: boolean;
}

/** A remote endpoint as rows carry it (IPv4 u32 or IPv6 hex) and as people read it. */
export interface Destination {
  family: 4 | 6;
  v4: number;
  hex: string;
  port: number;
  remote: string;
}

/** Whether a row goes to the destination. */
export const goesTo = (r: TcpRecord, d: Destination): boolean =>
  r.remotePort === d.port && r.family === d.family && (d.family === 4 ? r.remote4 === d.v4 : r.remoteHex === d.hex);

/** Row-by-row census of the TCP tables. */
export class SocketCensus {
  private readonly states = new Float64Array(TCP_STATE_NAMES.length);
  readonly listeners: ListenerStat[] = [];
  /** Listeners per table by port: an accepted connection is in the same table as its listener (v4-mapped peers of a
   *  dual-stack listener are in tcp6), so the tables can be read concurrently and still classify the same. */
  private readonly listenerPorts = { 4: new Map<number, ListenerKey[]>(), 6: new Map<number, ListenerKey[]>() };
  /** Server-side TIME_WAIT (this host accepted and closed first), by remote address. */
  readonly serverTimeWait = new BoundedCounter<number | string>(KEY_CAP);
  /** Server-side TIME_WAIT by local port: which service closes first. */
  readonly serverTimeWaitByPort = new PortCounter();
  /** Client-side TIME_WAIT (this host connected and closed first), by remote address and port. */
  readonly clientTimeWait = new BoundedCounter<number | string>(KEY_CAP);
  /** TIME_WAIT whose side the ports do not tell (both or neither in the ephemeral range, no listener on the port). */
  unclassifiedTimeWait = 0;
  /** CLOSE_WAIT not in an accept queue, by peer (remote address and port): what identifies a leaking upstream. */
  readonly closeWaitByPeer = new BoundedCounter<number | string>(KEY_CAP);
  /** CLOSE_WAIT still in a listener's accept queue (never accepted: the listener's problem, not a leak). */
  closeWaitInAcceptQueue = 0;
  /** Outgoing connections by (local address, remote address, remote port): where ephemeral ports run out. */
  readonly ephemeralUse = new BoundedCounter<number | string>(KEY_CAP);
  /** SYN_RECV (incl. request sockets) by local port. */
  readonly synRecvByPort = new PortCounter();
  /** Leaked CLOSE_WAIT by local port (a leaking service usually shows on its own listening port). */
  readonly closeWaitByPort = new PortCounter();
  /** Inodes of CLOSE_WAIT sockets, for attribution to processes. */
  readonly closeWaitInodes = new Set<number>();
  rows = 0;
  private readonly localIndex = new Map<number, number>();
  private readonly localByIndex: number[] = [];

  constructor(
    private readonly ephemeral: { low: number; high: number },
    private readonly filter: SocketFilter = NO_FILTER,
  ) {}

  /** Adds one row (the parser reuses the record: copy, never keep it). */
  add(r: TcpRecord): void {
    const state = r.state;
    const v4 = r.family === 4;
    if (state === 10) {
      // Listeners are always kept: they decide accept-queue membership and break TIME_WAIT ties.
      const shown = this.filter === NO_FILTER || matchesFilter(this.filter, r);
      const stat: ListenerStat = {
        address: v4 ? ipv4FromKernel(r.local4) : (hexToAddress(r.localHex, 6) ?? r.localHex),
        port: r.localPort,
        acceptQueue: r.rxQueue,
        backlog: r.listenBacklog >= 0 ? r.listenBacklog : null,
        inode: r.inode,
        queued: 0,
        queuedClosed: 0,
        shown,
      };
      this.listeners.push(stat);
      const byPort = this.listenerPorts[r.family];
      const list = byPort.get(r.localPort);
      const key = {
        stat,
        local4: r.local4,
        localHex: r.localHex,
        wildcard: v4 ? r.local4 === 0 : /^0+$/.test(r.localHex),
      };
      if (list) list.push(key);
      else byPort.set(r.localPort, [key]);
      if (!shown) return;
      this.rows++;
      this.states[10]!++;
      return;
    }
    if (this.filter !== NO_FILTER && !matchesFilter(this.filter, r)) return;
    this.rows++;
    this.states[state === 12 ? 3 : state]!++;
    const onListener = this.listenerPorts[r.family].get(r.localPort);
    if (state === 6) {
      const side = this.sideOf(r.localPort, r.remotePort, onListener !== undefined);
      if (side === 1) {
        this.serverTimeWait.add(v4 ? r.remote4 : `6|${r.remoteHex}`);
        this.serverTimeWaitByPort.add(r.localPort);
      } else if (side === 2)
        this.clientTimeWait.add(v4 ? r.remote4 * P16 + r.remotePort : `6|${r.remoteHex}|${r.remotePort}`);
      else this.unclassifiedTimeWait++;
    } else if (state === 3 || state === 12) {
      this.synRecvByPort.add(r.localPort);
    } else if (r.inode === 0 && onListener !== undefined && (state === 1 || state === 8)) {
      // No owner yet and on a listener's port: still in that listener's accept queue (accept() gives it an inode).
      const l = this.listenerOf(onListener, r);
      l.queued++;
      if (state === 8) {
        l.queuedClosed++;
        this.closeWaitInAcceptQueue++;
      }
      return;
    } else if (state === 8) {
      this.closeWaitByPort.add(r.localPort);
      this.closeWaitByPeer.add(v4 ? r.remote4 * P16 + r.remotePort : `6|${r.remoteHex}|${r.remotePort}`);
      // Past the cap (or with no inode) a socket is simply not attributed: the report counts it as unattributed.
      if (r.inode !== 0 && this.closeWaitInodes.size < KEY_CAP) this.closeWaitInodes.add(r.inode);
    }
    if (onListener === undefined && r.localPort >= this.ephemeral.low && r.localPort <= this.ephemeral.high)
      this.ephemeralUse.add(this.tupleKey(r));
  }

  /**
   * Which side closed first, from the ports (robust to a server that has since exited): 1 server, 2 client, 0 unknown.
   * A local port outside the ephemeral range talking to a remote one inside it is a server's; the reverse a client's.
   * When the ports do not tell (both inside or both outside), a listener on the local port decides.
   */
  private sideOf(local: number, remote: number, listening: boolean): 0 | 1 | 2 {
    const { low, high } = this.ephemeral;
    const l = local >= low && local <= high;
    const r = remote >= low && remote <= high;
    if (!l && r) return 1;
    if (l && !r) return 2;
    return listening ? 1 : 0;
  }

  /** The listener a queued connection belongs to: same address, else the wildcard one. */
  private listenerOf(list: ListenerKey[], r: TcpRecord): ListenerStat {
    if (list.length === 1) return list[0]!.stat;
    const exact = list.find((k) => (r.family === 4 ? k.local4 === r.local4 : k.localHex === r.localHex));
    return (exact ?? list.find((k) => k.wildcard) ?? list[0]!).stat;
  }

  /** Leaked CLOSE_WAIT (not counting sockets still in an accept queue). */
  get leakedCloseWait(): number {
    return this.count('CLOSE_WAIT') - this.closeWaitInAcceptQueue;
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

  /** A client TIME_WAIT or CLOSE_WAIT peer key as address and port. */
  destinationOf(key: number | string): { remote: string; port: number } {
    if (typeof key === 'number') return { remote: ipv4FromKernel(Math.floor(key / P16)), port: key % P16 };
    const [, hex = '', port = '0'] = key.split('|');
    return { remote: hexToAddress(hex, 6) ?? hex, port: Number(port) };
  }

  /** The busiest client-side TIME_WAIT destinations, in the numeric form rows are matched against. */
  clientDestinations(n: number): Destination[] {
    return this.clientTimeWait.top(n).map(([key]) => {
      const { remote, port } = this.destinationOf(key);
      if (typeof key === 'number') return { family: 4, v4: Math.floor(key / P16), hex: '', port, remote };
      return { family: 6, v4: 0, hex: key.split('|')[1] ?? '', port, remote };
    });
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
