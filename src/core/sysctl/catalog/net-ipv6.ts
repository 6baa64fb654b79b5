// net.ipv6.*: the IPv6 switches and tables operators commonly set (TCP over IPv6 uses the net.ipv4.tcp_* keys).
import { DOC, bool, int, neighThresholds, nonNeg, positive, type KeySpec } from './spec.js';

const doc = DOC.ip;

function conf(leaf: string, shape: KeySpec['shape'], about: string, ifaces: string[], dflt: string): KeySpec[] {
  return ifaces.map((which) => ({
    key: `net.ipv6.conf.${which}.${leaf}`,
    shape,
    scope: 'netns',
    default: dflt,
    about: `${about} ${which === 'all' ? 'Writing `all` sets every interface.' : which === 'default' ? 'The `default` entry is copied to interfaces created afterwards.' : `For the ${which} interface.`}`,
    doc,
  }));
}

export const IPV6_KEYS: KeySpec[] = [
  ...conf('disable_ipv6', bool, 'Turns IPv6 off (no addresses, no traffic).', ['all', 'default', 'lo'], '0'),
  ...conf(
    'forwarding',
    bool,
    'Routes IPv6 between interfaces; also turns off accepting router advertisements unless accept_ra is 2.',
    ['all'],
    '0',
  ),
  ...conf(
    'accept_ra',
    int(0, 2),
    'Accepts router advertisements (1 when not forwarding, 2 even when forwarding, 0 never).',
    ['all', 'default'],
    '1',
  ),
  ...conf('accept_redirects', bool, 'Accepts ICMPv6 redirects (ignored while forwarding).', ['all', 'default'], '1'),
  ...conf('accept_source_route', int(-1, 0), 'Accepts type 0 routing headers: 0 type 2 only, -1 none.', ['all'], '0'),
  {
    key: 'net.ipv6.bindv6only',
    shape: bool,
    scope: 'netns',
    default: '0',
    about: 'Default of IPV6_V6ONLY: 1 makes an IPv6 listener on :: stop accepting IPv4-mapped connections.',
    doc,
  },
  ...neighThresholds('ipv6', 'IPv6 neighbour entries', 'past it new neighbours fail.'),
  {
    key: 'net.ipv6.route.max_size',
    shape: positive,
    unit: 'routes',
    scope: 'netns',
    computed: '2147483647 on recent kernels (4096 on older ones)',
    about: 'Cap on cached IPv6 route entries; near it garbage collection runs harder and new entries can fail.',
    doc,
  },
  {
    key: 'net.ipv6.route.gc_timeout',
    shape: nonNeg,
    unit: 's',
    scope: 'netns',
    default: '60',
    about: 'Age after which unused IPv6 cached routes are collected.',
    doc,
  },
];
