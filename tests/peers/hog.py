# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""hog.py ADDR: a client that sends and never reads, until sockit pushes
back; then another client must still get its echo."""
import socket, sys
h, _, p = sys.argv[1].rpartition(":")
hog = socket.create_connection((h, int(p)))
hog.setblocking(False)
sent = 0
# push until both kernels' buffers and sockit's are full
stalls = 0
while stalls < 50 and sent < 200_000_000:
    try:
        sent += hog.send(b"z" * 65536)
        stalls = 0
    except BlockingIOError:
        stalls += 1
        socket.socket().close()
        import select; select.select([], [hog], [], 0.02)
print("hog stalled after", sent, file=sys.stderr)
assert sent < 200_000_000, "sockit never pushed back"
other = socket.create_connection((h, int(p)))
other.sendall(b"hello\n")
other.settimeout(10)
assert other.recv(100) == b"hello\n"
