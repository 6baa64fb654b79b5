// net.ipv4.* outside TCP: ports, forwarding, ICMP, fragments, UDP memory, per-interface conf, neighbour table, routes.
import { DOC, bool, int, ints, neighThresholds, nonNeg, positive, type KeySpec } from './spec.js';

const doc = DOC.ip;

/** One net.ipv4.conf key for `all` and `default` (per-interface values live under conf.IFACE). */
function conf(
  leaf: string,
  shape: KeySpec['shape'],
  about: string,
  defaults: { all: string; default: string },
): KeySpec[] {
  return (['all', 'default'] as const).map((which) => ({
    key: `net.ipv4.conf.${which}.${leaf}`,
    shape,
    scope: 'netns',
    default: defaults[which],
    about: `${about} ${which === 'all' ? "The `all` entry applies to every interface together with each one's own." : 'The `default` entry is copied to interfaces created afterwards.'}`,
    doc,
  }));
}

export const IPV4_KEYS: KeySpec[] = [
  {
    key: 'net.ipv4.ip_local_port_range',
    shape: { kind: 'ints', count: 2, min: 1, max: 65535 },
    scope: 'netns',
    default: '32768 60999',
    about:
      'The ephemeral ports connect() and bind(0) pick from. The low end must stay at or above ip_unprivileged_port_start and should avoid ports services listen on.',
    doc,
  },
  {
    key: 'net.ipv4.ip_local_reserved_ports',
    shape: { kind: 'port-list' },
    scope: 'netns',
    combine: 'merge-ports',
    default: '',
    about:
      'Ports automatic selection must skip (explicit binds still work). A write replaces the whole list, so tune merges it with the current one.',
    doc,
  },
  {
    key: 'net.ipv4.ip_unprivileged_port_start',
    shape: { kind: 'int', min: 0, max: 65535 },
    scope: 'netns',
    since: '4.11',
    default: '1024',
    about:
      "First port an unprivileged process may bind (IPv4 and IPv6); it may not exceed the ephemeral range's low end.",
    doc,
  },
  {
    key: 'net.ipv4.ip_forward',
    shape: bool,
    scope: 'netns',
    default: '0',
    about:
      'Routes packets between interfaces. Changing it resets every per-interface IPv4 setting to host or router defaults.',
    doc,
  },
  {
    key: 'net.ipv4.ip_default_ttl',
    shape: int(1, 255),
    scope: 'netns',
    default: '64',
    about: 'TTL of outgoing IPv4 packets that do not set their own.',
    doc,
  },
  {
    key: 'net.ipv4.ip_no_pmtu_disc',
    shape: int(0, 3),
    scope: 'netns',
    default: '0',
    about: 'Turns off path MTU discovery (1) or hardens it against forged ICMP (2, 3); 0 keeps it on.',
    doc,
  },
  {
    key: 'net.ipv4.ip_nonlocal_bind',
    shape: bool,
    scope: 'netns',
    default: '0',
    about:
      'Lets processes bind addresses the host does not have (yet), as floating-IP services (keepalived, haproxy) need.',
    doc,
  },
  {
    key: 'net.ipv4.icmp_echo_ignore_all',
    shape: bool,
    scope: 'netns',
    default: '0',
    about: 'Ignores every ICMP echo request (no ping replies).',
    doc,
  },
  {
    key: 'net.ipv4.icmp_echo_ignore_broadcasts',
    shape: bool,
    scope: 'netns',
    default: '1',
    about: 'Ignores ICMP echo requests sent to broadcast or multicast addresses (smurf amplification).',
    doc,
  },
  {
    key: 'net.ipv4.icmp_ignore_bogus_error_responses',
    shape: bool,
    scope: 'netns',
    default: '1',
    about: 'Does not log ICMP errors sent in reply to broadcast frames.',
    doc,
  },
  {
    key: 'net.ipv4.icmp_ratelimit',
    shape: nonNeg,
    unit: 'ms',
    scope: 'netns',
    default: '1000',
    about: 'Minimum gap between ICMP messages of the types icmp_ratemask selects, per destination (0: no limit).',
    doc,
  },
  {
    key: 'net.ipv4.ipfrag_high_thresh',
    shape: positive,
    unit: 'bytes',
    scope: 'netns',
    default: '4194304',
    about:
      'Memory for reassembling IPv4 fragments; past it new fragments are dropped until usage falls below ipfrag_low_thresh.',
    doc,
  },
  {
    key: 'net.ipv4.ipfrag_low_thresh',
    shape: nonNeg,
    unit: 'bytes',
    scope: 'netns',
    default: '3145728',
    about:
      'Fragment memory level reassembly falls back to after hitting ipfrag_high_thresh (at most the high threshold).',
    doc,
  },
  {
    key: 'net.ipv4.ipfrag_time',
    shape: positive,
    unit: 's',
    scope: 'netns',
    default: '30',
    about: 'How long an incomplete IPv4 fragment train is kept.',
    doc,
  },
  {
    key: 'net.ipv4.udp_mem',
    shape: ints(3, 1),
    unit: 'pages',
    scope: 'global',
    computed: 'limit = max(128, free buffer pages / 8): low limit*3/4, pressure limit, high limit*3/2',
    about: 'Memory all UDP sockets together may use, in pages (low, pressure, high), like tcp_mem.',
    doc,
  },
  {
    key: 'net.ipv4.udp_rmem_min',
    shape: positive,
    unit: 'bytes',
    scope: 'netns',
    default: '4096',
    about: 'Receive buffer every UDP socket keeps even under memory pressure.',
    doc,
  },
  {
    key: 'net.ipv4.udp_wmem_min',
    shape: positive,
    unit: 'bytes',
    scope: 'netns',
    default: '4096',
    about: 'Send buffer every UDP socket keeps even under memory pressure.',
    doc,
  },
  {
    key: 'net.ipv4.route.gc_timeout',
    shape: nonNeg,
    unit: 's',
    scope: 'global',
    default: '300',
    about:
      'Since the IPv4 route cache went away (3.6) it only ages learned next-hop exceptions (PMTU, redirects); old route-cache tuning advice is moot.',
    doc,
  },
  {
    key: 'net.ipv4.route.max_size',
    shape: positive,
    scope: 'global',
    default: '2147483647',
    about: 'Obsolete for IPv4 since 3.6 (no route cache left to bound).',
    doc,
  },
  ...neighThresholds(
    'ipv4',
    'ARP entries',
    'past it new neighbours fail ("neighbour table overflow"); large L2 networks and Kubernetes nodes raise it.',
  ),
  ...conf(
    'rp_filter',
    int(0, 2),
    'Reverse-path filter: 1 strict, 2 loose, 0 off; the higher of all and the interface wins.',
    {
      all: '0',
      default: '0',
    },
  ),
  ...conf('accept_redirects', bool, 'Accepts ICMP redirects that change routes (ignored while forwarding).', {
    all: '1',
    default: '1',
  }),
  ...conf('secure_redirects', bool, 'Accepts ICMP redirects only from gateways in the default gateway list.', {
    all: '1',
    default: '1',
  }),
  ...conf('send_redirects', bool, 'Sends ICMP redirects when routing a packet back out the interface it came in on.', {
    all: '1',
    default: '1',
  }),
  ...conf(
    'accept_source_route',
    bool,
    'Accepts packets with source-route options (both all and the interface must allow it).',
    {
      all: '0',
      default: '1',
    },
  ),
  ...conf('log_martians', bool, 'Logs packets with impossible source addresses.', { all: '0', default: '0' }),
  ...conf(
    'arp_announce',
    int(0, 2),
    "Which source address ARP requests announce: 0 any local, 1 one in the target's subnet, 2 the best local one (for direct-routing load balancers).",
    { all: '0', default: '0' },
  ),
  ...conf(
    'arp_ignore',
    int(0, 8),
    "Which ARP requests get answers: 0 any local address, 1 only for the receiving interface's addresses, 2-8 stricter (LVS direct routing uses 1).",
    { all: '0', default: '0' },
  ),
  {
    key: 'net.ipv4.conf.all.forwarding',
    shape: bool,
    scope: 'netns',
    default: '0',
    about: 'Forwarding on every interface; the same switch as net.ipv4.ip_forward.',
    doc,
  },
];
