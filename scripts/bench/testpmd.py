# SPDX-License-Identifier: BSD-3-Clause
"""Stock dpdk-testpmd in interactive mode, driven through its stdin, and
the parsers for what it prints (port stats, forward stats)."""

import os
import re
import subprocess

from proc import BenchError, wait_until

TESTPMD = "dpdk-testpmd"

_STATS_RE = re.compile(
    r"NIC statistics for port (\d+)\s*#+\s*\n(.*?)\n\s*#{20,}", re.S)
_FWD_RE = re.compile(
    r"-+ Forward statistics for port (\d+)\s+-+\s*\n(.*?)\n\s*-{20,}", re.S)
_BURST_RE = re.compile(r"(RX|TX)-bursts\s*:\s*(\d+)\s*\[([^\]]*)\]")
_SPREAD_RE = re.compile(r"(\d+)% of (\d+) pkts")

_STATS_FIELDS = {
    "rx_packets": r"RX-packets:\s*(\d+)",
    "rx_bytes": r"RX-bytes:\s*(\d+)",
    "tx_packets": r"TX-packets:\s*(\d+)",
    "tx_bytes": r"TX-bytes:\s*(\d+)",
    "rx_pps": r"Rx-pps:\s*(\d+)",
    "rx_bps": r"Rx-bps:\s*(\d+)",
    "tx_pps": r"Tx-pps:\s*(\d+)",
    "tx_bps": r"Tx-bps:\s*(\d+)",
}
_FWD_FIELDS = {
    "rx_packets": r"RX-packets:\s*(\d+)",
    "rx_dropped": r"RX-dropped:\s*(\d+)",
    "tx_packets": r"TX-packets:\s*(\d+)",
    "tx_dropped": r"TX-dropped:\s*(\d+)",
}


def _fields(text, table):
    out = {}
    for key, rx in table.items():
        m = re.search(rx, text)
        if m is None:
            return None
        out[key] = int(m.group(1))
    return out


def parse_port_stats(text, port):
    """The last complete 'show port stats' block of port in text, as a
    dict of ints (packets, bytes, and the pps/bps since the previous
    show), or None."""
    found = None
    for m in _STATS_RE.finditer(text):
        if int(m.group(1)) == port:
            found = _fields(m.group(2), _STATS_FIELDS)
    return found


def parse_fwd_stats(text):
    """Per port, the counters of the last forward-statistics report
    ('stop'): {port: {rx_packets, rx_dropped, tx_packets, tx_dropped,
    rx_bursts, rx_empty_pct, rx_common_burst, tx_...}}. The burst keys
    (with --record-burst-stats only): how many bursts were polled, the
    share that found nothing, and the most frequent non-empty size."""
    ports = {}
    for m in _FWD_RE.finditer(text):
        st = _fields(m.group(2), _FWD_FIELDS)
        if st is None:
            continue
        for b in _BURST_RE.finditer(m.group(2)):
            d = b.group(1).lower()
            spread = [(int(p), int(n))
                      for p, n in _SPREAD_RE.findall(b.group(3))]
            full = [(p, n) for p, n in spread if n > 0]
            st[d + "_bursts"] = int(b.group(2))
            st[d + "_empty_pct"] = sum(p for p, n in spread if n == 0)
            st[d + "_common_burst"] = max(full)[1] if full else 0
        ports[int(m.group(1))] = st
    return ports


