// Host-wide limits and roles: file handle limits and ip_forward.
import { currentValue, effectiveInts, whenPlanned, type Rule } from './rule.js';
import { intTokens } from '../sysctl/sysctl-value.js';

export const hostRules: Rule[] = [
  {
    id: 'NR_OPEN_BELOW_NOFILE',
    severity: 'refuse',
    concerns: ['fs.nr_open'],
    summary: 'fs.nr_open must stay at or above every configured RLIMIT_NOFILE, or services fail to start.',
    check: (ctx) =>
      whenPlanned(ctx, 'fs.nr_open', (p) => {
        const target = intTokens(p.target)?.[0];
        const limit = ctx.snapshot.env.nofileHardMax;
        return target === undefined || limit === null || target >= limit
          ? undefined
          : {
              key: p.key,
              message: `fs.nr_open ${target} is below a configured open-files limit of ${limit}: services asking for that limit would fail to start.`,
              evidence: { target, nofileHardMax: limit },
            };
      }),
  },
  {
    id: 'FILE_MAX_BELOW_IN_USE',
    severity: 'refuse',
    concerns: ['fs.file-max'],
    summary: 'fs.file-max must stay above the number of file handles already allocated (fs.file-nr).',
    reads: ['fs.file-nr'],
    check: (ctx) =>
      whenPlanned(ctx, 'fs.file-max', (p) => {
        const target = intTokens(p.target)?.[0];
        const inUse = effectiveInts(ctx, 'fs.file-nr')?.[0];
        return target === undefined || inUse === undefined || target > inUse
          ? undefined
          : {
              key: p.key,
              message: `fs.file-max ${target} is not above the ${inUse} file handles in use: every new open() by non-root processes would fail with ENFILE.`,
              evidence: { target, inUse },
            };
      }),
  },
  {
    id: 'IP_FORWARD_ROLE_CHANGE',
    severity: 'refuse',
    concerns: ['net.ipv4.ip_forward'],
    overridable: true,
    summary: 'Changing ip_forward changes the host role and resets every per-interface IPv4 setting: needs --allow.',
    check: (ctx) =>
      whenPlanned(ctx, 'net.ipv4.ip_forward', (p) => {
        const cur = currentValue(ctx, p.key);
        return cur === undefined || cur.trim() === p.target.trim()
          ? undefined
          : {
              key: p.key,
              message: `changing ip_forward ${cur.trim()} -> ${p.target} ${p.target === '0' ? 'breaks container, Kubernetes and VPN routing on this host' : 'makes this host a router'} and resets all per-interface IPv4 settings (accept_redirects, ...). Confirm with --allow IP_FORWARD_ROLE_CHANGE.`,
              evidence: { current: cur.trim(), target: p.target },
            };
      }),
  },
];
