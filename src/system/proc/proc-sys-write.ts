// Writes runtime sysctl values and reads them back: the kernel may accept, reject (EINVAL), or silently clamp.
import fs = require('node:fs');
import type { SysctlKey } from '../../core/sysctl/sysctl-key.js';
import { sameValue } from '../../core/sysctl/sysctl-value.js';
import { readSysctl, sysctlPath } from './proc-sys.js';

export interface WriteOutcome {
  ok: boolean;
  /** Error code from the write (EINVAL, EROFS, EPERM, ENOENT) or 'MISMATCH' when the read-back differs. */
  code?: string;
  readBack?: string;
}

/**
 * Writes `value` to the key under the root, then reads it back and compares as the kernel prints it. Never through a
 * symlink (ELOOP) and never into a FIFO or device (ENXIO for a FIFO nobody reads, NOTREG otherwise): under a root the
 * entry is resolved inside it and must be a regular file, as every /proc/sys entry is.
 */
export function writeSysctl(root: string, key: SysctlKey, value: string): WriteOutcome {
  try {
    const c = fs.constants;
    const fd = fs.openSync(sysctlPath(root, key, 'write'), c.O_WRONLY | c.O_TRUNC | c.O_NONBLOCK | c.O_NOFOLLOW);
    try {
      if (!fs.fstatSync(fd).isFile()) return { ok: false, code: 'NOTREG' };
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
