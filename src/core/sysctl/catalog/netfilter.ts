// nf_conntrack and br_netfilter keys: they exist only while their module is loaded (or built in). Facts:
// nf_conntrack-sysctl.rst, values read on 6.18 (CONFIG_NF_CONNTRACK=y), write ranges probed in a private namespace.
import { DOC, bool, nonNeg, positive, seconds, secondsOrZero, type KeySpec } from './spec.js';

const doc = DOC.conntrack;
const ct = 'nf_conntrack' as const;

/** A conntrack timeout in seconds (per namespace; stored in jiffies). */
function timeout(leaf: string, dflt: string, about: string): KeySpec {
  return {
    key: `net.netfilter.nf_conntrack_${leaf}`,
    shape: secondsOrZero,
    unit: 's',
    scope: 'netns',
    module: ct,
    default: dflt,
    about,
    doc,
  };
}

export const NETFILTER_KEYS: KeySpec[] = [
  {
    key: 'net.netfilter.nf_conntrack_max',
    shape: positive,
    unit: 'entries',
    scope: 'global',
    module: ct,
    computed: 'nf_conntrack_buckets since 5.15 (a multiple of it before)',
    about:
      'Size of the connection tracking table; when full, new flows are dropped ("nf_conntrack: table full, dropping packet"). Raise nf_conntrack_buckets with it.',
    doc,
  },
  {
    key: 'net.nf_conntrack_max',
    shape: positive,
    unit: 'entries',
    scope: 'global',
    module: ct,
    computed: 'the same value as net.netfilter.nf_conntrack_max',
    about: 'Old alias of net.netfilter.nf_conntrack_max (host namespace only).',
    doc,
  },
  {
    key: 'net.netfilter.nf_conntrack_buckets',
    shape: positive,
    unit: 'buckets',
    scope: 'global',
    module: ct,
    computed: 'memory / 16384 / the size of a hash head, clamped to 1024..262144 (module option hashsize overrides)',
    about:
      'Hash table size of the conntrack table; writable only in the host namespace, and a resize rehashes everything.',
    doc,
  },
  {
    key: 'net.netfilter.nf_conntrack_count',
    shape: nonNeg,
    unit: 'entries',
    scope: 'netns',
    module: ct,
    about: 'Read-only: connections tracked now.',
    doc,
  },
  {
    key: 'net.netfilter.nf_conntrack_tcp_timeout_established',
    shape: seconds,
    unit: 's',
    scope: 'netns',
    module: ct,
    default: '432000',
    about:
      'How long an idle established TCP flow stays tracked (5 days). Below the idle time of long-lived connections, NAT and stateful firewalls forget them.',
    doc,
  },
  {
    key: 'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
    shape: seconds,
    unit: 's',
    scope: 'netns',
    module: ct,
    default: '120',
    about: "How long a tracked flow stays in TIME_WAIT; independent of TCP's own 60 s TIME_WAIT.",
    doc,
  },
  timeout('tcp_timeout_close_wait', '60', 'How long a tracked TCP flow stays in CLOSE_WAIT.'),
  timeout('tcp_timeout_fin_wait', '120', 'How long a tracked TCP flow stays in FIN_WAIT.'),
  timeout('tcp_timeout_syn_sent', '120', 'How long a tracked TCP flow waits for the SYN-ACK.'),
  timeout('tcp_timeout_syn_recv', '60', 'How long a tracked TCP flow waits for the final handshake ACK.'),
  timeout('tcp_timeout_last_ack', '30', 'How long a tracked TCP flow stays in LAST_ACK.'),
  timeout('tcp_timeout_close', '10', 'How long a closed TCP flow stays tracked.'),
  timeout('udp_timeout', '30', 'How long a UDP flow that saw traffic one way stays tracked.'),
  timeout('udp_timeout_stream', '120', 'How long a UDP flow with traffic both ways stays tracked.'),
  timeout('icmp_timeout', '30', 'How long an ICMP flow stays tracked.'),
  timeout('generic_timeout', '600', 'How long a flow of an untracked layer 4 protocol stays tracked.'),
  {
    key: 'net.netfilter.nf_conntrack_tcp_loose',
    shape: bool,
    scope: 'netns',
    module: ct,
    default: '1',
    about: 'Picks up TCP connections already established before tracking started (0: only ones it saw open).',
    doc,
  },
  {
    key: 'net.netfilter.nf_conntrack_tcp_be_liberal',
    shape: bool,
    scope: 'netns',
    module: ct,
    default: '0',
    about:
      'Marks only RSTs as invalid, not out-of-window packets: a workaround for middleboxes that mangle TCP windows.',
    doc,
  },
  {
    key: 'net.netfilter.nf_conntrack_helper',
    shape: bool,
    scope: 'netns',
    module: ct,
    removedIn: '6.0',
    default: '0',
    about:
      'Assigned protocol helpers (FTP, SIP...) automatically; removed in 6.0, where helpers need explicit CT rules.',
    doc,
  },
  {
    key: 'net.netfilter.nf_conntrack_checksum',
    shape: bool,
    scope: 'netns',
    module: ct,
    default: '1',
    about: 'Verifies checksums of incoming packets before tracking them.',
    doc,
  },
  {
    key: 'net.netfilter.nf_conntrack_acct',
    shape: bool,
    scope: 'netns',
    module: ct,
    default: '0',
    about: 'Counts packets and bytes per tracked flow.',
    doc,
  },
  ...(['iptables', 'ip6tables'] as const).map((t): KeySpec => ({
    key: `net.bridge.bridge-nf-call-${t}`,
    shape: bool,
    scope: 'netns',
    module: 'br_netfilter',
    default: '1',
    about: `Passes bridged ${t === 'iptables' ? 'IPv4' : 'IPv6'} traffic through ${t} rules (Kubernetes nodes require 1); needs the br_netfilter module.`,
    doc: DOC.bridge,
  })),
];
