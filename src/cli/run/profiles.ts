// `tune profiles` and `tune profiles show NAME`: what each profile sets, why, and where each value came from.
import { resolveRequest } from '../../core/plan/profile-resolver.js';
import { renderTable } from '../../core/text/text-table.js';
import { createProfileLoader, listProfiles } from '../../system/config/profile-store.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export function runProfilesList(ctx: CliContext, flags: { json?: boolean; root?: string }): number {
  const profiles = listProfiles(ctx.root(flags.root));
  if (flags.json) {
    ctx.out(
      JSON.stringify(
        profiles.map((p) => ({ name: p.name, summary: p.summary, file: p.file })),
        null,
        2,
      ) + '\n',
    );
    return EXIT.OK;
  }
  const rows = renderTable([
    ['NAME', 'SUMMARY'].map((t) => ({ text: t, paint: ctx.style.bold })),
    ...profiles.map((p) => [p.name, p.summary]),
  ]);
  ctx.out(rows.join('\n') + '\n');
  return EXIT.OK;
}

export function runProfilesShow(ctx: CliContext, name: string, flags: { json?: boolean; root?: string }): number {
  const load = createProfileLoader(ctx.root(flags.root));
  const resolved = resolveRequest([name], [], load);
  const profile = load(name);
  if (flags.json) {
    ctx.out(
      JSON.stringify(
        {
          name,
          summary: profile?.summary ?? '',
          description: profile?.description ?? '',
          file: profile?.file ?? '',
          includes: profile?.includes.map((i) => i.name) ?? [],
          settings: resolved.settings,
          ignoredSections: resolved.ignoredSections,
        },
        null,
        2,
      ) + '\n',
    );
    return EXIT.OK;
  }
  const out = [ctx.style.bold(`${name}: ${profile?.summary ?? ''}`)];
  if (profile?.description) out.push(profile.description);
  if (profile?.includes.length) out.push(`includes: ${profile.includes.map((i) => i.name).join(', ')}`);
  out.push('');
  for (const s of resolved.settings) {
    const value =
      s.op === 'raise' ? `>=${s.value} (only raise)` : s.op === 'lower' ? `<=${s.value} (only lower)` : s.value;
    out.push(`${s.key} = ${value}`);
    out.push(ctx.style.dim(`    why: ${s.reason}`));
    out.push(
      ctx.style.dim(
        `    from: ${s.origin.profile} (${s.origin.file}:${s.origin.line})${s.overrides.length ? `, overrides ${s.overrides.map((o) => o.profile).join(', ')}` : ''}`,
      ),
    );
  }
  for (const i of resolved.ignoredSections)
    out.push('', `ignored sections of ${i.profile}: [${i.sections.join('], [')}]`);
  ctx.out(out.join('\n') + '\n');
  return EXIT.OK;
}
