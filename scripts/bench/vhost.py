# SPDX-License-Identifier: BSD-3-Clause
"""The vhost-user path of one run: the backend is stock testpmd with
net_vhost (port 1, server socket) and net_null (port 0), io-forwarding;
the guest is a second stock testpmd on the guest CPU with
net_virtio_user generating (txonly) or sinking (rxonly) the traffic."""

import os
import signal

import shapes
from proc import BenchError
from testpmd import Testpmd, eal_args


class VhostSession:
    name = "vhost"
    guest_port = 1

    def __init__(self, ctx, procs, shape, direction, wrapper=()):
        self.ctx = ctx
        self.procs = procs
        self.shape = shape
        self.direction = direction
        self.wrapper = list(wrapper)
        self.sock = os.path.join(procs.logdir, "vhost.sock")
        self.prefix = ctx.prefix("vb")
        self.guest_prefix = ctx.prefix("vg")
        self.backend = None
        self.guest = None

    def setup(self, timeout):
        ctx = self.ctx
        self.backend = Testpmd(
            self.procs, "backend",
            eal_args(self.prefix, ctx.backend_cpu, vdevs=[
                shapes.null_vdev(self.shape, self.direction),
                "net_vhost0,iface=%s,queues=1" % self.sock]),
            shapes.backend_app_args(self.shape, self.direction) +
            ["--record-burst-stats"],
            wrapper=self.wrapper)
        self.backend.wait(r"testpmd> ", timeout)
        if self.backend.driver(self.guest_port) != "net_vhost":
            raise BenchError("port %d is not the net_vhost port"
                             % self.guest_port)
        self.guest = Testpmd(
            self.procs, "guest",
            eal_args(self.guest_prefix, ctx.guest_cpu, vdevs=[
                "net_virtio_user0,path=%s,queues=1" % self.sock]),
            shapes.virtio_app_args(self.shape, self.direction))
        self.guest.wait(r"testpmd> ", timeout)
        self.backend.link_up(self.guest_port, timeout)

    def go(self):
        self.backend.start_fwd()
        self.guest_go()

    def guest_go(self):
        self.guest.start_fwd()

    def pause(self, stop):
        os.kill(self.guest.pid, signal.SIGSTOP if stop else signal.SIGCONT)

    def end(self):
        """Stop the guest; its forward statistics."""
        fwd = self.guest.stop_fwd()
        self.guest.quit(30)
        return fwd.get(0, {})

    def close(self, timeout):
        if self.backend is not None:
            self.backend.quit(timeout)
