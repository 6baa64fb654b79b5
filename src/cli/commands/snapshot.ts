// `tune snapshot`: capture the host as versioned JSON for offline plans and change reviews.
import fs = require('node:fs');
import path = require('node:path');
import { UserError } from '../../core/errors.js';
import { formatSnapshotJson } from '../../core/snapshot.js';
import { readSnapshot } from '../../system/snapshot-reader.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface SnapshotFlags {
  output?: string;
  all?: boolean;
  root?: string;
}

export function runSnapshot(ctx: CliContext, flags: SnapshotFlags): number {
  const snap = readSnapshot({ root: ctx.root(flags.root), now: ctx.now(), all: flags.all === true });
  const text = formatSnapshotJson(snap);
  if (!flags.output || flags.output === '-') {
    ctx.out(text);
    return EXIT.OK;
  }
  const tmp = path.join(
    path.dirname(path.resolve(flags.output)),
    `.${path.basename(flags.output)}.tune-tmp-${process.pid}`,
  );
  try {
    fs.writeFileSync(tmp, text, { mode: 0o644 });
    fs.renameSync(tmp, flags.output);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new UserError(
      `cannot write snapshot (${(e as NodeJS.ErrnoException).code})`,
      { file: flags.output },
      EXIT.RUNTIME,
    );
  }
  ctx.err(
    `snapshot of ${snap.hostname} (kernel ${snap.kernel.release}, ${Object.keys(snap.sysctl).length} keys) written to ${flags.output}\n`,
  );
  return EXIT.OK;
}
