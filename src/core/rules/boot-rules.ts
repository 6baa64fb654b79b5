// What happens at the next boot: shadowed assignments, loaders that disagree, broken lines in other files.
import { keySpec } from '../sysctl/key-catalog.js';
import { parseSysctlConf } from '../sysctl/sysctl-conf.js';
import { sameValue } from '../sysctl/sysctl-value.js';
import { excerpt } from '../text/excerpt.js';
import type { Rule, RuleHit } from './rule.js';

const LOADERS = ['systemd', 'procps'] as const;

export const bootRules: Rule[] = [
  {
    id: 'BOOT_SHADOWED',
    severity: 'warn',
    summary: 'A later assignment in another file (or /etc/sysctl.conf under procps) overrides the owned file at boot.',
    check: (ctx) => {
      const hits: RuleHit[] = [];
      for (const l of parseSysctlConf(ctx.ownedFile.after)) {
        if (l.kind !== 'assign') continue;
        for (const loader of LOADERS) {
          const model = ctx.boot.after[loader];
          if (!model.files.includes(ctx.ownedFile.path)) continue;
          const win = model.assignments.get(l.key);
          // Only a later write that lands overrides the owned file; a refused owned line is BOOT_WRITE_REJECTED's.
          const own = [...model.writes].reverse().find((w) => w.key === l.key && w.file === ctx.ownedFile.path);
          const ownLanded = own !== undefined && own.result !== 'rejected' && own.result !== 'absent';
          if (
            win &&
            ownLanded &&
            win.order > own.order &&
            win.file !== ctx.ownedFile.path &&
            !sameValue(win.value, l.value)
          )
            hits.push({
              key: l.key,
              message: `at boot ${loader === 'systemd' ? 'systemd-sysctl' : 'sysctl --system'} applies ${win.file}:${win.line} (${l.key} = ${win.value}) after ${ctx.ownedFile.path}, so the value reverts at the next boot. Remove that line or choose a later --file name.`,
              evidence: { loader, winner: `${win.file}:${win.line}`, winnerValue: win.value },
            });
        }
      }
      return hits;
    },
  },
  {
    id: 'OWNED_FILE_NOT_LOADED',
    severity: 'warn',
    summary: 'The owned file is not read by a boot loader (wrong directory, name not ending in .conf, or masked).',
    check: (ctx) =>
      LOADERS.filter(
        (l) => ctx.ownedFile.after.trim() !== '' && !ctx.boot.after[l].files.includes(ctx.ownedFile.path),
      ).map((l) => ({
        message: `${ctx.ownedFile.path} is not read by ${l === 'systemd' ? 'systemd-sysctl' : 'sysctl --system'} at boot (not a *.conf in a sysctl.d directory, or overridden by a file of the same name in a higher directory): runtime values would not survive a reboot.`,
        evidence: { loader: l, file: ctx.ownedFile.path },
      })),
  },
  {
    id: 'BOOT_LOADERS_DISAGREE',
    severity: 'info',
    summary: 'systemd-sysctl and procps `sysctl --system` would set a key differently at boot (e.g. /etc/sysctl.conf).',
    check: (ctx) =>
      [...ctx.planned.keys()].flatMap((key) => {
        const a = ctx.boot.before.systemd.assignments.get(key);
        const b = ctx.boot.before.procps.assignments.get(key);
        if ((a?.value ?? null) === (b?.value ?? null)) return [];
        const show = (x: typeof a) => (x ? `${x.value} (${x.file}:${x.line})` : 'the kernel default');
        return [
          {
            key,
            message: `at boot today systemd-sysctl sets ${show(a)} but sysctl --system sets ${show(b)}.`,
            evidence: { systemd: a?.value ?? null, procps: b?.value ?? null },
          },
        ];
      }),
  },
  {
    id: 'CONFIG_LINE_INVALID',
    severity: 'warn',
    summary: 'A line in a loaded sysctl.d file is not an assignment: the loader warns (systemd-sysctl fails the unit).',
    check: (ctx) => {
      const seen = new Set<string>();
      return LOADERS.flatMap((l) => ctx.boot.before[l].problems)
        .filter((p) => !seen.has(`${p.file}:${p.line}`) && seen.add(`${p.file}:${p.line}`))
        .map((p) => ({
          message: `${p.file}:${p.line}: ${p.why}: "${excerpt(p.text, 60)}"`,
          evidence: { file: p.file, line: p.line },
        }));
    },
  },
  {
    id: 'CONFIG_INLINE_COMMENT',
    severity: 'warn',
    summary: 'sysctl.d has no inline comments: `k = 1 # x` writes "1 # x" to the kernel.',
    check: (ctx) =>
      [...ctx.planned.keys()].flatMap((key) => {
        const a = ctx.boot.before.systemd.assignments.get(key) ?? ctx.boot.before.procps.assignments.get(key);
        if (!a || !/\s[#;]/.test(a.text)) return [];
        return [
          {
            key,
            message: `${a.file}:${a.line} sets "${a.text}": the comment is part of the value (sysctl.d has no inline comments), so the kernel may reject it at boot.`,
            evidence: { file: a.file, line: a.line },
          },
        ];
      }),
  },
  {
    id: 'OWNED_FILE_KEY_DROPPED',
    severity: 'info',
    summary:
      'A key the owned file sets today is not in this plan: it leaves the file; its runtime value is not changed.',
    check: (ctx) => {
      const after = new Set(parseSysctlConf(ctx.ownedFile.after).map((l) => (l.kind === 'invalid' ? '' : l.key)));
      // A `>N`/`<N` key whose line boot no longer needs is explained by BOUND_MET_AT_BOOT instead.
      const metAtBoot = (key: string) => ctx.planned.get(key)?.bound?.file === null;
      return parseSysctlConf(ctx.ownedFile.before ?? '')
        .filter((l) => l.kind === 'assign' && !after.has(l.key) && !metAtBoot(l.key))
        .map((l) => ({
          key: l.kind === 'assign' ? l.key : '',
          message: `${l.kind === 'assign' ? l.key : ''} is in ${ctx.ownedFile.path} today but not in this plan: it is removed from the file and keeps its runtime value until reboot.`,
          evidence: { line: l.line },
        }));
    },
  },
  {
    id: 'KEY_UNKNOWN',
    severity: 'info',
    summary: 'tune has no facts (type, range, scope) about this key: only its syntax is checked.',
    check: (ctx) =>
      [...ctx.planned.values()]
        .filter((p) => !keySpec(p.key) && ctx.snapshot.sysctl[p.key]?.state === 'ok')
        .map((p) => ({
          key: p.key,
          message: `tune has no facts about ${p.key}: its value is checked for syntax only.`,
          evidence: {},
        })),
  },
  {
    id: 'PROFILE_SECTIONS_IGNORED',
    severity: 'info',
    summary: 'Sections of a tuned profile other than [main] and [sysctl] (cpu, disk, ...) are not applied by tune.',
    check: (ctx) =>
      ctx.ignoredSections.map((s) => ({
        message: `${s.file}: sections [${s.sections.join('], [')}] of profile ${s.profile} are not applied by tune (only [main] and [sysctl]).`,
        evidence: { profile: s.profile, sections: s.sections.join(',') },
      })),
  },
];
