# SPDX-License-Identifier: BSD-3-Clause
"""Instructions per packet of the backend with valgrind's callgrind.

The backend testpmd runs under callgrind with instrumentation off, one
profile per thread; instrumentation is on only while it forwards. Two
windows, each ending in a dump (which zeroes the counters):
  A  the guest is stopped (SIGSTOP): every loop iteration of the
     forwarding lcore finds the guest ring empty (tx) or full (rx: the
     net_null burst is generated and dropped);
  B  the guest runs.
The forwarding lcore is the thread that executed the most instructions
in a window. With it = loop iterations (bursts polled on one port, exact
from testpmd's burst stats) and d = packets delivered, each window gives
  Ir = it * I + d * D
where I is the cost of an iteration that moves nothing and D the extra
cost of moving one packet. Solving both windows removes how fast the
guest happened to be (a slow guest only adds iterations), so the result
repeats on a busy machine. Reported: D + I / burst, the instructions per
packet of a saturated backend whose every burst is full."""

import glob
import os
import re
import subprocess

from proc import BenchError

_HEADER_RE = {
    "part": re.compile(r"^part:\s*(\d+)", re.M),
    "thread": re.compile(r"^thread:\s*(\d+)", re.M),
    "totals": re.compile(r"^totals:\s*(\d+)", re.M),
}


def wrapper(outdir):
    """The argv prefix that runs the backend under callgrind."""
    return ["valgrind", "--tool=callgrind", "--separate-threads=yes",
            "--instr-atstart=no",
            "--callgrind-out-file=" + os.path.join(outdir, "callgrind.%p"),
            "--log-file=" + os.path.join(outdir, "valgrind.log")]


def control(pid, *args, timeout=120):
    """Run callgrind_control on pid (-i on|off, -d)."""
    argv = ["callgrind_control"] + list(args) + [str(pid)]
    try:
        r = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError("%s hangs" % " ".join(argv)) from None
    if r.returncode != 0 or b"OK" not in r.stdout:
        raise BenchError("%s failed: %s" % (
            " ".join(argv), r.stdout.decode(errors="replace").strip()))


def parse_profile(text):
    """(part, thread, totals) from the text of one profile, or None."""
    vals = {}
    for key, rx in _HEADER_RE.items():
        m = rx.search(text)
        if m is None:
            return None
        vals[key] = int(m.group(1))
    return vals["part"], vals["thread"], vals["totals"]


def lcore_by_part(outdir, pid):
    """For every dump part of pid: (instructions, thread, profile path)
    of its busiest thread."""
    parts = {}
    for path in glob.glob(os.path.join(outdir, "callgrind.%d*" % pid)):
        with open(path, errors="replace") as f:
            prof = parse_profile(f.read())
        if prof is None:
            continue
        part, thread, total = prof
        if part not in parts or total > parts[part][0]:
            parts[part] = (total, thread, path)
    return parts


_ANNOTATE_RE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S.*)$")
_FUNC_RE = re.compile(r"^(?:.*?:)?(\S+) \[(.*)\]$")


def parse_annotate(text):
    """(Ir, function, object) per function of callgrind_annotate's
    output, biggest first."""
    rows = []
    for line in text.splitlines():
        m = _ANNOTATE_RE.match(line)
        if m is None or "PROGRAM TOTALS" in line:
            continue
        f = _FUNC_RE.match(m.group(2))
        if f is None:
            continue
        rows.append((int(m.group(1).replace(",", "")), f.group(1),
                     os.path.basename(f.group(2))))
    return rows


def _annotate(profile):
    try:
        r = subprocess.run(["callgrind_annotate", "--threshold=100",
                            profile], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=120)
    except subprocess.TimeoutExpired:
        raise BenchError("callgrind_annotate hangs") from None
    return {(f, obj): ir for ir, f, obj in
            parse_annotate(r.stdout.decode(errors="replace"))}


def hot_functions(profiles, windows, burst, n=10):
    """The n functions that cost the saturated backend the most per
    packet: the model of solve() applied to each function's own (self)
    instructions in both windows. [[function, object, instr/pkt], ...]"""
    a, b = (_annotate(p) for p in profiles)
    rows = []
    for key, ir_b in b.items():
        wa = dict(windows[0], ir=a.get(key, 0))
        wb = dict(windows[1], ir=ir_b)
        rows.append([key[0], key[1],
                     solve(wa, wb, burst)["instr_per_pkt"]])
    rows.sort(key=lambda r: -r[2])
    return rows[:n]


def solve(a, b, burst):
    """Per-packet cost from two windows a and b, each a dict with ir,
    iterations and packets (see the module comment)."""
    det = b["packets"] * a["iterations"] - a["packets"] * b["iterations"]
    if a["iterations"] == 0 or b["packets"] == 0 or det <= 0:
        raise BenchError("callgrind windows cannot be solved: %s %s"
                         % (a, b))
    marginal = (b["ir"] * a["iterations"] - a["ir"] * b["iterations"]) / det
    idle = (a["ir"] - a["packets"] * marginal) / a["iterations"]
    return {"instr_per_pkt": round(marginal + idle / burst, 1),
            "marginal_instr_per_pkt": round(marginal, 1),
            "iteration_instr": round(idle, 1), "burst": burst,
            "raw_instr_per_pkt": round(b["ir"] / b["packets"], 1)}
