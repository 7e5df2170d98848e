#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""xennetd datapath benchmark: net_xen vs DPDK vhost-user, same run.

How to run (2 CPUs, no hugepages, ~8 minutes; nothing else should be
running, the numbers are wall-clock rates):

    scripts/bench/bench.py [--output results.jsonl] [--runs 3] ...
    meson test -C BUILD --suite bench          (the same, from meson)

It makes (or reuses) a release build in build-bench/ with
scripts/setup.sh build-bench --buildtype=release -Dtests=false, or uses
--builddir DIR (must not be a sanitizer build).

What it measures: one backend forwarding lcore on CPU 0, the guest on
CPU 1. The backend is stock dpdk-testpmd, io forwarding between a guest
facing port and net_null:
  xen    net_xen (librte_net_xen.so, hot-plugged) <-> xnb-simfront, a
         simulated netfront guest over the simulated hypervisor; for tx
         with --fast-tx (pre-built frames in pages granted once, only a
         sequence number written per packet), as cheap a sender as
         testpmd txonly, so the guest does not set the tx rate
  vhost  net_vhost <-> a second testpmd with net_virtio_user
         (txonly / rxonly)
Directions: tx = guest Tx -> backend -> net_null, rx = net_null ->
backend -> guest Rx. Shapes: 64-byte frames (Mpps), 1514-byte frames
(Gb/s), 65000-byte GSO-sized frames (Gb/s); see shapes.py.
Rates come from the backend's port stats ('show port stats' twice,
--interval seconds apart, after --warmup seconds): the guest-facing
port's Rx rate for tx, its Tx rate for rx. Each shape runs --runs times
per path, interleaved; the summary has the medians and the xen/vhost
ratio (targets: tx >= 1.2, rx >= 1.0; reported, not asserted). With one
core each, whichever side is slower sets the rate: "backend" in each
measurement says which (tx: empty_poll_pct near 100 means the backend
waited for the guest; rx: dropped counts net_null frames the guest had
no room for).
Then, for the --callgrind-shapes, the backend runs under valgrind's
callgrind: instr_per_pkt is what its forwarding lcore executes per
packet when saturated, with the guest's speed factored out (two
windows, see callgrind.py), so it repeats on a busy machine (target:
xen <= vhost). "hot" lists the functions that cost the most.

Output: one JSON object per line on stdout (and in --output): type
"measurement", "callgrind" or "failure", then one "summary". Progress
goes to stderr. Exit status 0 when every run worked, 1 when one failed,
2 on a set-up error; a missed target is not a failure.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True

import callgrind  # noqa: E402
import report  # noqa: E402
import shapes  # noqa: E402
from proc import BenchError, Procs  # noqa: E402
from testpmd import remove_runtime_dir  # noqa: E402
from vhost import VhostSession  # noqa: E402
from xen import XenSession  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TARGETS = {
    "pmd": "pmd-xen/librte_net_xen.so",
    "simhv": "app/xnb-simhv/xnb-simhv",
    "simxl": "app/xnb-simxl/xnb-simxl",
    "simfront": "app/xnb-simfront/xnb-simfront",
}
SESSIONS = {"xen": XenSession, "vhost": VhostSession}
CALLGRIND_TOOLS = ("valgrind", "callgrind_control", "callgrind_annotate")
SETUP_TIMEOUT = 60
CG_SETUP_TIMEOUT = 240


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def die(msg):
    log(msg)
    sys.exit(2)


class Ctx:
    """What every run needs: binaries, CPUs, timing, DPDK prefixes."""

    def __init__(self, args, builddir, workdir):
        self.builddir = builddir
        self.workdir = workdir
        self.simhv = os.path.join(builddir, TARGETS["simhv"])
        self.simxl = os.path.join(builddir, TARGETS["simxl"])
        self.simfront = os.path.join(builddir, TARGETS["simfront"])
        self.pmd_dir = os.path.dirname(os.path.join(builddir,
                                                    TARGETS["pmd"]))
        self.xen_devargs = "".join("," + a for a in args.xen_devargs)
        self.backend_cpu = args.backend_cpu
        self.guest_cpu = args.guest_cpu
        # The guest stops on its own a little after the measurement.
        self.guest_duration = max(args.warmup + args.interval,
                                  args.cg_idle + args.cg_interval) + 60
        self._n = 0
        self.prefixes = []

    def prefix(self, tag):
        self._n += 1
        p = "xnbbench%d%s%d" % (os.getpid(), tag, self._n)
        self.prefixes.append(p)
        return p

    def cleanup_prefixes(self):
        for p in self.prefixes:
            remove_runtime_dir(p)
        self.prefixes = []


