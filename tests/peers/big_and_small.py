# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""big_and_small.py ADDR: at once, one client sends a 1.5 MB line of A,
and three others each 200 lines of 100 times x, y or z."""
import socket, sys, threading
h, _, p = sys.argv[1].rpartition(":")
def big():
    s = socket.create_connection((h, int(p)))
    s.sendall(b"A" * 1500000 + b"\n")
    s.close()
def small(ch):
    s = socket.create_connection((h, int(p)))
    for _ in range(200):
        s.sendall((ch * 100 + "\n").encode())
    s.close()
ts = [threading.Thread(target=big)] + [threading.Thread(target=small, args=(c,)) for c in "xyz"]
[t.start() for t in ts]
[t.join() for t in ts]
