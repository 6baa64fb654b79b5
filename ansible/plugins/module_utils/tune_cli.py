# -*- coding: utf-8 -*-
# Runs the tune CLI on the target and reads its JSON: the modules decide nothing themselves.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os


def tune_command(module):
    """The tune executable as an argv prefix; fails the task clearly when it is not installed on the target."""
    exe = module.params['executable']
    if '/' in exe:
        path = exe if os.path.isfile(exe) else None
    else:
        path = module.get_bin_path(exe)
    if not path:
        module.fail_json(
            msg='tune is not installed on the target: %s not found (install tune, or set executable to its path)' % exe
        )
    # A launcher that is not executable (bin/tune.cjs in a checkout) runs under node.
    if not os.access(path, os.X_OK) or path.endswith(('.cjs', '.js', '.mjs')):
        node = module.get_bin_path('node')
        if not node:
            module.fail_json(msg='%s needs node, which is not installed on the target' % path)
        return [node, path]
    return [path]


def run_tune(module, args, ok_codes=(0,)):
    """Runs tune with args; any exit code outside ok_codes fails the task with tune's own one-line message."""
    cmd = tune_command(module) + args
    rc, out, err = module.run_command(cmd, environ_update={'NO_COLOR': '1', 'LC_ALL': 'C'})
    if rc not in ok_codes:
        module.fail_json(msg='tune %s failed (exit %d): %s' % (args[0], rc, (err or out).strip()), rc=rc, cmd=cmd,
                         stdout=out, stderr=err)
    return rc, out, err


def parse_json(module, text, what):
    try:
        return json.loads(text)
    except ValueError:
        module.fail_json(msg='tune %s did not print JSON' % what, stdout=text)
