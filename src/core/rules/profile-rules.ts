// What a profile asks for that tune does not apply: reported at its file:line, never silently dropped.
import type { Rule } from './rule.js';

export const profileRules: Rule[] = [
  {
    id: 'PROFILE_PART_NOT_APPLIED',
    severity: 'warn',
    summary:
      'A tuned profile setting, include or conditional [sysctl.*] unit needs a function or host fact tune does not evaluate (exec, virt_check offline): it is left out.',
    check: (ctx) =>
      ctx.profileNotes.map((n) => ({
        ...(n.key !== undefined && n.key !== 'include' ? { key: n.key } : {}),
        message: `${n.file}:${n.line}: ${n.key !== undefined ? `${n.key}: ` : ''}${n.message} (profile ${n.profile}).`,
        evidence: { profile: n.profile, file: n.file, line: n.line },
      })),
  },
];
