// `tune explain`: read the key (and the boot configuration) live or from a snapshot, then describe it. Writes nothing.
import { UserError } from '../../core/errors.js';
import { explainKey } from '../../core/explain/key-explanation.js';
import { renderExplanation } from '../../core/explain/render-explanation.js';
import { evidenceKeys } from '../../core/plan/evidence-keys.js';
import { allRules } from '../../core/rules/index.js';
import { keySpec, knownKeys } from '../../core/sysctl/key-catalog.js';
import { closestKeys } from '../../core/sysctl/key-suggest.js';
import { parseSysctlKey } from '../../core/sysctl/sysctl-key.js';
import { readSnapshotFile } from '../../system/config/snapshot-file.js';
import { readSnapshot } from '../../system/snapshot-reader.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export interface ExplainFlags {
  root?: string;
  snapshot?: string;
  json?: boolean;
}

export async function runExplain(ctx: CliContext, raw: string, flags: ExplainFlags): Promise<number> {
  if (flags.snapshot && flags.root) throw new UserError('--snapshot and --root are mutually exclusive');
  const key = parseSysctlKey(raw.trim());
  const snapshot = flags.snapshot
    ? readSnapshotFile(flags.snapshot)
    : await readSnapshot({ root: ctx.root(flags.root), now: ctx.now(), keys: evidenceKeys(allRules, [key]) });
  // A key tune has no facts about is still explained when this host has it (its values and boot line); otherwise
  // it is most likely a typo.
  if (!keySpec(key) && snapshot.sysctl[key]?.state !== 'ok') {
    const present = Object.keys(snapshot.sysctl).filter((k) => snapshot.sysctl[k]?.state === 'ok');
    const near = closestKeys(key, [...knownKeys(), ...present]);
    throw new UserError(
      `unknown key: tune has no facts about it and ${flags.snapshot ? 'the snapshot' : 'this host'} does not have it${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`,
      { key },
    );
  }
  const source = flags.snapshot ? `snapshot ${flags.snapshot} taken ${snapshot.takenAt}` : 'read now';
  const e = explainKey(key, snapshot, allRules, source);
  ctx.out(flags.json ? JSON.stringify(e, null, 2) + '\n' : renderExplanation(e, ctx.style));
  return EXIT.OK;
}
