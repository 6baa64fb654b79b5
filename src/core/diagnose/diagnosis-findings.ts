// The findings a diagnosis names (cause, evidence, fix) and the fixes it recommends, from the report's numbers. Pure.
import { describeWindow } from './counter-window.js';
import type { DiagnosisFinding, DiagnosisReport, Recommendation } from './diagnosis.js';
import { describeProcess } from './process-identity.js';

const pct = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 1000) / 10 : 0);

/** Every finding, most severe first within each subject. */
export function findingsOf(r: DiagnosisReport): DiagnosisFinding[] {
  const out: DiagnosisFinding[] = [];
  const w = r.ephemeral.worst[0];
  if (w && w.percent >= 50) {
    out.push({
      id: w.percent >= 90 ? 'EPHEMERAL_PORTS_EXHAUSTED' : 'EPHEMERAL_PORTS_PRESSURE',
      severity: w.percent >= 90 ? 'crit' : 'warn',
      message: `${w.used} of ${r.ephemeral.usable} usable ephemeral ports (${w.percent}%) are held by connections from ${w.local} to ${w.remote}:${w.port}; at 100% connect() fails with "Cannot assign requested address" (EADDRNOTAVAIL).`,
      advice:
        'Reuse connections (pooling, HTTP keep-alive) so fewer are opened and closed; then widen ip_local_port_range and enable tcp_tw_reuse (profile short-connection-api), or spread load over more destination addresses or ports.',
      evidence: { local: w.local, remote: `${w.remote}:${w.port}`, used: w.used, usable: r.ephemeral.usable },
    });
  }
  const ct = r.timeWait.client;
  if (ct.total > 0) {
    const top = ct.top[0];
    out.push({
      id: 'TIME_WAIT_CLIENT_SIDE',
      severity: top && pct(top.count, r.ephemeral.usable) >= 50 ? 'warn' : 'info',
      message: `${ct.total} TIME_WAIT socket(s) from connections this host opened and closed first${top ? `; most go to ${top.remote}:${top.port} (${top.count})` : ''}. Each holds its local port for 60 s (fixed in the kernel).${producerText(r)}`,
      advice:
        'Keep connections open and reuse them; let the server close first where the protocol allows. tcp_fin_timeout does not shorten TIME_WAIT; tcp_tw_reuse (client side) lets new connections reuse these ports safely.',
      evidence: { total: ct.total, topDestination: top ? `${top.remote}:${top.port}` : null },
    });
  }
  const st = r.timeWait.server;
  if (st.total > 0) {
    out.push({
      id: 'TIME_WAIT_SERVER_SIDE',
      severity: 'info',
      message: `${st.total} TIME_WAIT socket(s) from connections this host accepted and closed first (as the server)${serverPortText(r)}. They use no ports and little memory; they are harmless unless tcp_max_tw_buckets overflows.`,
      advice:
        'If they matter, have clients close first (HTTP keep-alive, client-initiated close); no kernel change needed.',
      evidence: { total: st.total },
    });
  }
  if (r.timeWait.unclassified > 0) {
    out.push({
      id: 'TIME_WAIT_SIDE_UNKNOWN',
      severity: 'info',
      message: `${r.timeWait.unclassified} TIME_WAIT socket(s) could not be classified: both ports (or neither) are in the ephemeral range ${r.ephemeral.range[0]}-${r.ephemeral.range[1]} and nothing listens on the local port now.`,
      advice:
        'Nothing to do for these alone; a narrower ip_local_port_range that excludes service ports makes the side clear.',
      evidence: { unclassified: r.timeWait.unclassified },
    });
  }
  const overflow = r.counterDeltas?.TCPTimeWaitOverflow ?? 0;
  if (overflow > 0 || (r.timeWait.maxBuckets && r.timeWait.total >= 0.9 * r.timeWait.maxBuckets)) {
    out.push({
      id: 'TIME_WAIT_BUCKETS_OVERFLOW',
      severity: 'warn',
      message: `TIME_WAIT is at ${r.timeWait.total} of tcp_max_tw_buckets ${r.timeWait.maxBuckets ?? '?'}; TCPTimeWaitOverflow grew by ${overflow} ${windowText(r)}: past the limit the kernel drops sockets without TIME_WAIT protection.`,
      advice:
        'Reduce connection churn in the application; raise tcp_max_tw_buckets with memory (profile short-connection-api raises it), never lower it.',
      evidence: { timeWait: r.timeWait.total, maxBuckets: r.timeWait.maxBuckets, TCPTimeWaitOverflow: overflow },
    });
  }
  for (const l of r.listeners) {
    const full = l.backlog !== null && l.backlog > 0 && l.acceptQueue >= l.backlog;
    if (l.queuedClosed > 0 || full) {
      const who = l.process
        ? ` held by ${describeProcess(l.process)}`
        : r.uninspectedProcesses > 0
          ? ` (its process is not known: ${r.uninspectedProcesses} process(es) could not be inspected; run as root to name it)`
          : '';
      out.push({
        id: 'LISTENER_NOT_ACCEPTING',
        severity: 'crit',
        message: `listener ${l.address}:${l.port}${who} is not accepting: ${l.acceptQueue} connection(s) wait in its accept queue${l.backlog !== null ? ` (limit ${l.backlog})` : ''}${l.queuedClosed ? `, ${l.queuedClosed} of them already closed by the client (CLOSE_WAIT in the queue, not a leak)` : ''}${full ? '; the queue is full, so new connections are dropped' : ''}.`,
        advice:
          'The process is hung, blocked or overloaded and does not call accept(): look at what it is doing (its threads in /proc/PID/task/*/stack, a stack dump), restart it if hung; add accept workers if it is slow.',
        evidence: {
          listener: `${l.address}:${l.port}`,
          acceptQueue: l.acceptQueue,
          backlog: l.backlog,
          closedInQueue: l.queuedClosed,
          pid: l.process?.pid ?? null,
          command: l.process ? l.process.cmdline || l.process.command : null,
          unit: l.process?.unit ?? null,
        },
      });
      continue;
    }
    if (l.backlog !== null && l.percent !== null && l.backlog > 0 && l.percent >= 80) {
      out.push({
        id: 'LISTEN_QUEUE_FULL',
        severity: l.acceptQueue >= l.backlog ? 'crit' : 'warn',
        message: `listener ${l.address}:${l.port} has ${l.acceptQueue} connections waiting for accept() of ${l.backlog} allowed (${l.percent}%); when full, new connections are dropped (ListenOverflows).`,
        advice:
          'The application accepts too slowly: add accept workers; and raise its listen() backlog together with net.core.somaxconn (profile proxy or syn-flood-guard), then restart it.',
        evidence: { listener: `${l.address}:${l.port}`, acceptQueue: l.acceptQueue, backlog: l.backlog },
      });
    }
  }
  if (r.closeWait.total > 0) {
    const o = r.closeWait.owners[0];
    const peer = r.closeWait.byPeer[0];
    out.push({
      id: 'CLOSE_WAIT_HELD',
      severity: r.closeWait.total >= 100 ? 'warn' : 'info',
      message: `${r.closeWait.total} socket(s) in CLOSE_WAIT: the peer closed, but the application has not called close()${o ? `; most are held by ${describeProcess(o)} (${o.sockets})` : ''}${peer && peer.count > 1 ? `; the most from peer ${peer.peer} (${peer.count})` : ''}.${r.closeWait.note ? ` ${r.closeWait.note}.` : ''}`,
      advice:
        'This is an application bug (a leaked connection or a missing close() on error paths); no sysctl fixes it. Restarting the process releases them.',
      evidence: {
        total: r.closeWait.total,
        pid: o?.pid ?? null,
        command: o?.command ?? null,
        unit: o?.unit ?? null,
        topPeer: peer?.peer ?? null,
      },
    });
  }
  const lo = r.counterDeltas?.ListenOverflows ?? 0;
  if (lo > 0) {
    out.push({
      id: 'LISTEN_OVERFLOWS_SEEN',
      severity: 'warn',
      message: `the kernel dropped ${lo} connection(s) because an accept queue was full ${windowText(r)} (ListenOverflows; ListenDrops grew by ${r.counterDeltas?.ListenDrops ?? 0}).`,
      advice:
        'Find the slow listener (LISTENER_NOT_ACCEPTING, LISTEN_QUEUE_FULL, `tune watch`); raise backlog and somaxconn and accept faster.',
      evidence: { ListenOverflows: lo, ListenDrops: r.counterDeltas?.ListenDrops ?? null },
    });
  }
  const syn = r.sockets.byState.SYN_RECV ?? 0;
  // A listener's limit bounds its SYN queue too; when /proc hid it, somaxconn (the cap of every backlog) stands in.
  const synHot = r.listeners.find((l) => {
    const limit = l.backlog ?? r.somaxconn;
    return limit !== null && limit > 0 && l.synRecv >= Math.max(64, limit / 2);
  });
  const cookies = r.counterDeltas?.SyncookiesSent ?? 0;
  if (synHot || syn >= 1024 || cookies > 0) {
    out.push({
      id: 'SYN_FLOOD_SUSPECTED',
      severity: synHot || syn >= 1024 ? 'warn' : 'info',
      message: `${syn} half-open connection(s) in SYN_RECV${synHot ? `, ${synHot.synRecv} on ${synHot.address}:${synHot.port}` : ''}; SYN cookies sent ${r.counterDeltas ? windowText(r) : 'since boot'}: ${r.counterDeltas ? cookies : (r.counters.SyncookiesSent ?? 0)}.`,
      advice:
        'Keep tcp_syncookies=1 and expire half-open connections sooner (profile syn-flood-guard); filter the sources upstream if it persists.',
      evidence: { synRecv: syn, SyncookiesSent: r.counterDeltas ? cookies : null },
    });
  }
  if (r.conntrack && r.conntrack.percent >= 80) {
    out.push({
      id: 'CONNTRACK_TABLE_PRESSURE',
      severity: r.conntrack.percent >= 95 ? 'crit' : 'warn',
      message: `the conntrack table holds ${r.conntrack.count} of ${r.conntrack.max} entries (${r.conntrack.percent}%); when full, new flows are dropped ("nf_conntrack: table full, dropping packet").`,
      advice:
        'Raise nf_conntrack_max together with the hash size, or exempt high-churn traffic from tracking (notrack); shorter-lived connections also help.',
      evidence: { count: r.conntrack.count, max: r.conntrack.max },
    });
  }
  if (r.fileHandles && r.fileHandles.percent >= 80) {
    out.push({
      id: 'FILE_HANDLES_PRESSURE',
      severity: r.fileHandles.percent >= 95 ? 'crit' : 'warn',
      message: `${r.fileHandles.allocated} of fs.file-max ${r.fileHandles.max} file handles are allocated (${r.fileHandles.percent}%).`,
      advice: 'Look for descriptor leaks first; raise fs.file-max (profile proxy only ever raises it).',
      evidence: { allocated: r.fileHandles.allocated, max: r.fileHandles.max },
    });
  }
  if (r.rates) {
    const proj = r.rates.projectedClientTimeWait;
    out.push({
      id: 'CONNECTION_RATE',
      severity: proj > r.ephemeral.usable ? 'warn' : 'info',
      message: `${r.rates.activeOpensPerSec} new outgoing and ${r.rates.passiveOpensPerSec} new incoming connections per second over ${r.rates.seconds}s. If this host closes the outgoing ones first, TIME_WAIT settles near ${proj} (rate x 60 s) against ${r.ephemeral.usable} usable ports per destination.`,
      advice:
        proj > r.ephemeral.usable
          ? 'At this rate one destination would run out of ports: pool connections, or apply short-connection-api and spread over more destinations.'
          : 'Within the port range at this rate.',
      evidence: {
        activeOpensPerSec: r.rates.activeOpensPerSec,
        projectedClientTimeWait: proj,
        usable: r.ephemeral.usable,
      },
    });
  }
  return out;
}

