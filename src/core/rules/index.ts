// Every safety rule, in the order their findings are listed.
import { bootRules } from './boot-rules.js';
import { bootWriteRules } from './boot-write-rules.js';
import { boundRules } from './bound-rules.js';
import { capacityRules } from './capacity-rules.js';
import { congestionRules } from './congestion-rules.js';
import { conntrackRules } from './conntrack-rules.js';
import { hostRules } from './host-rules.js';
import { memoryRules } from './memory-rules.js';
import { portRules } from './port-rules.js';
import { profileRules } from './profile-rules.js';
import { queueRules } from './queue-rules.js';
import { retryRules } from './retry-rules.js';
import type { Rule } from './rule.js';
import { scopeRules } from './scope-rules.js';
import { timeWaitRules } from './time-wait-rules.js';

export const allRules: Rule[] = [
  ...scopeRules,
  ...conntrackRules,
  ...timeWaitRules,
  ...portRules,
  ...memoryRules,
  ...queueRules,
  ...retryRules,
  ...hostRules,
  ...capacityRules,
  ...congestionRules,
  ...boundRules,
  ...bootRules,
  ...bootWriteRules,
  ...profileRules,
];