def build(args):
    """The release build directory, built; exits 2 when impossible."""
    builddir = os.path.abspath(args.builddir or
                               os.path.join(TOP, "build-bench"))
    if not args.no_build:
        if not os.path.exists(os.path.join(builddir, "build.ninja")):
            log("setting up a release build in " + builddir)
            # A failing full build (someone else's target) is tolerated
            # as long as the targets below build.
            subprocess.run([os.path.join(TOP, "scripts", "setup.sh"),
                            builddir, "--buildtype=release",
                            "-Dtests=false"],
                           stdout=sys.stderr, check=False)
        r = subprocess.run(["ninja", "-C", builddir, "-j2"] +
                           list(TARGETS.values()), stdout=sys.stderr,
                           check=False)
        if r.returncode != 0:
            die("cannot build %s" % builddir)
    for t in TARGETS.values():
        if not os.path.exists(os.path.join(builddir, t)):
            die("%s missing in %s" % (t, builddir))
    opts = {}
    try:
        with open(os.path.join(builddir, "meson-info",
                               "intro-buildoptions.json")) as f:
            opts = {o["name"]: o["value"] for o in json.load(f)}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    info = {"dir": builddir, "buildtype": opts.get("buildtype"),
            "b_sanitize": opts.get("b_sanitize")}
    if info["b_sanitize"] not in (None, "none"):
        die("%s is a sanitizer build; use a release build" % builddir)
    return info


def guest_port_rates(direction, st):
    """pps and bps of the guest-facing port for a direction."""
    if direction == "tx":
        return st["rx_pps"], st["rx_bps"]
    return st["tx_pps"], st["tx_bps"]


def backend_diag(direction, fwd, port):
    """Who limited the run: the backend's view of the guest port."""
    p = fwd.get(port, {})
    if direction == "tx":
        return {"empty_poll_pct": p.get("rx_empty_pct"),
                "bursts": p.get("rx_bursts")}
    return {"dropped": p.get("tx_dropped"),
            "bursts": fwd.get(0, {}).get("rx_bursts")}


def run_dir(ctx, path, shape, direction, tag):
    return tempfile.mkdtemp(prefix="%s-%s-%s-%s-" % (path, shape, direction,
                                                     tag), dir=ctx.workdir)


def measure(ctx, args, path, shape, direction, run):
    """One throughput run; the measurement object."""
    logdir = run_dir(ctx, path, shape, direction, "run%d" % run)
    procs = Procs(logdir)
    sess = SESSIONS[path](ctx, procs, shape, direction)
    port = sess.guest_port
    try:
        sess.setup(SETUP_TIMEOUT)
        sess.go()
        time.sleep(args.warmup)
        sess.backend.port_stats(port)
        t0 = time.monotonic()
        time.sleep(args.interval)
        st = sess.backend.port_stats(port)
        elapsed = time.monotonic() - t0
        fwd = sess.backend.stop_fwd()
        guest = sess.end()
        sess.close(30)
    except BenchError as e:
        raise BenchError("%s (logs: %s)" % (e, logdir)) from None
    finally:
        procs.stop_all()
        ctx.cleanup_prefixes()
    if not args.keep:
        shutil.rmtree(logdir, ignore_errors=True)
    pps, bps = guest_port_rates(direction, st)
    return {
        "type": "measurement", "path": path, "shape": shape,
        "dir": direction, "run": run, "frame_len": shapes.SHAPES[shape]["len"],
        "devargs": ctx.xen_devargs if path == "xen" else "",
        "pps": pps, "mpps": round(pps / 1e6, 4),
        "gbps": round(bps / 1e9, 4), "interval_s": round(elapsed, 3),
        "backend": backend_diag(direction, fwd, port),
        "guest": guest_summary(path, guest)}


