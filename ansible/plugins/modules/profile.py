#!/usr/bin/python
# -*- coding: utf-8 -*-
# A thin wrapper around `tune plan --json` and `tune apply --plan`: tune makes every decision.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: profile
short_description: Apply tune profiles and overrides to a host's sysctl network settings
description:
  - Plans the request with C(tune plan --json --detailed-exitcode) on the target and applies exactly that plan with
    C(tune apply --plan FILE --yes), so tune's staleness rules refuse to apply if the host changed in between.
  - The tune CLI makes every decision (targets, safety rules, the owned file); this module only runs it.
  - A request refused by a safety rule fails the task and names the rule ids. A second run reports C(ok).
  - Check mode runs the plan only. Diff mode shows the owned file before and after and the runtime values before and
    after.
version_added: "0.1.0"
author: tune maintainers
extends_documentation_fragment:
  - tune.sysctl.tune
options:
  profiles:
    description: Profile names or paths, later ones win (C(tune plan --profile)).
    type: list
    elements: str
    default: []
  set:
    description: C(KEY=VALUE) overrides applied after the profiles (C(tune plan --set)).
    type: list
    elements: str
    default: []
  allow:
    description: Rule ids whose overridable refusals are accepted (C(--allow)).
    type: list
    elements: str
    default: []
  file:
    description: The sysctl.d file tune owns.
    type: str
    default: /etc/sysctl.d/99-tune.conf
  message:
    description: Why, recorded in tune's history (C(tune apply -m)).
    type: str
  confirm_within:
    description:
      - Keep the change only if C(tune confirm) runs within this many seconds (1-86400); tune rolls it back otherwise.
    type: int
notes:
  - Supports check mode and diff mode.
'''

EXAMPLES = r'''
- name: Tune API servers for many short connections
  tune.sysctl.profile:
    profiles: [short-connection-api]
    set: [net.core.somaxconn=8192]
    message: "CHG-1234: port exhaustion on the API tier"

- name: Preview only (run the play with --check --diff)
  tune.sysctl.profile:
    profiles: [proxy]
  check_mode: true
'''

RETURN = r'''
changed:
  description: Whether the plan had pending changes (and, outside check mode, was applied).
  returned: always
  type: bool
transaction_id:
  description: The id of the transaction applied, for C(tune.sysctl.rollback).
  returned: when something was applied
  type: str
  sample: 20261122T230000Z-000004
changed_keys:
  description: Runtime keys the plan changes.
  returned: always
  type: list
  elements: str
refused_rules:
  description: Ids of the safety rules that refused part of the request.
  returned: on refusal
  type: list
  elements: str
plan:
  description: The plan as C(tune plan --json) prints it (docs/json.md).
  returned: always
  type: dict
'''

import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.tune.sysctl.plugins.module_utils.tune_cli import parse_json, run_tune


def request_args(p):
    args = []
    for name in p['profiles']:
        args += ['--profile', name]
    for kv in p['set']:
        args += ['--set', kv]
    for rule in p['allow']:
        args += ['--allow', rule]
    return args + ['--file', p['file']]


def runtime_text(plan, side):
    lines = []
    for c in plan['changes']:
        value = c['current'] if side == 'before' else (c['target'] if c['status'] == 'change' else c['current'])
        lines.append('%s = %s' % (c['key'], '(absent)' if value is None else ' '.join(value.split())))
    return '\n'.join(lines) + '\n'


def plan_diff(plan):
    path = plan['file']['path']
    return [
        {'before_header': path, 'after_header': path,
         'before': plan['file']['before'] or '', 'after': plan['file']['after']},
        {'before_header': 'runtime (/proc/sys)', 'after_header': 'runtime (/proc/sys)',
         'before': runtime_text(plan, 'before'), 'after': runtime_text(plan, 'after')},
    ]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            profiles=dict(type='list', elements='str', default=[]),
            set=dict(type='list', elements='str', default=[]),
            allow=dict(type='list', elements='str', default=[]),
            file=dict(type='str', default='/etc/sysctl.d/99-tune.conf'),
            message=dict(type='str'),
            confirm_within=dict(type='int'),
            executable=dict(type='str', default='tune'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    if not p['profiles'] and not p['set']:
        module.fail_json(msg='nothing to plan: give profiles or set')
    rc, out, err = run_tune(module, ['plan'] + request_args(p) + ['--json', '--detailed-exitcode'], ok_codes=(0, 3, 4))
    plan = parse_json(module, out, 'plan')
    changed_keys = [c['key'] for c in plan['changes'] if c['status'] == 'change']
    result = dict(changed=False, plan=plan, changed_keys=changed_keys)
    if rc == 4:
        rules = sorted(set(f['rule'] for f in plan['findings'] if f['severity'] == 'refuse' and not f.get('allowed')))
        messages = ['%s: %s' % (f['rule'], f['message']) for f in plan['findings']
                    if f['severity'] == 'refuse' and not f.get('allowed')]
        module.fail_json(msg='refused by tune (%s): %s' % (', '.join(rules), ' | '.join(messages)),
                         refused_rules=rules, **result)
    if rc == 0 or not plan['summary']['pending']:
        module.exit_json(**result)
    result['changed'] = True
    if module._diff:
        result['diff'] = plan_diff(plan)
    if module.check_mode:
        module.exit_json(**result)
    saved = os.path.join(module.tmpdir, 'plan.json')
    with open(saved, 'w') as f:
        f.write(out)
    args = ['apply', '--plan', saved, '--yes']
    if p['message']:
        args += ['--message', p['message']]
    if p['confirm_within'] is not None:
        args += ['--confirm-within', str(p['confirm_within'])]
    rc, out, err = run_tune(module, args)
    m = re.search(r'Applied transaction (\S+?):', out)
    if m:
        result['transaction_id'] = m.group(1)
    result['stdout'] = out
    module.exit_json(**result)


if __name__ == '__main__':
    main()
