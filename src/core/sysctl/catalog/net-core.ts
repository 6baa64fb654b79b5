// net.core.*: socket buffer limits, queues and polling. Most are host-wide; somaxconn and optmem_max are per namespace.
import { DOC, INT_MAX, name, nonNeg, positive, type KeySpec } from './spec.js';

const doc = DOC.net;

export const CORE_KEYS: KeySpec[] = [
  {
    key: 'net.core.somaxconn',
    shape: { kind: 'int', min: 0, max: INT_MAX },
    scope: 'netns',
    default: '4096',
    about:
      'Ceiling on a listen() backlog, applied when the service calls listen(): the accept queue is min(backlog, somaxconn). 128 before 5.4.',
    doc: DOC.ip,
  },
  {
    key: 'net.core.netdev_max_backlog',
    shape: positive,
    unit: 'packets',
    scope: 'global',
    default: '1000',
    about:
      'Per-CPU queue of received packets waiting for the stack (RPS and non-NAPI drivers); drops show in /proc/net/softnet_stat.',
    doc,
  },
  {
    key: 'net.core.rmem_max',
    shape: { kind: 'int', min: 2304, max: INT_MAX },
    unit: 'bytes',
    scope: 'global',
    default: '4194304',
    about:
      'Largest receive buffer a socket may ask for with SO_RCVBUF (4 MiB since 6.18; before, 212992). TCP autotuning is bounded by tcp_rmem instead.',
    doc,
  },
  {
    key: 'net.core.wmem_max',
    shape: { kind: 'int', min: 4608, max: INT_MAX },
    unit: 'bytes',
    scope: 'global',
    default: '4194304',
    about:
      'Largest send buffer a socket may ask for with SO_SNDBUF (4 MiB since 6.18; before, 212992). TCP autotuning is bounded by tcp_wmem instead.',
    doc,
  },
  {
    key: 'net.core.rmem_default',
    shape: { kind: 'int', min: 2304, max: INT_MAX },
    unit: 'bytes',
    scope: 'global',
    default: '212992',
    about: 'Initial receive buffer of non-TCP sockets (UDP, raw, netlink); raising it multiplies memory per socket.',
    doc,
  },
  {
    key: 'net.core.wmem_default',
    shape: { kind: 'int', min: 4608, max: INT_MAX },
    unit: 'bytes',
    scope: 'global',
    default: '212992',
    about: 'Initial send buffer of non-TCP sockets.',
    doc,
  },
  {
    key: 'net.core.optmem_max',
    shape: nonNeg,
    unit: 'bytes',
    scope: 'netns',
    default: '131072',
    about: 'Ancillary buffer per socket (control messages, socket filters, zero-copy notifications).',
    doc,
  },
  {
    key: 'net.core.default_qdisc',
    shape: name('a queueing discipline name'),
    scope: 'global',
    default: 'pfifo_fast',
    computed: 'CONFIG_DEFAULT_NET_SCH when set, else pfifo_fast',
    about:
      'Queueing discipline of devices set up afterwards (existing ones keep theirs); fq is the usual choice with bbr.',
    doc,
  },
  {
    key: 'net.core.busy_poll',
    shape: nonNeg,
    unit: 'us',
    scope: 'global',
    since: '3.11',
    default: '0',
    about:
      'Microseconds poll() and select() busy-wait on the device queue before sleeping: lower latency for more CPU.',
    doc,
  },
  {
    key: 'net.core.busy_read',
    shape: nonNeg,
    unit: 'us',
    scope: 'global',
    since: '3.11',
    default: '0',
    about: 'Microseconds a blocking read busy-waits on the device queue (per socket: SO_BUSY_POLL).',
    doc,
  },
  {
    key: 'net.core.netdev_budget',
    shape: positive,
    unit: 'packets',
    scope: 'global',
    default: '300',
    about: 'Packets one softirq NAPI round may process across devices before yielding.',
    doc,
  },
  {
    key: 'net.core.netdev_budget_usecs',
    shape: positive,
    unit: 'us',
    scope: 'global',
    computed: '2 jiffies: 2000000 / HZ (8000 at HZ=250)',
    about: 'Time one softirq NAPI round may run before yielding.',
    doc,
  },
  {
    key: 'net.core.dev_weight',
    shape: positive,
    unit: 'packets',
    scope: 'global',
    default: '64',
    about: 'Packets one device may process per NAPI poll.',
    doc,
  },
];