class Testpmd:
    """One interactive testpmd; output in the run's log directory."""

    def __init__(self, procs, name, eal, app, wrapper=(), env=None):
        argv = ["stdbuf", "-oL", "-eL"] + list(wrapper) + [TESTPMD] + \
            list(eal) + ["--", "-i"] + list(app)
        self.procs = procs
        self.name = name
        self.log = procs.log_path(name)
        self.p = procs.spawn(name, argv, stdin=subprocess.PIPE, env=env)

    @property
    def pid(self):
        return self.p.pid

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def mark(self):
        return len(self.text())

    def tail(self, n=30):
        return "\n".join(self.text().splitlines()[-n:])

    def wait(self, regex, timeout, since=0):
        """The match of regex in the output after offset since."""
        rx = re.compile(regex)

        def seen():
            m = rx.search(self.text(), since)
            if m is None and self.p.poll() is not None:
                m = rx.search(self.text(), since)
                if m is None:
                    raise BenchError("%s exited (%d) before /%s/:\n%s"
                                     % (self.name, self.p.returncode,
                                        regex, self.tail()))
            return m
        try:
            return wait_until("/%s/ from %s" % (regex, self.name), seen,
                              timeout)
        except BenchError as e:
            raise BenchError("%s\n%s" % (e, self.tail())) from None

    def cmd(self, line):
        try:
            self.p.stdin.write((line + "\n").encode())
            self.p.stdin.flush()
        except OSError as e:
            raise BenchError("%s: cannot send '%s': %s"
                             % (self.name, line, e)) from None

    def command(self, line, until, timeout=30):
        """Send a command; the output it produced, up to the match of
        until."""
        since = self.mark()
        self.cmd(line)
        m = self.wait(until, timeout, since)
        return self.text()[since:m.end()]

    def port_stats(self, port, timeout=30):
        out = self.command("show port stats %d" % port,
                           r"Tx-bps:\s*\d+\s*\n\s*#{20,}", timeout)
        st = parse_port_stats(out, port)
        if st is None:
            raise BenchError("%s: unreadable port stats:\n%s"
                             % (self.name, out))
        return st

    def link_up(self, port, timeout):
        def up():
            out = self.command("show port info %d" % port,
                               r"Link status: \w+", 30)
            return "Link status: up" in out
        try:
            wait_until("link up on %s port %d" % (self.name, port), up,
                       timeout, poll=0.5)
        except BenchError as e:
            raise BenchError("%s\n%s" % (e, self.tail())) from None

    def driver(self, port):
        out = self.command("show port info %d" % port,
                           r"Driver name: *\S+", 30)
        return out.rsplit("Driver name:", 1)[1].strip()

    def start_fwd(self):
        self.command("start", r"packet forwarding - ports=")

    def stop_fwd(self, timeout=60):
        """Stop forwarding; the forward statistics per port."""
        out = self.command("stop", r"\nDone\.", timeout)
        return parse_fwd_stats(out)

    def quit(self, timeout=30):
        """Quit and reap; BenchError when it does not exit in time."""
        if self.p.poll() is None:
            self.cmd("quit")
            try:
                self.p.stdin.close()
            except OSError:
                pass
        rc = self.procs.wait(self.p, timeout)
        if rc != 0:
            raise BenchError("%s exit status %d:\n%s"
                             % (self.name, rc, self.tail()))


def eal_args(prefix, cpu, mem_mb=1024, vdevs=(), extra=()):
    """EAL options: no hugepages, no PCI, a private runtime directory,
    main lcore and the one forwarding lcore both on CPU cpu (the main
    lcore only sleeps on the command line)."""
    args = ["--no-huge", "-m", str(mem_mb), "--no-pci",
            "--file-prefix=" + prefix,
            "--lcores", "0@%d,1@%d" % (cpu, cpu), "--main-lcore", "0"]
    for v in vdevs:
        args += ["--vdev", v]
    return args + list(extra)


def remove_runtime_dir(prefix):
    """EAL leaves its runtime directory behind: remove it."""
    for base in ("/var/run/dpdk", os.path.join(
            os.environ.get("XDG_RUNTIME_DIR", "/nonexistent"), "dpdk")):
        d = os.path.join(base, prefix)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            try:
                os.unlink(os.path.join(d, name))
            except OSError:
                pass
        try:
            os.rmdir(d)
        except OSError:
            pass

