#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""json_check.py FILE "KEY OP VALUE"...

Conditions on the last JSON line of FILE (a simfront report): KEY may be
dotted (queues.1.rx_pkts), OP one of == != >= > <=. Prints every failed
condition; exit status 1 if any failed."""
import json
import operator
import sys

OPS = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge,
       ">": operator.gt, "<=": operator.le}

lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
if not lines:
    sys.exit("no JSON line in " + sys.argv[1])
doc = json.loads(lines[-1])
bad = 0
for cond in sys.argv[2:]:
    key, op, want = cond.split()
    v = doc
    for k in key.split("."):
        v = v[int(k)] if isinstance(v, list) else v[k]
    got = str(v).lower() if isinstance(v, bool) else v
    if isinstance(got, int):
        want = int(want)
    if not OPS[op](got, want):
        print("%s: %s is %s, expected %s %s" % (sys.argv[1], key, got, op,
                                               want), file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
