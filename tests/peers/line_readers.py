# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""line_readers.py ADDR: connect three clients, then print the first
line each receives."""
import socket, sys, os
h, _, p = sys.argv[1].rpartition(":")
ss = [socket.create_connection((h, int(p))) for _ in range(3)]
# tell the test all three are connected
os.write(1, b"")
for s in ss:
    s.settimeout(20)
    buf = b""
    while not buf.endswith(b"\n"):
        d = s.recv(100)
        if not d: break
        buf += d
    print(buf.decode().strip())
