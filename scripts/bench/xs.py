# SPDX-License-Identifier: BSD-3-Clause
"""One xenstore read over the simulated xenstored's UNIX socket (the wire
protocol of xen/io/xs_wire.h), so the benchmark needs no test binary."""

import socket
import struct

XS_READ = 2
XS_ERROR = 16
_HDR = struct.Struct("<IIII")  # type, req_id, tx_id, len
_MAX_PAYLOAD = 4096


def _recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("xenstored closed the connection")
        buf += chunk
    return buf


def xs_read(sock_path, path, timeout=5.0):
    """The value at path, or None when it does not exist (or xenstored
    answers anything but a well-formed read reply)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(sock_path)
        body = path.encode() + b"\0"
        s.sendall(_HDR.pack(XS_READ, 1, 0, len(body)) + body)
        typ, _req, _tx, length = _HDR.unpack(_recv_exact(s, _HDR.size))
        if length > _MAX_PAYLOAD:
            return None
        payload = _recv_exact(s, length)
    if typ != XS_READ:
        return None
    return payload.decode(errors="replace")
