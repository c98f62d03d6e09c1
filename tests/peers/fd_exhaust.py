# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""fd_exhaust.py ADDR PID: against an echo server (PID) short of
descriptors: 80 clients, of which some but not all are served; the
server does not spin while full; once they leave, a new client is
served."""
import socket, sys, time, os
h, _, p = sys.argv[1].rpartition(":")
pid = sys.argv[2]
def ticks():
    f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
conns = []
for i in range(80):
    conns.append(socket.create_connection((h, int(p))))
# the ones beyond the limit get closed by the server
for s in conns:
    s.settimeout(5)
served = 0
for s in conns:
    try:
        s.sendall(b"ping\n")
        if s.recv(10) == b"ping\n":
            served += 1
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
print("served", served, file=sys.stderr)
assert 10 <= served < 80, served
# no spinning while the table is full and clients keep knocking
t0 = ticks(); time.sleep(1.0); used = ticks() - t0
assert used < 30, "server used %d ticks in 1 s" % used
# recovery: free the held ones, a new client is served
for s in conns: s.close()
for attempt in range(100):
    n = socket.create_connection((h, int(p)))
    n.settimeout(5)
    try:
        n.sendall(b"again\n")
        if n.recv(10) == b"again\n":
            break
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    n.close()
    time.sleep(0.05)
else:
    raise SystemExit("server did not recover")