def guest_summary(path, g):
    """The generator's own counters, for reference only."""
    if path == "xen":
        keys = ("ok", "why", "tx_pkts", "tx_errors", "tx_dropped",
                "rx_pkts", "rx_bad", "tx_pps", "rx_pps")
    else:
        keys = ("rx_packets", "tx_packets", "tx_dropped")
    return {k: g[k] for k in keys if k in g}


def cg_window(sess, pid, seconds):
    """Forward for seconds with instrumentation on, then dump."""
    callgrind.control(pid, "-i", "on")
    sess.backend.start_fwd()
    time.sleep(seconds)
    fwd = sess.backend.stop_fwd(timeout=120)
    callgrind.control(pid, "-i", "off")
    callgrind.control(pid, "-d")
    return fwd


def cg_counts(fwd, direction, port, ir):
    """The model's inputs for one window: every loop iteration polls
    net_null (port 0) once."""
    p = fwd.get(port, {})
    return {"ir": ir, "iterations": fwd.get(0, {}).get("rx_bursts", 0),
            "packets": p.get("rx_packets" if direction == "tx" else
                             "tx_packets", 0),
            "dropped": p.get("tx_dropped", 0)}


def measure_callgrind(ctx, args, path, shape, direction):
    """Backend instructions per packet under callgrind (see
    callgrind.py): window A with the guest stopped, B with it running."""
    logdir = run_dir(ctx, path, shape, direction, "callgrind")
    procs = Procs(logdir)
    sess = SESSIONS[path](ctx, procs, shape, direction,
                          wrapper=callgrind.wrapper(logdir))
    port = sess.guest_port
    try:
        sess.setup(CG_SETUP_TIMEOUT)
        pid = sess.backend.pid
        sess.guest_go()
        sess.pause(True)
        fwd_a = cg_window(sess, pid, args.cg_idle)
        sess.pause(False)
        fwd_b = cg_window(sess, pid, args.cg_interval)
        sess.end()
        sess.close(CG_SETUP_TIMEOUT)
        parts = callgrind.lcore_by_part(logdir, pid)
        if len(parts) < 2:
            raise BenchError("expected 2 callgrind dumps, found %d"
                             % len(parts))
        first, second = sorted(parts)[:2]
        a = cg_counts(fwd_a, direction, port, parts[first][0])
        b = cg_counts(fwd_b, direction, port, parts[second][0])
        burst = (fwd_b.get(port, {}).get("rx_common_burst") if
                 direction == "tx" else
                 fwd_b.get(0, {}).get("rx_common_burst")) or 32
        res = callgrind.solve(a, b, burst)
        res["hot"] = callgrind.hot_functions(
            (parts[first][2], parts[second][2]), (a, b), burst)
    except BenchError as e:
        raise BenchError("%s (logs: %s)" % (e, logdir)) from None
    finally:
        procs.stop_all()
        ctx.cleanup_prefixes()
    if not args.keep:
        shutil.rmtree(logdir, ignore_errors=True)
    res.update({
        "type": "callgrind", "path": path, "shape": shape,
        "dir": direction, "frame_len": shapes.SHAPES[shape]["len"],
        "devargs": ctx.xen_devargs if path == "xen" else "",
        "window_a": a, "window_b": b,
        "lcore_threads": [parts[first][1], parts[second][1]]})
    return res


def emit(obj, out):
    line = json.dumps(obj, sort_keys=True)
    print(line, flush=True)
    if out is not None:
        out.write(line + "\n")
        out.flush()


