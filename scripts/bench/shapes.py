# SPDX-License-Identifier: BSD-3-Clause
"""The traffic shapes: frame sizes and how each path produces them.

Frame lengths are Ethernet frames without FCS, the same on both paths:
  64      64-byte frames, reported in Mpps
  1500    1514-byte frames (1500-byte MTU), reported in Gb/s
  gso64k  65000-byte frames, reported in Gb/s. Guest Tx: the Xen guest
          sends real GSO (TCP, csum_blank, GSO extra, 16 page slots); the
          virtio-user guest sends 16 x 4 KiB-segment frames (testpmd
          txonly has no TSO). Guest Rx: net_null frames carry no offload
          flags, so both backends deliver them as plain 64 KB frames
          (multi-slot / mergeable buffers).
Directions: "tx" is guest Tx -> backend -> net_null, "rx" is net_null ->
backend -> guest Rx.
Guest Tx cost: the Xen guest sends with xnb-simfront --fast-tx (frames
pre-built once in a pool granted once, only the sequence number written
per packet, one notify per batch), as cheap as testpmd txonly is for the
virtio-user guest, so the tx shapes measure the backends, not the guests.
"""

SHAPES = {
    "64": {"len": 64, "metric": "mpps"},
    "1500": {"len": 1514, "metric": "gbps"},
    "gso64k": {"len": 65000, "metric": "gbps"},
}
DIRECTIONS = ("tx", "rx")

# Page-sized segments for the virtio-user guest's large frames.
_SEG = 4096
# Big enough for one 65000-byte net_null frame (data room incl. headroom).
_BIG_MBUF = 65535


def _segments(length):
    segs = [_SEG] * (length // _SEG)
    if length % _SEG:
        segs.append(length % _SEG)
    return ",".join(str(s) for s in segs)


def null_vdev(shape, direction):
    """The net_null port of the backend: a sink for tx, a source for rx."""
    if direction == "tx":
        return "net_null0,no-rx=1"
    return "net_null0,size=%d" % SHAPES[shape]["len"]


def backend_app_args(shape, direction):
    """testpmd application options of the backend."""
    if direction == "rx" and SHAPES[shape]["len"] > 2048:
        return ["--mbuf-size=%d" % _BIG_MBUF, "--total-num-mbufs=4096"]
    return ["--total-num-mbufs=32768"]


def wants_lro(shape, direction):
    """The guest sends GSO frames: the backend's guest port takes them
    whole (as vhost-user takes virtio's)."""
    return direction == "tx" and shape == "gso64k"


def simfront_args(shape, direction):
    """xnb-simfront options of the Xen guest."""
    if direction == "rx":
        return ["--rx-only", "--no-verify", "--allow-loss"]
    args = ["--tx-only", "--fast-tx", "--allow-loss",
            "--size", str(SHAPES[shape]["len"])]
    if shape == "gso64k":
        args.append("--gso")
    return args


def virtio_app_args(shape, direction):
    """testpmd application options of the virtio-user guest."""
    if direction == "rx":
        return ["--total-num-mbufs=32768", "--forward-mode=rxonly"]
    length = SHAPES[shape]["len"]
    if length > 2048:
        return ["--total-num-mbufs=32768", "--mbuf-size=%d" % (_SEG + 128),
                "--forward-mode=txonly", "--txpkts=" + _segments(length)]
    return ["--total-num-mbufs=32768", "--forward-mode=txonly",
            "--txpkts=%d" % length]
