import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../../src/core/diagnose/diagnosis.js';
import { UserError } from '../../../src/core/errors.js';
import { monitoringMetrics } from '../../../src/core/monitor/monitoring-metrics.js';
import { evaluateCheck, parseThresholds } from '../../../src/core/monitor/nagios-check.js';
import { renderPrometheus } from '../../../src/core/monitor/prometheus-metrics.js';
import { SocketCensus } from '../../../src/core/diagnose/socket-census.js';
import { diagnosisInput } from '../../helpers/diagnosis-input.js';

const values = { time_wait: 500, close_wait: 20, ephemeral_used_pct: 10 };

test('check: OK, WARNING and CRITICAL at the thresholds (above N alerts), perfdata for every metric', () => {
  assert.deepEqual(evaluateCheck(values, {}, {}), {
    code: 0,
    output:
      'TUNE OK - time_wait=500 close_wait=20 | time_wait=500;;;0; close_wait=20;100;1000;0; ephemeral_used_pct=10%;50;90;0;100',
  });
  assert.equal(evaluateCheck(values, { time_wait: 500 }, {}).code, 0, 'equal to the threshold is not above it');
  assert.equal(evaluateCheck(values, { time_wait: 499 }, {}).code, 1);
  const crit = evaluateCheck(values, { time_wait: 100 }, { close_wait: 10 });
  assert.equal(crit.code, 2);
  assert.match(crit.output, /^TUNE CRITICAL - time_wait=500 \(> 100\), close_wait=20 \(> 10\) \| /);
});

test('threshold arguments name the flag and position when wrong', () => {
  assert.deepEqual(parseThresholds(['close_wait=5', 'time_wait=1.5'], ['close_wait', 'time_wait'], '--warn'), {
    close_wait: 5,
    time_wait: 1.5,
  });
  assert.throws(
    () => parseThresholds(['close_wait'], ['close_wait'], '--warn'),
    (e: unknown) => e instanceof UserError && e.format() === '--warn:1: expected METRIC=NUMBER, got "close_wait"',
  );
  assert.throws(() => parseThresholds(['x=1'], ['close_wait'], '--crit'), /unknown metric "x"/);
});

test('metrics: HELP and TYPE per family, escaped labels, counters end in _total', () => {
  const census = new SocketCensus({ low: 32768, high: 60999 });
  const r = diagnose(
    diagnosisInput(census, {
      counters: { TcpExt: { ListenOverflows: 3 } },
      owners: {
        owners: [
          { pid: 7, command: 'we"ird\\name', cmdline: '', unit: 'a.service', container: null, sockets: 2 },
          { pid: 8, command: 'we"ird\\name', cmdline: '', unit: 'a.service', container: null, sockets: 1 },
        ],
        unreadableProcesses: 0,
        attributed: 3,
      },
    }),
  );
  const text = renderPrometheus(r);
  const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]);
  for (const f of families) assert.match(text, new RegExp(`^# HELP ${f} \\S`, 'm'));
  assert.ok(families.every((f) => f?.startsWith('tune_')));
  assert.match(text, /^# TYPE tune_kernel_events_total counter$/m);
  assert.match(text, /^tune_kernel_events_total\{counter="ListenOverflows"\} 3$/m);
  // By command and unit, never by pid: two processes of one unit are one series, and a restart keeps it.
  assert.match(text, /^tune_close_wait_sockets\{command="we\\"ird\\\\name",unit="a.service"\} 3$/m);
  assert.doesNotMatch(text, /pid=/);
  assert.match(
    text,
    /^# HELP tune_tcp_sockets TCP sockets by kernel state \(read from \/proc\/net\/tcp and \/proc\/net\/tcp6\)\.$/m,
  );
  assert.match(text, /^tune_socket_table_source\{source="procfs"\} 1$/m);
  assert.equal(monitoringMetrics(r).close_wait, 0);
});
