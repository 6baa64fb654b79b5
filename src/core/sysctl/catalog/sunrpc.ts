// sunrpc.*: RPC client transport keys (NFS). Module keys: they exist only while sunrpc is loaded. No kernel document:
// facts from net/sunrpc/xprtsock.c and include/linux/sunrpc/xprt.h.
import { DOC, type KeySpec } from './spec.js';

const rpcSlots = { kind: 'int', min: 2, max: 65536 } as const;
const port = { kind: 'int', min: 1, max: 65535 } as const;
const rpc = (key: string, shape: KeySpec['shape'], dflt: string, about: string): KeySpec => ({
  key: `sunrpc.${key}`,
  shape,
  scope: 'global',
  module: 'sunrpc',
  default: dflt,
  about,
  doc: DOC.sunrpc,
});

export const SUNRPC_KEYS: KeySpec[] = [
  rpc(
    'tcp_slot_table_entries',
    rpcSlots,
    '2',
    'RPC slots a new TCP transport starts with; they grow on demand up to tcp_max_slot_table_entries.',
  ),
  rpc(
    'tcp_max_slot_table_entries',
    rpcSlots,
    '65536',
    'Most RPC requests in flight per TCP transport (mount); lower it to protect an overloaded server.',
  ),
  rpc('udp_slot_table_entries', rpcSlots, '16', 'RPC slots per UDP transport; existing transports keep their size.'),
  rpc('min_resvport', port, '665', 'Lowest privileged source port the RPC client uses.'),
  rpc(
    'max_resvport',
    port,
    '1023',
    'Highest privileged source port the RPC client uses; keep it above min_resvport and below 1024 for `secure` exports.',
  ),
];
