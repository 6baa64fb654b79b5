// Regenerates docs/rules.md from the rule objects (run after `tsc`): the test suite fails when the doc is stale.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { allRules } = require('../build/src/core/rules/index.js');

const lines = [
  '# Safety rules',
  '',
  'Every finding in a plan comes from one of these rules. The id is stable (scripts may match on it).',
  '',
  '- **refuse**: the key is not applied (status `refused`) and `tune plan` exits 4. Rules marked `(--allow)` can be',
  '  overridden for one run with `--allow RULE_ID`: the finding becomes a warning that says it was allowed.',
  '- **warn**: applied, but read the message. **info**: context (what the change does and does not do).',
  '',
  'Sources for each fact are in kernel-facts.md and sysctl-d-facts.md (shared with the project).',
  '',
  '| id | severity | what it checks |',
  '|---|---|---|',
  ...allRules.map((r) => `| \`${r.id}\` | ${r.severity}${r.overridable ? ' (--allow)' : ''} | ${r.summary} |`),
  '',
];
writeFileSync(new URL('../docs/rules.md', import.meta.url), lines.join('\n'));
console.log(`docs/rules.md: ${allRules.length} rules`);
