// A fleet review as a pull-request comment: the summary first, each distinct plan in a <details> block, the whole
// under GitHub's 65,536-character limit (plans that do not fit are folded to their hosts, then left out, with a note).
import type { KeyChange, Plan } from '../plan/planner.js';
import type { Finding } from '../rules/rule.js';
import { normalizeValue, sameValue } from '../sysctl/sysctl-value.js';
import { formatAge, type FleetPlan, type HostResult, type PlanGroup } from './fleet-plan.js';

/** GitHub refuses a comment longer than this. */
export const MARKDOWN_LIMIT = 65_536;
/** Room kept for the closing note about folded or omitted plans. */
const NOTE_RESERVE = 600;
const HOSTS_LISTED = { full: 200, folded: 50 };

/** Renders the review as GitHub-flavoured Markdown of at most `limit` characters. */
export function renderFleetMarkdown(fleet: FleetPlan, limit = MARKDOWN_LIMIT): string {
  const head = [`### tune plan: ${md(fleet.summary.text)}`, '', requestLine(fleet), ''];
  if (fleet.summary.stale)
    head.push(
      `**${fleet.summary.stale} snapshot(s) older than ${formatAge(fleet.maxAgeSeconds)}** (SNAPSHOT_STALE): take new ones before applying.`,
      '',
    );
  let text = head.join('\n') + '\n';
  const folded: PlanGroup[] = [];
  const omitted: PlanGroup[] = [];
  for (const g of fleet.groups) {
    const full = groupBlock(fleet, g, 'full');
    if (!omitted.length && text.length + full.length <= limit - NOTE_RESERVE) {
      text += full;
      continue;
    }
    const short = groupBlock(fleet, g, 'folded');
    if (!omitted.length && text.length + short.length <= limit - NOTE_RESERVE) {
      text += short;
      folded.push(g);
    } else omitted.push(g);
  }
  const notes: string[] = [];
  if (folded.length)
    notes.push(
      `${folded.length} plan(s) (${folded.map((g) => g.id).join(', ')}) are folded to their hosts and findings to fit one comment.`,
    );
  if (omitted.length) {
    const hosts = omitted.reduce((n, g) => n + g.hosts.length, 0);
    notes.push(`${omitted.length} more plan(s) covering ${hosts} host(s) are not shown to fit one comment.`);
  }
  if (notes.length)
    text += `\n> **Truncated:** ${notes.join(' ')} \`tune plan --snapshot ... --json\` has every plan and host.\n`;
  // A request line or host list long enough to break the limit on its own is cut, still with a note.
  if (text.length > limit) {
    const note = '\n\n> **Truncated** at the comment size limit: `tune plan --snapshot ... --json` has everything.\n';
    text = text.slice(0, limit - note.length) + note;
  }
  return text;
}

function requestLine(fleet: FleetPlan): string {
  const parts = [`Profiles: ${fleet.profiles.length ? fleet.profiles.map(code).join(', ') : '(none)'}`];
  if (fleet.overrides.length) parts.push(`--set ${fleet.overrides.map(code).join(' ')}`);
  if (fleet.allow.length) parts.push(`--allow ${fleet.allow.map(code).join(' ')}`);
  parts.push(`planned ${fleet.createdAt}`);
  return parts.join(' · ');
}

