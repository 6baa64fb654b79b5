#!/usr/bin/python
# -*- coding: utf-8 -*-
# A thin wrapper around `tune rollback --yes`: tune restores files byte for byte and runtime values.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rollback
short_description: Roll back a tune transaction (or the last one still in effect)
description:
  - Runs C(tune rollback [ID] --yes), which restores the state from before the transaction, undoing it and every later
    one, as one new transaction.
  - Without I(transaction), rolls back the last apply still in effect; with nothing to roll back it reports C(ok).
  - Check mode reads C(tune history --json) and reports whether a rollback would change anything; diff mode lists the
    transactions undone and the keys and files they had set.
version_added: "0.1.0"
author: tune maintainers
extends_documentation_fragment:
  - tune.sysctl.tune
options:
  transaction:
    description: The transaction id to roll back (from C(tune history) or the profile module's C(transaction_id)).
    type: str
  force:
    description: Roll back even when another writer changed values since (C(--force)).
    type: bool
    default: false
notes:
  - Supports check mode and diff mode.
'''

EXAMPLES = r'''
- name: Undo the last change
  tune.sysctl.rollback:

- name: Undo a given transaction (and every later one)
  tune.sysctl.rollback:
    transaction: "{{ applied.transaction_id }}"
'''

RETURN = r'''
undoes:
  description: Ids of the transactions the rollback undoes, newest first.
  returned: always
  type: list
  elements: str
transaction_id:
  description: The id of the rollback transaction tune recorded.
  returned: when something was rolled back
  type: str
'''

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.tune.sysctl.plugins.module_utils.tune_cli import parse_json, run_tune


def still_in_effect(history, target):
    """The applied transactions a rollback to before `target` would undo (target and later ones), newest first."""
    ids = [e['id'] for e in history]
    if target is None:
        live = [e for e in history if e['kind'] == 'apply' and e['state'] in ('applied', 'pending confirmation')]
        if not live:
            return []
        target = live[-1]['id']
    if target not in ids:
        return None
    later = history[ids.index(target):]
    return [e for e in reversed(later) if e['kind'] == 'apply' and e['state'] in ('applied', 'pending confirmation')]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            transaction=dict(type='str'),
            force=dict(type='bool', default=False),
            executable=dict(type='str', default='tune'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    rc, out, err = run_tune(module, ['history', '--json'])
    history = parse_json(module, out, 'history')
    undone = still_in_effect(history, p['transaction'])
    if undone is None:
        module.fail_json(msg='unknown transaction %s (see tune history)' % p['transaction'])
    result = dict(changed=bool(undone), undoes=[e['id'] for e in undone])
    if undone and module._diff:
        before = ''.join('%s: keys %s; files %s\n' % (e['id'], ', '.join(e.get('keys') or []) or '-',
                                                       ', '.join(e.get('files') or []) or '-') for e in undone)
        result['diff'] = {'before_header': 'tune transactions in effect', 'after_header': 'after rollback',
                          'before': before, 'after': ''}
    if not undone or module.check_mode:
        module.exit_json(**result)
    args = ['rollback'] + ([p['transaction']] if p['transaction'] else []) + ['--yes']
    if p['force']:
        args.append('--force')
    rc, out, err = run_tune(module, args)
    m = re.search(r'as transaction (\S+?):', out)
    if m:
        result['transaction_id'] = m.group(1)
    else:
        result['changed'] = False
    result['stdout'] = out
    module.exit_json(**result)


if __name__ == '__main__':
    main()
