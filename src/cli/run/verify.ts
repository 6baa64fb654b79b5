// `tune verify`: is what the owned file sets in effect now, and will it still be after a reboot? Writes nothing.
import path = require('node:path');
import { DEFAULT_OWNED_FILE } from '../../core/plan/owned-file.js';
import { renderTable, type Cell } from '../../core/text/text-table.js';
import { describeKey, verifyOwnedFile, type BootWinner, type VerifyReport } from '../../core/boot/verify-report.js';
import { readVerifyInput } from '../../system/config/verify-reader.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { ownedFileFlag } from '../options.js';

interface VerifyFlags {
  root?: string;
  file?: string;
  json?: boolean;
}

export function runVerify(ctx: CliContext, flags: VerifyFlags): number {
  // Normalised (`//`, `/./`) so it compares equal to the paths the boot models name.
  const file = path.posix.normalize(ownedFileFlag(flags.file ?? DEFAULT_OWNED_FILE));
  const report = verifyOwnedFile(readVerifyInput(ctx.root(flags.root), file));
  ctx.out(flags.json ? JSON.stringify(report, null, 2) + '\n' : renderVerify(report, ctx));
  return report.agree ? EXIT.OK : EXIT.DIFFERS;
}

function renderVerify(r: VerifyReport, ctx: CliContext): string {
  const s = ctx.style;
  if (!r.exists) return `nothing to verify: ${r.file} does not exist\n`;
  const out: string[] = [];
  if (r.keys.length) {
    const boot = (w: BootWinner | null) =>
      w ? `${w.value} @${w.file.slice(w.file.lastIndexOf('/') + 1)}:${w.line}` : '(not set)';
    out.push(
      ...renderTable([
        ['KEY', 'FILE', 'RUNTIME', 'BOOT (systemd)', 'BOOT (procps)'].map((t): Cell => ({ text: t, paint: s.bold })),
        ...r.keys.map((k) => [
          { text: k.key, paint: k.agree ? undefined : s.yellow },
          k.fileValue,
          k.runtime ?? `(${k.runtimeState})`,
          boot(k.boot.systemd),
          boot(k.boot.procps),
        ]),
      ]),
    );
  }
  const differing = r.keys.filter((k) => !k.agree);
  if (differing.length || r.lineProblems.length) out.push('');
  for (const k of differing) out.push(s.yellow(describeKey(k, r.file)));
  for (const p of r.lineProblems) out.push(s.yellow(`${r.file}:${p.line}: ${p.why}: ${p.text}`));
  if (!r.keys.length && !r.lineProblems.length) out.push(`nothing to verify: ${r.file} sets no keys`);
  else if (r.agree)
    out.push('', s.green(`All ${r.keys.length} key(s) agree: runtime, ${r.file} and boot (systemd and procps).`));
  else {
    const parts = [
      differing.length ? `${differing.length} of ${r.keys.length} key(s) differ` : '',
      r.lineProblems.length ? `${r.lineProblems.length} line(s) not checked` : '',
    ];
    out.push('', s.red(`${parts.filter(Boolean).join('; ')}.`));
  }
  return out.join('\n') + '\n';
}