def csv(allowed):
    def parse(s):
        items = [x for x in s.split(",") if x]
        bad = [x for x in items if x not in allowed]
        if bad or not items:
            raise argparse.ArgumentTypeError(
                "choose from %s" % ",".join(allowed))
        return items
    return parse


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="net_xen vs vhost-user datapath benchmark "
        "(JSON lines on stdout)")
    ap.add_argument("--builddir", help="release build to use "
                    "(default: build-bench, made if missing)")
    ap.add_argument("--no-build", action="store_true",
                    help="use --builddir as it is")
    ap.add_argument("--output", help="also write the JSON lines here")
    ap.add_argument("--runs", type=int, default=3,
                    help="throughput runs per shape and path (0: none)")
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--interval", type=float, default=5.0,
                    help="seconds between the two stats samples")
    ap.add_argument("--shapes", type=csv(list(shapes.SHAPES)),
                    default=list(shapes.SHAPES))
    ap.add_argument("--dirs", type=csv(list(shapes.DIRECTIONS)),
                    default=list(shapes.DIRECTIONS))
    ap.add_argument("--paths", type=csv(list(SESSIONS)),
                    default=list(SESSIONS))
    ap.add_argument("--callgrind-shapes", type=csv(list(shapes.SHAPES)),
                    default=["64"])
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--cg-interval", type=float, default=10.0,
                    help="seconds of forwarding under callgrind")
    ap.add_argument("--cg-idle", type=float, default=3.0,
                    help="seconds of forwarding under callgrind with the "
                    "guest stopped")
    ap.add_argument("--xen-devarg", dest="xen_devargs", action="append",
                    default=[], metavar="KEY=VALUE",
                    help="extra net_xen devarg (repeatable), e.g. "
                    "copy_threshold=2048 for zero-copy guest Tx")
    ap.add_argument("--backend-cpu", type=int, default=0)
    ap.add_argument("--guest-cpu", type=int, default=1)
    ap.add_argument("--keep", action="store_true",
                    help="keep every run's logs (failed runs' always)")
    a = ap.parse_args(argv)
    if (a.runs < 0 or a.warmup < 0 or
            min(a.interval, a.cg_interval, a.cg_idle) <= 0):
        ap.error("--interval, --cg-interval and --cg-idle must be "
                 "positive, --runs and --warmup not negative")
    if a.backend_cpu == a.guest_cpu:
        ap.error("the backend and the guest need different CPUs")
    return a


def main(argv):
    args = parse_args(argv)
    cpus = os.sched_getaffinity(0)
    if args.backend_cpu not in cpus or args.guest_cpu not in cpus:
        die("CPUs %d and %d are needed (have %s)"
            % (args.backend_cpu, args.guest_cpu, sorted(cpus)))
    for tool in ("dpdk-testpmd", "taskset", "stdbuf"):
        if shutil.which(tool) is None:
            die(tool + " not found")
    for tool in () if args.no_callgrind else CALLGRIND_TOOLS:
        if shutil.which(tool) is None:
            die(tool + " not found (install valgrind or use --no-callgrind)")
    # meson's timeout (TERM) must still stop every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    info = build(args)
    workdir = tempfile.mkdtemp(prefix="xnb-bench.")
    out = open(args.output, "w") if args.output else None
    ctx = Ctx(args, info["dir"], workdir)
    measurements, cg, failures = [], [], []
    start = time.monotonic()
    load_start = os.getloadavg()

    def attempt(what, fn, *a):
        try:
            obj = fn(ctx, args, *a)
        except (BenchError, OSError) as e:
            fail = {"type": "failure", "what": what, "error": str(e)}
            failures.append(fail)
            emit(fail, out)
            log("FAILED %s: %s" % (what, (str(e).splitlines() or [""])[0]))
            return None
        emit(obj, out)
        return obj

    try:
        for run in range(1, args.runs + 1):
            for shape in args.shapes:
                for d in args.dirs:
                    for path in args.paths:
                        what = "%s %s %s run %d" % (path, shape, d, run)
                        log(what)
                        m = attempt(what, measure, path, shape, d, run)
                        if m is not None:
                            measurements.append(m)
        if not args.no_callgrind:
            for shape in args.callgrind_shapes:
                for d in args.dirs:
                    for path in args.paths:
                        what = "%s %s %s callgrind" % (path, shape, d)
                        log(what)
                        c = attempt(what, measure_callgrind, path, shape, d)
                        if c is not None:
                            cg.append(c)
        emit(report.summary(measurements, cg, [f["what"] for f in failures], {
            "runs": args.runs, "warmup_s": args.warmup,
            "interval_s": args.interval, "cg_interval_s": args.cg_interval,
            "cpus": {"backend": args.backend_cpu, "guest": args.guest_cpu},
            "build": info, "loadavg_start": load_start,
            "loadavg_end": os.getloadavg(),
            "elapsed_s": round(time.monotonic() - start, 1)}), out)
    finally:
        ctx.cleanup_prefixes()
        if out is not None:
            out.close()
        if not failures and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            log("logs kept in " + workdir)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
