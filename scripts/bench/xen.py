# SPDX-License-Identifier: BSD-3-Clause
"""The Xen path of one run: the simulated hypervisor (xnb-simhv), a guest
domain made by the toolstack stand-in (xnb-simxl) running xnb-simfront on
the guest CPU, and the backend: stock testpmd with librte_net_xen.so,
io-forwarding between the guest's vif (port 1) and net_null (port 0)."""

import json
import os
import signal

import shapes
from proc import BenchError, wait_until
from testpmd import Testpmd, eal_args
from xs import xs_read

DOMID = 1
MAC = "00:16:3e:00:00:01"
BACKEND_DIR = "/local/domain/0/backend/vif/%d/0" % DOMID


def last_json(path):
    """The last JSON object line of a file, {} when there is none."""
    try:
        with open(path, errors="replace") as f:
            lines = [l for l in f if l.startswith("{")]
        return json.loads(lines[-1]) if lines else {}
    except (OSError, ValueError):
        return {}


class XenSession:
    name = "xen"
    guest_port = 1

    def __init__(self, ctx, procs, shape, direction, wrapper=()):
        self.ctx = ctx
        self.procs = procs
        self.shape = shape
        self.direction = direction
        self.wrapper = list(wrapper)
        self.simdir = os.path.join(procs.logdir, "sim")
        self.prefix = ctx.prefix("x")
        self.backend = None
        self.guest = None

    def _xl(self, name, *args):
        return self.procs.run(name, [self.ctx.simxl, "--dir", self.simdir]
                              + list(args), timeout=30)

    def _backend_dir(self):
        try:
            return xs_read(os.path.join(self.simdir, "xenstored.sock"),
                           BACKEND_DIR + "/state") is not None
        except OSError:
            return False

    def setup(self, timeout):
        ctx = self.ctx
        os.mkdir(self.simdir)
        self.procs.spawn("simhv", [ctx.simhv, "--dir", self.simdir],
                         cpu=ctx.guest_cpu)
        wait_until("xnb-simhv ready", lambda: os.path.exists(
            os.path.join(self.simdir, "ready")), 10)
        self._xl("simxl-create", "create", str(DOMID))

        # The guest connects as soon as its backend is there and sends
        # only after SIGUSR1.
        self.guest = self.procs.spawn("simfront", [
            ctx.simfront, "--dir", self.simdir, "--domid", str(DOMID),
            "--cpu", str(ctx.guest_cpu), "--wait-start", "--timeout", "60",
            "--duration", "%g" % ctx.guest_duration] +
            shapes.simfront_args(self.shape, self.direction))

        env = dict(os.environ, LD_LIBRARY_PATH=ctx.pmd_dir)
        self.backend = Testpmd(
            self.procs, "backend",
            eal_args(self.prefix, ctx.backend_cpu,
                     vdevs=[shapes.null_vdev(self.shape, self.direction)],
                     extra=["-d", "librte_net_xen.so"]),
            shapes.backend_app_args(self.shape, self.direction) +
            ["--record-burst-stats"],
            wrapper=self.wrapper, env=env)
        self.backend.wait(r"testpmd> ", timeout)

        # The toolstack makes the vif and waits (10 s) for the backend:
        # hot-plug the port once the backend directory exists, so a slow
        # (valgrind) testpmd start does not eat that window.
        attach = self.procs.spawn("simxl-attach", [
            ctx.simxl, "--dir", self.simdir, "network-attach", str(DOMID),
            "mac=" + MAC, "devid=0"])
        wait_until("backend directory in xenstore", self._backend_dir, 10)
        out = self.backend.command(
            "port attach net_xen0,domid=%d,hv=sim,simdir=%s%s"
            % (DOMID, self.simdir, ctx.xen_devargs),
            r"Port \d+ is attached|Failed to attach", timeout)
        if "Failed" in out:
            raise BenchError("net_xen probe failed:\n" + out)
        rc = self.procs.wait(attach, 30)
        if rc != 0:
            raise BenchError("xnb-simxl network-attach failed (%d)" % rc)
        if self.backend.driver(self.guest_port) != "net_xen":
            raise BenchError("port %d is not the net_xen port"
                             % self.guest_port)
        if shapes.wants_lro(self.shape, self.direction):
            # GSO frames cross whole only where the application enabled
            # LRO; else the PMD segments them (net_null takes no LRO, so
            # not testpmd's --enable-lro, which applies to every port).
            self.backend.command("port config %d rx_offload tcp_lro on"
                                 % self.guest_port, r"testpmd> ", timeout)
        self.backend.command("port start %d" % self.guest_port,
                             r"testpmd> ", timeout)
        self.backend.link_up(self.guest_port, timeout)

    def go(self):
        self.backend.start_fwd()
        self.guest_go()

    def guest_go(self):
        self.guest.send_signal(signal.SIGUSR1)

    def pause(self, stop):
        self.guest.send_signal(signal.SIGSTOP if stop else signal.SIGCONT)

    def end(self):
        """Stop the guest; its counters (JSON it prints at exit)."""
        self.procs.stop(self.guest, grace=15)
        return last_json(self.procs.log_path("simfront"))

    def close(self, timeout):
        if self.backend is not None:
            self.backend.quit(timeout)
