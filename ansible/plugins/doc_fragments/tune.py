# -*- coding: utf-8 -*-
# What every tune.sysctl module shares: the executable option and the requirement of tune on the target.
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r'''
options:
  executable:
    description: The tune executable on the target, a name on C(PATH) or a path (a C(.cjs) launcher runs under node).
    type: str
    default: tune
requirements:
  - tune on the target host (the task fails with "tune is not installed on the target" without it)
'''
