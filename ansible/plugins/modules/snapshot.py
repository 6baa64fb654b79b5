#!/usr/bin/python
# -*- coding: utf-8 -*-
# Captures `tune snapshot` on the target for a fleet review (`tune plan --snapshot DIR` on the controller).
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: snapshot
short_description: Capture a tune snapshot of a host for an offline, grouped change review
description:
  - Runs C(tune snapshot) on the target and returns the snapshot (runtime values, sysctl.d files, environment).
  - Save it on the controller with C(ansible.builtin.copy) delegated to localhost (see EXAMPLES), then review every host
    at once with C(tune plan --snapshot DIR --format markdown).
  - Works without root on the target; keys an ordinary user cannot read are recorded as C(unreadable).
  - Reads only; never changes the host, so it reports C(ok) and runs in check mode too.
version_added: "0.1.0"
author: tune maintainers
extends_documentation_fragment:
  - tune.sysctl.tune
options:
  all:
    description: Also record every key under net., vm., fs.file-max and fs.nr_open (C(tune snapshot --all)).
    type: bool
    default: false
notes:
  - Supports check mode.
'''

EXAMPLES = r'''
- name: Capture
  tune.sysctl.snapshot:
  register: snap

- name: Keep it on the controller, one file per host
  ansible.builtin.copy:
    content: "{{ snap.snapshot | to_nice_json }}"
    dest: "snapshots/{{ inventory_hostname }}.json"
    mode: "0644"
  delegate_to: localhost
'''

RETURN = r'''
snapshot:
  description: The snapshot as C(tune snapshot) prints it (docs/json.md).
  returned: always
  type: dict
hostname:
  description: The host name the snapshot records.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.tune.sysctl.plugins.module_utils.tune_cli import parse_json, run_tune


def main():
    module = AnsibleModule(
        argument_spec=dict(all=dict(type='bool', default=False), executable=dict(type='str', default='tune')),
        supports_check_mode=True,
    )
    rc, out, err = run_tune(module, ['snapshot'] + (['--all'] if module.params['all'] else []))
    snap = parse_json(module, out, 'snapshot')
    module.exit_json(changed=False, snapshot=snap, hostname=snap.get('hostname'))


if __name__ == '__main__':
    main()
