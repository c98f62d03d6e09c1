# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""interleave.py ADDR: ten clients at once, each sending 100 messages of
3000 times its letter (a..j) and a newline, every message in pieces of
700 bytes, so the server reads them in pieces."""
import socket, sys, threading
addr = sys.argv[1]
h, _, p = addr.rpartition(":")
def client(ch):
    s = socket.create_connection((h, int(p)))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    msg = (ch * 3000 + "\n").encode()
    for _ in range(100):
        # a message goes out in several writes, so reads see pieces
        for i in range(0, len(msg), 700):
            s.sendall(msg[i:i + 700])
    s.close()
ts = [threading.Thread(target=client, args=(c,)) for c in "abcdefghij"]
[t.start() for t in ts]
[t.join() for t in ts]
