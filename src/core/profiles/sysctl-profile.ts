// A plain sysctl.conf / sysctl.d file used as a profile (`-p /etc/sysctl.d/90-net.conf`): read with the boot loaders'
// own syntax, no sections, the comment block right above a key as its reason (docs/profiles.md, "sysctl files").
import { readLoaderLines } from '../boot/loader-lines.js';
import { UserError } from '../errors.js';
import { commentsAbove } from '../sysctl/conf-comments.js';
import { parseSysctlKey } from '../sysctl/sysctl-key.js';
import type { Profile, ProfileSetting } from '../plan/profile.js';

/** The top-level directories of /proc/sys: a first segment outside them is no sysctl key (an env file, a secret). */
const TOP_LEVEL = new Set(['abi', 'crypto', 'debug', 'dev', 'fs', 'kernel', 'net', 'sunrpc', 'user', 'vm']);

/**
 * Parses a sysctl file as systemd-sysctl reads it: `key = value` (the value is everything after `=`, an inline `#`
 * included, as the loaders pass it to the kernel), `-key = value` (the `-` only silences a failed write at boot, so
 * it is a plain setting here), a later line for the same key wins. A line tune cannot plan is a UserError naming
 * file:line, quoting nothing of a line that is not an assignment (a secret named by mistake prints nothing).
 */
export function parseSysctlProfile(name: string, file: string, text: string): Profile {
  const reasons = commentsAbove(text);
  const { settings: lines, problems } = readLoaderLines('systemd', text);
  const bad = problems[0];
  if (bad)
    throw new UserError('not a profile: expected "key = value" (sysctl.conf syntax) or a [section]', {
      file,
      line: bad.line,
    });
  const byKey = new Map<string, ProfileSetting>();
  for (const l of lines) {
    const where = { file, line: l.line };
    const first = l.text.split(/[./]/)[0] ?? '';
    // Quoting nothing: a file that is not a profile (an environment file, a key) must not be echoed.
    if (!TOP_LEVEL.has(first))
      throw new UserError(
        'not a profile: the key does not start with a directory of /proc/sys (net, vm, kernel, fs...)',
        where,
      );
    if (l.kind === 'exclude')
      throw new UserError(
        'an exclusion ("-key" without a value) only stops a glob of another file at boot; a profile sets keys, so it has nothing to exclude',
        { ...where, key: l.text },
      );
    if (l.glob)
      throw new UserError('a glob sets every matching key at boot; a profile names each key it sets (list them)', {
        ...where,
        key: l.text,
      });
    const key = parseSysctlKey(l.text, where);
    const reason = reasons.get(l.line);
    byKey.delete(key);
    byKey.set(key, { key, value: l.value, op: 'set', line: l.line, ...(reason !== undefined ? { reason } : {}) });
  }
  return {
    name,
    file,
    format: 'sysctl',
    summary: `sysctl file ${file}`,
    description: '',
    includes: [],
    settings: [...byKey.values()],
    ignoredSections: [],
  };
}
