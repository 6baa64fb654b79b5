// Gathers what `tune verify` compares: the owned file's bytes, every sysctl config file, and the runtime value of
// each key the owned file sets. Reads only.
import { modelBoot } from '../../core/boot/boot-precedence.js';
import { UserError } from '../../core/errors.js';
import type { SysctlKey } from '../../core/sysctl/sysctl-key.js';
import { keysSetBy, type VerifyInput } from '../../core/boot/verify-report.js';
import { readExact } from '../files/atomic-file.js';
import { confinedPath } from '../files/host-root.js';
import { readSysctl } from '../proc/proc-sys.js';
import { readConfigFiles } from './sysctl-config-files.js';

/** Reads the inputs of verifyOwnedFile for the owned file `file` (a host path) under `root`. */
export function readVerifyInput(root: string, file: string): VerifyInput {
  let bytes: Buffer | null;
  try {
    bytes = readExact(confinedPath(root, file, 'nofollow'), file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new UserError(`cannot read the owned file (${code})`, { file }, 1);
  }
  const content = bytes === null ? null : bytes.toString('utf8');
  const keys = keysSetBy(content);
  const runtime = Object.fromEntries(keys.map((k) => [k, readSysctl(root, k as SysctlKey)]));
  const files = readConfigFiles(root);
  return {
    file,
    content,
    runtime,
    boot: { systemd: modelBoot(files, 'systemd', keys), procps: modelBoot(files, 'procps', keys) },
  };
}