/** The application and kernel fixes the findings call for. */
export function recommend(r: DiagnosisReport): Recommendation[] {
  const ids = new Set(r.findings.map((f) => f.id));
  const out: Recommendation[] = [];
  const plan = (profile: string, why: string) =>
    out.push({ where: 'kernel', profile, command: `tune plan --profile ${profile}`, why });
  if (
    ids.has('EPHEMERAL_PORTS_EXHAUSTED') ||
    ids.has('EPHEMERAL_PORTS_PRESSURE') ||
    r.findings.some((f) => f.id === 'TIME_WAIT_CLIENT_SIDE' && f.severity === 'warn')
  )
    out.push({
      where: 'application',
      why: 'reuse outgoing connections (pooling, keep-alive): fewer connections opened means fewer ports in TIME_WAIT',
    });
  if (
    ids.has('EPHEMERAL_PORTS_EXHAUSTED') ||
    ids.has('EPHEMERAL_PORTS_PRESSURE') ||
    ids.has('TIME_WAIT_BUCKETS_OVERFLOW') ||
    (ids.has('CONNECTION_RATE') && r.findings.find((f) => f.id === 'CONNECTION_RATE')?.severity === 'warn')
  )
    plan(
      'short-connection-api',
      'more ephemeral ports per destination and safe TIME_WAIT reuse for outgoing connections',
    );
  if (ids.has('LISTENER_NOT_ACCEPTING'))
    out.push({
      where: 'application',
      why: 'the listener named above does not call accept(): find out why (hung, blocked, overloaded) or restart it',
    });
  if (ids.has('LISTEN_QUEUE_FULL') || ids.has('LISTEN_OVERFLOWS_SEEN')) {
    out.push({
      where: 'application',
      why: 'accept faster and ask listen() for a larger backlog, then restart the listener',
    });
    plan('proxy', 'a larger accept queue limit (somaxconn) for bursty listeners');
  }
  if (ids.has('SYN_FLOOD_SUSPECTED')) plan('syn-flood-guard', 'SYN cookies on and half-open connections expire sooner');
  if (ids.has('CLOSE_WAIT_HELD'))
    out.push({
      where: 'application',
      why: 'close sockets after the peer closes (CLOSE_WAIT is a leak in the process that holds them)',
    });
  return out;
}

