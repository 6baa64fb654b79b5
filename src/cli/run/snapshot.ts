// `tune snapshot`: capture the host as versioned JSON for offline plans and change reviews.
import { formatSnapshotJson } from '../../core/snapshot.js';
import { writeSnapshotFile } from '../../system/config/snapshot-file.js';
import { readSnapshot } from '../../system/snapshot-reader.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface SnapshotFlags {
  output?: string;
  all?: boolean;
  root?: string;
}

export async function runSnapshot(ctx: CliContext, flags: SnapshotFlags): Promise<number> {
  const snap = await readSnapshot({ root: ctx.root(flags.root), now: ctx.now(), all: flags.all === true });
  if (!flags.output || flags.output === '-') {
    ctx.out(formatSnapshotJson(snap));
    return EXIT.OK;
  }
  writeSnapshotFile(flags.output, snap);
  ctx.err(
    `snapshot of ${snap.hostname} (kernel ${snap.kernel.release}, ${Object.keys(snap.sysctl).length} keys) written to ${flags.output}\n`,
  );
  return EXIT.OK;
}
