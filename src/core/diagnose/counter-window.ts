// Kernel counters count since boot: one ListenOverflows event days ago is no incident now. Findings use deltas over
// a window: --interval, a watch frame, or the counters the last run kept (/run/tune). Pure.
import type { CounterGroups } from './net-counters.js';

/** Where the earlier sample of a delta came from; 'none' on a first run (since-boot values are context only). */
export interface CounterWindow {
  source: 'interval' | 'last-run' | 'none';
  /** Seconds between the two samples (0 for none). */
  seconds: number;
  /** When the earlier sample was taken (ISO 8601), or null. */
  since: string | null;
  counters: CounterGroups | null;
  /** Why there is no earlier sample, or why a kept one was ignored (one line), or null. */
  note: string | null;
}

export const NO_WINDOW: CounterWindow = { source: 'none', seconds: 0, since: null, counters: null, note: null };

/** The event counters findings judge by their growth, [group, name]. */
export const EVENT_COUNTERS: [string, string][] = [
  ['TcpExt', 'ListenOverflows'],
  ['TcpExt', 'ListenDrops'],
  ['TcpExt', 'TCPTimeWaitOverflow'],
  ['TcpExt', 'SyncookiesSent'],
  ['TcpExt', 'SyncookiesFailed'],
  ['TcpExt', 'TCPReqQFullDrop'],
  ['TcpExt', 'TCPAbortOnMemory'],
  ['Tcp', 'ActiveOpens'],
  ['Tcp', 'PassiveOpens'],
];

/**
 * Growth of each event counter over the window, or null without one. A counter that went down (a reset: another
 * boot or network namespace behind the same file) makes the whole window unusable: null.
 */
export function counterDeltas(now: CounterGroups, w: CounterWindow): Record<string, number> | null {
  if (w.source === 'none' || !w.counters) return null;
  const out: Record<string, number> = {};
  for (const [g, n] of EVENT_COUNTERS) {
    const a = w.counters[g]?.[n];
    const b = now[g]?.[n];
    if (a === undefined || b === undefined) continue;
    if (b < a) return null;
    out[n] = b - a;
  }
  return out;
}

/** "in the last 12 s" / "since the last run 3 h ago (2026-...)": how a finding names its window. */
export function describeWindow(w: CounterWindow): string {
  if (w.source === 'interval') return `in the last ${w.seconds} s`;
  return `since the last run ${humanSeconds(w.seconds)} ago${w.since ? ` (${w.since})` : ''}`;
}

function humanSeconds(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}