function groupBlock(fleet: FleetPlan, g: PlanGroup, mode: 'full' | 'folded'): string {
  const members = g.hosts.map((i) => fleet.hosts[i]).filter((h): h is HostResult => h !== undefined);
  const out = [
    '<details>',
    `<summary><b>Plan ${g.id} of ${fleet.groups.length}</b>: ${members.length} host${members.length === 1 ? '' : 's'}, ${html(g.label)}</summary>`,
    '',
    `**Hosts:** ${hostList(members, HOSTS_LISTED[mode])}`,
    '',
  ];
  const stale = members.flatMap((h) => h.provenance.map((f) => ({ h, f })));
  for (const { h, f } of stale.slice(0, HOSTS_LISTED[mode]))
    out.push(`- ${severity(f)} \`${f.rule}\` ${md(h.hostname)}: ${md(f.message)}`);
  if (stale.length > HOSTS_LISTED[mode]) out.push(`- … and ${stale.length - HOSTS_LISTED[mode]} more`);
  if (stale.length) out.push('');
  if (g.plan) out.push(...(mode === 'full' ? planBody(g.plan) : foldedBody(g.plan)));
  out.push('</details>', '');
  return out.join('\n') + '\n';
}

/** Host names with the snapshot's age: `web1` (3h). */
function hostList(members: HostResult[], max: number): string {
  const shown = members
    .slice(0, max)
    .map((h) => `${code(h.hostname)}${h.ageSeconds === null ? '' : ` (${formatAge(h.ageSeconds)})`}`);
  const more = members.length > max ? `, … and ${members.length - max} more` : '';
  return shown.join(', ') + more;
}

function planBody(plan: Plan): string[] {
  const out = [
    `Kernel ${md(plan.kernel)} (first host)`,
    '',
    '| key | now | at boot | target | status |',
    '|---|---|---|---|---|',
  ];
  for (const c of plan.changes)
    out.push(
      `| ${code(c.key)} | ${cell(c.current === null ? '(absent)' : normalizeValue(c.current))} | ${cell(bootText(c))} | ${cell(targetText(c))} | ${c.status} |`,
    );
  out.push('');
  if (plan.findings.length) {
    out.push('**Findings**', '');
    for (const f of plan.findings)
      out.push(`- ${severity(f)} \`${f.rule}\`${f.key ? ` ${code(f.key)}` : ''}: ${md(f.message)}`);
    out.push('');
  }
  if (plan.file.diff) {
    const fence = fenceFor(plan.file.diff);
    out.push(`Changes to ${code(plan.file.path)}:`, '', `${fence}diff`, plan.file.diff.trimEnd(), fence, '');
  } else out.push(`${code(plan.file.path)} is already up to date.`, '');
  return out;
}

function foldedBody(plan: Plan): string[] {
  const s = plan.summary;
  const rules = [...new Set(plan.findings.filter((f) => f.severity !== 'info').map((f) => f.rule))];
  return [
    `_Folded:_ ${s.change} to change, ${s.same} unchanged${s.refused ? `, ${s.refused} refused` : ''}` +
      (rules.length ? `; findings: ${rules.map((r) => `\`${r}\``).join(', ')}` : '') +
      '.',
    '',
  ];
}

function bootText(c: KeyChange): string {
  if (!c.boot) return '(not set)';
  return `${c.boot.value} @${c.boot.file.slice(c.boot.file.lastIndexOf('/') + 1)}:${c.boot.line}`;
}

function targetText(c: KeyChange): string {
  if (c.fileValue === undefined || !['change', 'same'].includes(c.status)) return c.target;
  if (c.fileValue === null) return `${c.target} (no file line)`;
  return sameValue(c.fileValue, c.target) ? c.target : `${c.target} (file ${c.fileValue})`;
}

const severity = (f: Finding) => (f.severity === 'refuse' ? '**REFUSE**' : f.severity === 'warn' ? '**WARN**' : 'info');

/** Host text (names, values, messages) as inert Markdown: no markup, links, HTML or line breaks from a snapshot. */
function md(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Text inside a <summary> (HTML, not Markdown). */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Inline code that host text cannot break out of: a fence longer than any backtick run in it, pipes escaped. */
function code(s: string): string {
  const t = s.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const tick = '`'.repeat(longest + 1);
  return longest ? `${tick} ${t} ${tick}` : `${tick}${t}${tick}`;
}

const cell = (s: string) => code(s);

function fenceFor(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  return '`'.repeat(longest + 1);
}
