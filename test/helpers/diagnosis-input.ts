// A DiagnosisInput around a census with neutral defaults, so each test states only what it is about.
import { NO_WINDOW } from '../../src/core/diagnose/counter-window.js';
import type { DiagnosisInput } from '../../src/core/diagnose/diagnosis.js';
import type { SocketCensus } from '../../src/core/diagnose/socket-census.js';

export function diagnosisInput(census: SocketCensus, o: Partial<DiagnosisInput> = {}): DiagnosisInput {
  return {
    takenAt: 't',
    hostname: 'h',
    kernel: 'k',
    census,
    tables: { source: 'procfs', note: null },
    sysctl: { 'net.ipv4.ip_local_port_range': '32768 60999' },
    counters: {},
    sockstat: {},
    owners: null,
    listenerOwners: {},
    uninspectedProcesses: 0,
    producers: null,
    window: NO_WINDOW,
    filter: [],
    topN: 5,
    ...o,
  };
}
