# SPDX-License-Identifier: BSD-3-Clause
"""Child processes of the benchmark: started pinned, remembered by pid,
always stopped (TERM, then KILL) and reaped; every wait is bounded."""

import os
import signal
import subprocess
import time


class BenchError(Exception):
    """A run could not be set up or measured (the message says why)."""


def wait_until(what, predicate, timeout, poll=0.05):
    """Call predicate until it returns something true; BenchError on
    timeout. Returns the predicate's value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise BenchError("timed out after %.0f s waiting for %s"
                             % (timeout, what))
        time.sleep(poll)


class Procs:
    """The processes of one run, stopped together by stop_all()."""

    def __init__(self, logdir):
        self.logdir = logdir
        self.procs = []

    def spawn(self, name, argv, cpu=None, stdin=subprocess.DEVNULL,
              env=None):
        """Start argv (pinned to cpu when given), stdout and stderr in
        LOGDIR/NAME.log. Returns the Popen."""
        if cpu is not None:
            argv = ["taskset", "-c", str(cpu)] + list(argv)
        log = open(os.path.join(self.logdir, name + ".log"), "wb")
        try:
            p = subprocess.Popen(argv, stdin=stdin, stdout=log,
                                 stderr=subprocess.STDOUT, env=env)
        finally:
            log.close()
        p.bench_name = name
        self.procs.append(p)
        return p

    def log_path(self, name):
        return os.path.join(self.logdir, name + ".log")

    def wait(self, p, timeout):
        """Exit status of p, or BenchError if it runs past timeout."""
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError("%s still running after %.0f s"
                             % (p.bench_name, timeout)) from None

    def run(self, name, argv, timeout, cpu=None):
        """Run argv to completion; its output, BenchError unless it
        exits 0 in time."""
        p = self.spawn(name, argv, cpu=cpu)
        try:
            rc = self.wait(p, timeout)
        except BenchError:
            self.stop(p)
            raise
        with open(self.log_path(name), errors="replace") as f:
            out = f.read()
        if rc != 0:
            raise BenchError("%s exited with %d: %s"
                             % (" ".join(argv), rc, out.strip()[-500:]))
        return out

    def stop(self, p, grace=5.0):
        """TERM, KILL after grace seconds, reap."""
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
                # A paused (SIGSTOP) guest must run to see the TERM.
                p.send_signal(signal.SIGCONT)
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=grace)
        if p.stdin is not None:
            try:
                p.stdin.close()
            except OSError:
                pass

    def stop_all(self):
        """Stop every process of the run, newest first."""
        for p in reversed(self.procs):
            self.stop(p)
        self.procs = []
