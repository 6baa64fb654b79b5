// Who opens the connections that end in TIME_WAIT? A TIME_WAIT socket has no owner (`ss -p` and lsof show nothing),
// so the live connections (SYN_SENT, ESTABLISHED) to the busiest destinations are sampled over a window, each one's
// owner looked up through /proc/PID/fd at once (the netlink helper does both in one process, about every
// millisecond, so connections that live a millisecond are still caught), and counted once per connection.
import type { ProducerSample } from '../../core/diagnose/diagnosis.js';
import { goesTo, type Destination } from '../../core/diagnose/socket-census.js';
import type { TcpRecord } from '../../core/diagnose/tcp-table-parser.js';
import { readRowsNetlink } from './socket-diag.js';
import { findInodeOwners, type IdentityCache } from './socket-owners.js';
import { readRowsProcfs } from './socket-tables.js';

const LIVE = (1 << 1) | (1 << 2); // ESTABLISHED, SYN_SENT
/** The /proc fallback reads the whole table per round: at most this many rounds. */
const MAX_PROCFS_ROUNDS = 50;

export interface SampleOptions {
  root: string;
  /** The netlink helper, or null to read /proc/net/tcp (fewer rounds: short connections are mostly missed). */
  helper: string | null;
  destinations: Destination[];
  seconds: number;
  ids: IdentityCache;
  sleep: (ms: number) => Promise<void>;
}

/** Samples for `seconds`; `activeOpens` is filled in by the caller from the counters around the window. */
export async function sampleProducers(o: SampleOptions): Promise<Omit<ProducerSample, 'activeOpens'>> {
  const dests = o.destinations;
  // Per destination: inode -> owner pid (0 while unknown), so each connection counts once.
  const seen = dests.map(() => new Map<number, number>());
  const round = new Map<number, number>(); // inode -> destination index, this round
  const owners = new Map<number, number>(); // inode -> pid, this round
  let samples = 0;
  const onRow = (r: TcpRecord) => {
    for (let d = 0; d < dests.length; d++)
      if (r.inode !== 0 && goesTo(r, dests[d]!)) {
        round.set(r.inode, d);
        return;
      }
  };
  const settle = () => {
    for (const [inode, d] of round) {
      const pid = owners.get(inode) ?? 0;
      if (pid || !seen[d]!.has(inode)) seen[d]!.set(inode, pid || (seen[d]!.get(inode) ?? 0));
      if (pid) o.ids.of(pid); // who it is, read while it still runs
    }
    round.clear();
    owners.clear();
    samples++;
  };
  if (o.helper) {
    const r = await readRowsNetlink(o.helper, onRow, {
      sample: {
        states: LIVE,
        seconds: o.seconds,
        destinations: dests,
        owner: (inode, pid) => owners.set(inode, pid),
        mark: settle,
      },
    });
    if (!r.ok) return { seconds: 0, samples: 0, destinations: [], note: `sampling failed: ${r.why}` };
  } else {
    const deadline = Date.now() + o.seconds * 1000;
    let known: number[] = [];
    do {
      readRowsProcfs(o.root, (r) => {
        if (LIVE & (1 << r.state)) onRow(r);
      });
      const found = findInodeOwners(o.root, new Set(round.keys()), known);
      for (const [inode, pids] of found.pidsOf) owners.set(inode, pids[0]!);
      known = [...new Set([...known, ...owners.values()])];
      settle();
      await o.sleep(Math.min(20, Math.max(0, deadline - Date.now())));
    } while (Date.now() < deadline && samples < MAX_PROCFS_ROUNDS);
  }
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
        owners: [...byPid.entries()]
          .sort((a, b) => b[1] - a[1] || a[0] - b[0])
          .map(([pid, connections]) => ({ process: o.ids.of(pid), connections })),
        unattributed,
      };
    }),
  };
}
