// `tune audit`: read the host (or a snapshot), judge its configuration, render. Writes nothing.
import { AUDIT_RULES, auditHost } from '../../core/audit/host-audit.js';
import { renderAudit, renderAuditMarkdown } from '../../core/audit/render-audit.js';
import { UserError } from '../../core/errors.js';
import { failsOn } from '../../core/fleet/fleet-plan.js';
import { allRules } from '../../core/rules/index.js';
import { readSnapshotFile } from '../../system/config/snapshot-file.js';
import { readSnapshot } from '../../system/snapshot-reader.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { failOnFlag } from '../fail-on.js';

interface AuditFlags {
  root?: string;
  snapshot?: string;
  json?: boolean;
  format?: string;
  failOn?: string[];
}

export async function runAudit(ctx: CliContext, flags: AuditFlags): Promise<number> {
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'markdown')
    throw new UserError(`--format takes text or markdown, got "${format}"`);
  if (format === 'markdown' && flags.json) throw new UserError('--format markdown and --json are mutually exclusive');
  if (flags.snapshot && flags.root) throw new UserError('--snapshot and --root are mutually exclusive');
  const failOn = failOnFlag(flags.failOn?.length ? flags.failOn : ['refuse'], AUDIT_RULES);
  const snapshot = flags.snapshot
    ? readSnapshotFile(flags.snapshot)
    : await readSnapshot({ root: ctx.root(flags.root), now: ctx.now() });
  const report = auditHost(snapshot, allRules, ctx.now());
  if (flags.json) ctx.out(`${JSON.stringify(report, null, 2)}\n`);
  else ctx.out(format === 'markdown' ? renderAuditMarkdown(report) : renderAudit(report, ctx.style));
  return failsOn(report.findings, failOn) ? EXIT.REFUSED : EXIT.OK;
}
