// Writes runtime sysctl values and reads them back: the kernel may accept, reject (EINVAL), or silently clamp.
import fs = require('node:fs');
import type { SysctlKey } from '../core/sysctl-key.js';
import { sameValue } from '../core/sysctl-value.js';
import { readSysctl, sysctlPath } from './proc-sys.js';

export interface WriteOutcome {
  ok: boolean;
  /** Error code from the write (EINVAL, EROFS, EPERM, ENOENT) or 'MISMATCH' when the read-back differs. */
  code?: string;
  readBack?: string;
}

/** Writes `value` to the key under the root, then reads it back and compares as the kernel prints it. */
export function writeSysctl(root: string, key: SysctlKey, value: string): WriteOutcome {
  try {
    const fd = fs.openSync(sysctlPath(root, key), fs.constants.O_WRONLY | fs.constants.O_TRUNC);
    try {
      fs.writeSync(fd, `${value}\n`);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    return { ok: false, code: (e as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  const back = readSysctl(root, key);
  if (back.state !== 'ok' || !sameValue(back.value ?? '', value))
    return { ok: false, code: 'MISMATCH', readBack: back.value ?? '' };
  return { ok: true, readBack: back.value ?? '' };
}
