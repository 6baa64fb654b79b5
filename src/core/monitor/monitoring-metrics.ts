// The numbers monitoring watches, derived from a diagnosis report (one place for check, metrics and watch).
import type { DiagnosisReport } from '../diagnose/diagnosis.js';

/** Gauge values by metric name; percentages are 0-100. */
export function monitoringMetrics(r: DiagnosisReport): Record<string, number> {
  const maxPct = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
  return {
    established: r.sockets.byState.ESTABLISHED ?? 0,
    time_wait: r.timeWait.total,
    time_wait_client: r.timeWait.client.total,
    time_wait_server: r.timeWait.server.total,
    close_wait: r.closeWait.total,
    close_wait_in_queue: r.closeWait.inAcceptQueue,
    syn_recv: r.sockets.byState.SYN_RECV ?? 0,
    ephemeral_used_pct: maxPct(r.ephemeral.worst.map((w) => w.percent)),
    listen_queue_pct: maxPct(r.listeners.flatMap((l) => (l.percent === null ? [] : [l.percent]))),
    tw_buckets_pct: r.timeWait.maxBuckets ? Math.round((r.timeWait.total / r.timeWait.maxBuckets) * 1000) / 10 : 0,
    conntrack_pct: r.conntrack?.percent ?? 0,
    file_handles_pct: r.fileHandles?.percent ?? 0,
    // Growth over the window (--interval, or since the last run); 0 on a first run, as diagnose judges them.
    listen_overflows: r.counterDeltas?.ListenOverflows ?? 0,
    listen_drops: r.counterDeltas?.ListenDrops ?? 0,
    tw_overflows: r.counterDeltas?.TCPTimeWaitOverflow ?? 0,
    syncookies_sent: r.counterDeltas?.SyncookiesSent ?? 0,
  };
}

/** Default thresholds [warn, crit]: alert when the value is above them (Monitoring Plugins range "N"). */
export const DEFAULT_THRESHOLDS: Record<string, [number | null, number | null]> = {
  ephemeral_used_pct: [50, 90],
  listen_queue_pct: [80, 99],
  close_wait: [100, 1000],
  close_wait_in_queue: [null, 0],
  listen_overflows: [0, null],
  tw_overflows: [0, null],
  tw_buckets_pct: [80, 95],
  conntrack_pct: [80, 95],
  file_handles_pct: [80, 95],
};
