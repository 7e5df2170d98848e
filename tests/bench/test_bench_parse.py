#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark's parsers and arithmetic (scripts/bench), on recorded
testpmd/callgrind output and on truncated or garbage input.
Usage: test_bench_parse.py SCRIPTS_BENCH_DIR"""

import os
import shutil
import socket
import sys
import tempfile
import threading
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
    "bench"))

import callgrind  # noqa: E402
import report  # noqa: E402
import shapes  # noqa: E402
import xs  # noqa: E402
from proc import BenchError  # noqa: E402
from testpmd import parse_fwd_stats, parse_port_stats  # noqa: E402

PORT_STATS = """
  ######################## NIC statistics for port 1  ########################
  RX-packets: 1790560    RX-missed: 0          RX-bytes:  114595840
  RX-errors: 0
  RX-nombuf:  0
  TX-packets: 12         TX-errors: 0          TX-bytes:  768

  Throughput (since last show)
  Rx-pps:       443652          Rx-bps:    227150272
  Tx-pps:            3          Tx-bps:         1536
  ############################################################################
"""

FWD_STATS = """
  ---------------------- Forward statistics for port 0  ----------------------
  RX-packets: 0              RX-dropped: 0             RX-total: 0
  TX-packets: 95474          TX-dropped: 152678542     TX-total: 152774016
  RX-bursts : 4774188 [100% of 0 pkts]
  TX-bursts : 4774188 [99% of 0 pkts + 0% of 4 pkts + 1% of other]
  ----------------------------------------------------------------------------

  ---------------------- Forward statistics for port 1  ----------------------
  RX-packets: 7891840        RX-dropped: 0             RX-total: 7891840
  TX-packets: 0              TX-dropped: 0             TX-total: 0
  RX-bursts : 47251777 [97% of 0 pkts + 3% of 32 pkts]
  ----------------------------------------------------------------------------
"""

PROFILE = """# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 7048
cmd:  dpdk-testpmd
part: 2
thread: 4
events: Ir
summary: 646266086
fn=(1) main
0 3
totals: 646266086
"""

ANNOTATE = """
--------------------------------------------------------------------------------
Ir
--------------------------------------------------------------------------------
1,519,051,778 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir                    file:function
--------------------------------------------------------------------------------
401,109,213 (26.41%)  ???:xnb_txq_recv [/b/pmd-xen/librte_net_xen.so]
165,792,568 (10.91%)  ???:0x000000000007bbd0 [/usr/bin/dpdk-testpmd]
 15,034,272 ( 0.99%)  ./string/memmove.S:__memcpy_avx [/lib/libc.so.6]
