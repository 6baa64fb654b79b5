// Congestion control: a name the kernel does not have yet is loaded as module tcp_NAME on the write, or fails.
import { valueTokens } from '../sysctl/sysctl-value.js';
import { currentValue, whenPlanned, type Rule } from './rule.js';

const CC = 'net.ipv4.tcp_congestion_control';
const AVAILABLE = 'net.ipv4.tcp_available_congestion_control';

export const congestionRules: Rule[] = [
  {
    id: 'CONGESTION_CONTROL_UNAVAILABLE',
    severity: 'warn',
    concerns: [CC],
    summary:
      'A tcp_congestion_control not in tcp_available_congestion_control needs its module (tcp_NAME) loaded, now and at boot, or the write fails.',
    reads: [AVAILABLE],
    check: (ctx) =>
      whenPlanned(ctx, CC, (p) => {
        const available = currentValue(ctx, AVAILABLE);
        const name = p.target.trim();
        if (available === undefined || valueTokens(available).includes(name)) return undefined;
        return {
          key: CC,
          message: `${name} is not among the algorithms this kernel has now (${valueTokens(available).join(', ')}): the write loads module tcp_${name} if it exists and modules may load, and fails with ENOENT otherwise. Load it first (modprobe tcp_${name}) and at boot (/etc/modules-load.d/tcp_${name}.conf).`,
          evidence: { target: name, available, module: `tcp_${name}` },
        };
      }),
  },
];
