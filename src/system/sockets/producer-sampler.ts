// Who opens the connections that end in TIME_WAIT? A TIME_WAIT socket has no owner (`ss -p` and lsof show nothing),
// so the live connections (SYN_SENT, ESTABLISHED) to the busiest destinations are sampled over a window and mapped
// to their processes through /proc/PID/fd, and the TIME_WAIT that appears to those destinations meanwhile is counted.
import type { ProducerSample } from '../../core/diagnose/diagnosis.js';
import { goesTo, type Destination } from '../../core/diagnose/socket-census.js';
import type { TcpRecord } from '../../core/diagnose/tcp-table-parser.js';
import { findInodeOwners, type IdentityCache } from './socket-owners.js';

/** Reads the live rows once (states as a 1 << code mask); false when the table could not be read. */
export type RowReader = (onRow: (r: TcpRecord) => void, states: number) => Promise<boolean>;

const LIVE = (1 << 1) | (1 << 2); // ESTABLISHED, SYN_SENT
const WITH_TIME_WAIT = LIVE | (1 << 6);
/** At most this many samples per window (each one a table read and a scan of /proc/PID/fd). */
const MAX_SAMPLES = 200;

export interface SampleOptions {
  root: string;
  destinations: Destination[];
  seconds: number;
  read: RowReader;
  ids: IdentityCache;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Samples for `seconds` (at least two reads: the window's start and end). */
export async function sampleProducers(o: SampleOptions): Promise<ProducerSample> {
  const dests = o.destinations;
  const startPorts = dests.map(() => new Uint8Array(65536));
  const newTw = dests.map(() => 0);
  // Per destination: inode -> owner pid (0 when not found), so each connection counts once.
  const seen = dests.map(() => new Map<number, number>());
  let knownPids: number[] = [];
  const pending = new Map<number, number>(); // inode -> destination index, this sample
  let samples = 0;
  const take = async (phase: 'start' | 'middle' | 'end'): Promise<boolean> => {
    pending.clear();
    const ok = await o.read(
      (r) => {
        for (let d = 0; d < dests.length; d++) {
          if (!goesTo(r, dests[d]!)) continue;
          if (r.state === 6) {
            if (phase === 'start') startPorts[d]![r.localPort] = 1;
            else if (startPorts[d]![r.localPort] === 0) newTw[d]!++;
          } else if (r.inode !== 0 && !seen[d]!.has(r.inode)) pending.set(r.inode, d);
          return;
        }
      },
      phase === 'middle' ? LIVE : WITH_TIME_WAIT,
    );
    if (!ok) return false;
    samples++;
    if (pending.size) {
      const found = findInodeOwners(o.root, new Set(pending.keys()), knownPids);
      for (const [inode, d] of pending) {
        const pid = found.pidsOf.get(inode)?.[0] ?? 0;
        seen[d]!.set(inode, pid);
        if (pid && !knownPids.includes(pid)) {
          knownPids = [...knownPids, pid];
          o.ids.of(pid); // who it is, read while it still runs
        }
      }
    }
    return true;
  };
  const t0 = o.clock();
  if (!(await take('start')))
    return { seconds: 0, samples: 0, destinations: [], note: 'the socket table could not be read' };
  const deadline = t0 + o.seconds * 1000;
  while (o.clock() < deadline && samples < MAX_SAMPLES - 1) {
    if (!(await take('middle'))) break;
    await o.sleep(Math.min(10, Math.max(0, deadline - o.clock())));
  }
  await take('end');
  return {
    seconds: o.seconds,
    samples,
    note: null,
    destinations: dests.map((d, i) => {
      const byPid = new Map<number, number>();
      let unattributed = 0;
      for (const pid of seen[i]!.values()) {
        if (pid === 0) unattributed++;
        else byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
      }
      return {
        remote: d.remote,
        port: d.port,
        newTimeWait: newTw[i]!,
        owners: [...byPid.entries()]
          .sort((a, b) => b[1] - a[1] || a[0] - b[0])
          .map(([pid, connections]) => ({ process: o.ids.of(pid), connections })),
        unattributed,
      };
    }),
  };
}