"""


class PortStats(unittest.TestCase):
    def test_block(self):
        st = parse_port_stats(PORT_STATS, 1)
        self.assertEqual(st, {
            "rx_packets": 1790560, "rx_bytes": 114595840,
            "tx_packets": 12, "tx_bytes": 768, "rx_pps": 443652,
            "rx_bps": 227150272, "tx_pps": 3, "tx_bps": 1536})

    def test_other_port(self):
        self.assertIsNone(parse_port_stats(PORT_STATS, 0))

    def test_last_block_wins(self):
        second = PORT_STATS.replace("443652", "5")
        self.assertEqual(parse_port_stats(PORT_STATS + second, 1)["rx_pps"],
                         5)

    def test_truncated(self):
        for cut in range(0, len(PORT_STATS), 7):
            st = parse_port_stats(PORT_STATS[:cut], 1)
            self.assertTrue(st is None or st["tx_bps"] == 1536, cut)

    def test_garbage(self):
        for junk in ("", "####", "NIC statistics for port x ####\n##",
                     PORT_STATS.replace("443652", "-1"),
                     "\x00\xff" * 100):
            self.assertIsNone(parse_port_stats(junk, 1))


class FwdStats(unittest.TestCase):
    def test_ports(self):
        fwd = parse_fwd_stats(FWD_STATS)
        self.assertEqual(sorted(fwd), [0, 1])
        self.assertEqual(fwd[0]["tx_packets"], 95474)
        self.assertEqual(fwd[0]["tx_dropped"], 152678542)
        self.assertEqual(fwd[0]["rx_bursts"], 4774188)
        self.assertEqual(fwd[0]["rx_empty_pct"], 100)
        self.assertEqual(fwd[0]["rx_common_burst"], 0)
        self.assertEqual(fwd[0]["tx_empty_pct"], 99)
        self.assertEqual(fwd[0]["tx_common_burst"], 4)
        self.assertEqual(fwd[1]["rx_packets"], 7891840)
        self.assertEqual(fwd[1]["rx_empty_pct"], 97)
        self.assertEqual(fwd[1]["rx_common_burst"], 32)
        self.assertNotIn("tx_bursts", fwd[1])

    def test_garbage(self):
        self.assertEqual(parse_fwd_stats(""), {})
        self.assertEqual(parse_fwd_stats(FWD_STATS[:120]), {})
        self.assertEqual(parse_fwd_stats(
            FWD_STATS.replace("RX-packets: 0 ", "RX-packets: x ")), {
                1: parse_fwd_stats(FWD_STATS)[1]})


class Callgrind(unittest.TestCase):
    def test_profile(self):
        self.assertEqual(callgrind.parse_profile(PROFILE),
                         (2, 4, 646266086))
        self.assertIsNone(callgrind.parse_profile(
            PROFILE.replace("totals:", "total:")))
        self.assertIsNone(callgrind.parse_profile(""))

    def test_lcore_by_part(self):
        with tempfile.TemporaryDirectory() as d:
            for name, part, thread, total in (
                    ("callgrind.7048.1-01", 1, 1, 50),
                    ("callgrind.7048.1-04", 1, 4, 900),
                    ("callgrind.7048.2-01", 2, 1, 70),
                    ("callgrind.7048.2-04", 2, 4, 20),
                    ("callgrind.9999.1-04", 1, 4, 10 ** 9)):
                with open(os.path.join(d, name), "w") as f:
                    f.write(PROFILE.replace("part: 2", "part: %d" % part)
                            .replace("thread: 4", "thread: %d" % thread)
                            .replace("646266086", str(total)))
            with open(os.path.join(d, "callgrind.7048-01"), "w") as f:
                f.write("garbage\n")
            parts = callgrind.lcore_by_part(d, 7048)
            self.assertEqual(sorted(parts), [1, 2])
            self.assertEqual(parts[1][:2], (900, 4))
            self.assertEqual(parts[2][:2], (70, 1))

    def test_annotate(self):
        self.assertEqual(callgrind.parse_annotate(ANNOTATE), [
            (401109213, "xnb_txq_recv", "librte_net_xen.so"),
            (165792568, "0x000000000007bbd0", "dpdk-testpmd"),
            (15034272, "__memcpy_avx", "libc.so.6")])
        self.assertEqual(callgrind.parse_annotate("1,2 (x%) y\n\0"), [])

    def test_solve(self):
        # 300 instructions per idle iteration, 400 per packet moved.
        a = {"ir": 1000 * 300 + 10 * 400, "iterations": 1000, "packets": 10}
        b = {"ir": 500 * 300 + 8000 * 400, "iterations": 500,
             "packets": 8000}
        r = callgrind.solve(a, b, 32)
        self.assertAlmostEqual(r["marginal_instr_per_pkt"], 400.0)
        self.assertAlmostEqual(r["iteration_instr"], 300.0)
        self.assertAlmostEqual(r["instr_per_pkt"], 409.4)
        self.assertAlmostEqual(r["raw_instr_per_pkt"], 418.8)

    def test_solve_degenerate(self):
        a = {"ir": 10, "iterations": 0, "packets": 0}
        b = {"ir": 10, "iterations": 5, "packets": 0}
        with self.assertRaises(BenchError):
            callgrind.solve(a, b, 32)
        same = {"ir": 10, "iterations": 5, "packets": 5}
        with self.assertRaises(BenchError):
            callgrind.solve(same, dict(same), 32)


class Report(unittest.TestCase):
    def m(self, path, shape, d, value):
        return {"path": path, "shape": shape, "dir": d,
                shapes.SHAPES[shape]["metric"]: value}

    def test_medians_and_targets(self):
        ms = [self.m("xen", "64", "tx", v) for v in (3.0, 1.0, 2.0)] + \
             [self.m("vhost", "64", "tx", v) for v in (2.0, 2.0, 9.0)] + \
             [self.m("xen", "1500", "rx", 5.0)]
        rows = report.throughput(ms)
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["xen"], 2.0)
        self.assertEqual(rows[0]["vhost"], 2.0)
        self.assertEqual(rows[0]["ratio"], 1.0)
        self.assertFalse(rows[0]["met"])
        self.assertEqual(rows[1]["vhost"], None)
        self.assertIsNone(rows[1]["met"])
        s = report.summary(ms, [], [], {})
        self.assertFalse(s["targets_met"])

    def test_instructions(self):
        cg = [{"path": "xen", "shape": "64", "dir": "tx",
               "instr_per_pkt": 300.0},
              {"path": "vhost", "shape": "64", "dir": "tx",
               "instr_per_pkt": 400.0}]
        rows = report.instructions(cg)
        self.assertEqual(rows, [{"shape": "64", "dir": "tx", "xen": 300.0,
                                 "vhost": 400.0, "ratio": 0.75,
                                 "met": True}])


class Shapes(unittest.TestCase):
    def test_segments(self):
        for shape in shapes.SHAPES:
            args = shapes.virtio_app_args(shape, "tx")
            segs = [a for a in args if a.startswith("--txpkts=")][0]
            total = sum(int(x) for x in segs[9:].split(","))
            self.assertEqual(total, shapes.SHAPES[shape]["len"])
            self.assertTrue(all(int(x) <= 4096
                                for x in segs[9:].split(",")))


class Xenstore(unittest.TestCase):
    """xs_read against a fake xenstored answering each case's bytes."""

    def serve(self, reply):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "xs.sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(1)

        def answer():
            c, _ = srv.accept()
            with c:
                c.recv(4096)
                c.sendall(reply)
            srv.close()
        t = threading.Thread(target=answer)
        t.start()
        return path, t

    def read(self, reply):
        path, t = self.serve(reply)
        try:
            return xs.xs_read(path, "/a/b", timeout=2)
        finally:
            t.join(5)

    def test_value(self):
        self.assertEqual(self.read(xs._HDR.pack(xs.XS_READ, 1, 0, 1) + b"4"),
                         "4")

    def test_error(self):
        self.assertIsNone(self.read(
            xs._HDR.pack(xs.XS_ERROR, 1, 0, 7) + b"ENOENT\0"))

    def test_huge_length(self):
        self.assertIsNone(self.read(xs._HDR.pack(xs.XS_READ, 1, 0, 1 << 30)))

    def test_short_reply(self):
        with self.assertRaises(OSError):
            self.read(b"\x02\x00")


if __name__ == "__main__":
    unittest.main()
