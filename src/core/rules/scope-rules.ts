// Keys that are absent, read-only, global (host-wide) or module-dependent must be reported, never silently failed.
import { keySpec } from '../sysctl/key-catalog.js';
import { kernelAtLeast } from '../sysctl/kernel-version.js';
import type { Rule, RuleHit } from './rule.js';

export const scopeRules: Rule[] = [
  {
    id: 'KEY_ABSENT',
    severity: 'warn',
    summary:
      'The key does not exist on this kernel (version, build option), or is host-wide and hidden in this network namespace: it is left out of the file.',
    check: (ctx) =>
      [...ctx.planned.values()]
        .filter((p) => ctx.snapshot.sysctl[p.key]?.state !== 'ok' && !keySpec(p.key)?.module)
        .map((p): RuleHit => {
          const spec = keySpec(p.key);
          const evidence = {
            kernel: ctx.snapshot.kernel.release,
            state: ctx.snapshot.sysctl[p.key]?.state ?? 'absent',
          };
          // A child network namespace hides host-wide net keys (netdev_max_backlog, tcp_mem...): the kernel has them.
          if (spec?.scope === 'global' && ctx.snapshot.env.initialNetns === false && p.key.startsWith('net.'))
            return {
              key: p.key,
              message: `${p.key} is not visible here: it is host-wide, and the kernel shows host-wide network keys only in the host's own network namespace, not in this one (a container's). Set it on the host. It is not written.`,
              evidence: { ...evidence, scope: 'global', initialNetns: false },
            };
          const why = !spec
            ? 'tune has no facts about this key and this kernel does not have it (typo?)'
            : spec.since && !kernelAtLeast(ctx.kernel, spec.since)
              ? `it exists since Linux ${spec.since}`
              : spec.removedIn && kernelAtLeast(ctx.kernel, spec.removedIn)
                ? `it was removed in Linux ${spec.removedIn}`
                : 'this kernel was built without it';
          return {
            key: p.key,
            message: `${p.key} does not exist on ${ctx.snapshot.kernel.release}: ${why}. It is not written (an unknown key in sysctl.d fails at boot).`,
            evidence,
          };
        }),
  },
  {
    id: 'MODULE_KEY_NOT_LOADED',
    severity: 'warn',
    summary: 'Module-dependent keys (nf_conntrack, sunrpc, nfs) exist only while the module is loaded.',
    check: (ctx) =>
      [...ctx.planned.values()]
        .filter((p) => ctx.snapshot.sysctl[p.key]?.state !== 'ok' && keySpec(p.key)?.module)
        .map((p) => {
          const mod = keySpec(p.key)?.module ?? '';
          return {
            key: p.key,
            message: `${p.key} exists only while the ${mod} module is loaded, and it is not. Load it first, or set the module option in /etc/modprobe.d so the value survives module load order at boot.`,
            evidence: { module: mod, loaded: ctx.snapshot.env.modules.includes(mod) },
          };
        }),
  },
  {
    id: 'MODULE_KEY_BOOT_ORDER',
    severity: 'info',
    summary:
      'sysctl.d may run before a module loads at boot; module keys need the module loaded first (or modprobe options).',
    check: (ctx) =>
      [...ctx.planned.values()]
        .filter((p) => ctx.snapshot.sysctl[p.key]?.state === 'ok' && keySpec(p.key)?.module)
        .map((p) => ({
          key: p.key,
          message: `${p.key} belongs to the ${keySpec(p.key)?.module} module: at boot systemd-sysctl may run before the module loads and the value is lost. Load the module early (/etc/modules-load.d) or use module options.`,
          evidence: { module: keySpec(p.key)?.module ?? '' },
        })),
  },
  {
    id: 'KEY_READ_ONLY',
    severity: 'warn',
    summary: 'The key is read-only here (a global key inside a container, or /proc/sys mounted read-only).',
    check: (ctx) =>
      [...ctx.planned.values()]
        .filter((p) => ctx.snapshot.sysctl[p.key]?.state === 'ok' && !ctx.snapshot.sysctl[p.key]?.writable)
        .map((p) => ({
          key: p.key,
          message: `${p.key} is read-only here${keySpec(p.key)?.scope === 'global' ? ' (a host-wide key: set it on the host, not in the container)' : ''}. It is not written.`,
          evidence: { scope: keySpec(p.key)?.scope ?? 'unknown', initialNetns: ctx.snapshot.env.initialNetns },
        })),
  },
  {
    id: 'GLOBAL_KEY_IN_CONTAINER',
    severity: 'refuse',
    overridable: true,
    summary: 'A host-wide key written from inside a container changes every container and the host.',
    check: (ctx) =>
      [...ctx.planned.values()]
        .filter(
          (p) =>
            ctx.snapshot.env.initialNetns === false &&
            keySpec(p.key)?.scope === 'global' &&
            ctx.snapshot.sysctl[p.key]?.state === 'ok' &&
            ctx.snapshot.sysctl[p.key]?.writable,
        )
        .map((p) => ({
          key: p.key,
          message: `${p.key} is host-wide, and this is not the host's network namespace: writing it from here changes the host and every other container. Set it on the host; --allow to override.`,
          evidence: { initialNetns: false, netns: ctx.snapshot.env.netnsEvidence },
        })),
  },
];