/** "in the last 5 s" or "since the last run 3 min ago (...)". */
function windowText(r: DiagnosisReport): string {
  return describeWindow({ ...r.counterWindow, counters: null });
}

/** " The producer: pid 4242 (...) opened 3100 connections to 127.0.0.1:111 in 3 s." or why none was named. */
function producerText(r: DiagnosisReport): string {
  const p = r.timeWait.producers;
  if (!p) return '';
  if (p.note) return ` No producer sampled: ${p.note}.`;
  const named = p.destinations.flatMap((d) =>
    d.producers
      .slice(0, 2)
      .map(
        (x) => `${describeProcess(x.process)} opened ${x.opened} connection(s) to ${d.destination} in ${p.seconds} s`,
      ),
  );
  if (named.length) return ` Producer${named.length > 1 ? 's' : ''}: ${named.slice(0, 3).join('; ')}.`;
  return ` No producer seen: no live connection to the busiest destination${p.destinations.length > 1 ? 's' : ''} in ${p.samples} sample(s) over ${p.seconds} s (the connections may have stopped, or live too briefly to catch).`;
}

/** ", most on port 9200 (pid 7 (...))" for server-side TIME_WAIT. */
function serverPortText(r: DiagnosisReport): string {
  const top = r.timeWait.server.byPort[0];
  if (!top) return '';
  return `; most on local port ${top.port} (${top.count}${top.process ? `, listener ${describeProcess(top.process)}` : ', nothing listens there now'})`;
}
