# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""nc_peer.py MODE [PATH]: the peer of the differential nc tests, for one
client, on TCP 127.0.0.1:0 (::1 with MODE6), a unix PATH, or UDP.  What
it got goes to stdout as a python repr, so that bytes can be compared.
  upper   read the client to EOF, send it back in upper case, close
  greet   send "hello\\n" and close at once
  from    print the client's source address, send "ok\\n", close
  fromport  the same with the client's port
  udp     one datagram on UDP: print it, answer it in upper case
  accept  accept clients and close each at once, until killed
"""
from sockpeer import *

mode = sys.argv[1]
path = sys.argv[2] if len(sys.argv) > 2 else None

def listener():
    if path is not None:
        l = socket.socket(socket.AF_UNIX)
        l.bind(path)
        l.listen(8)
        ready("unix:" + path)
        return l
    v6 = mode.endswith("6")
    l = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET)
    l.bind(("::1" if v6 else "127.0.0.1", 0))
    l.listen(8)
    ready(("[::1]:%d" if v6 else "127.0.0.1:%d") % l.getsockname()[1])
    return l

if mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    ready("127.0.0.1:%d" % s.getsockname()[1])
    s.settimeout(30)
    d, peer = s.recvfrom(70000)
    print(repr(d), flush=True)
    s.sendto(d.upper(), peer)
    sys.exit(0)

l = listener()
l.settimeout(30)
if mode == "accept":
    while True:
        l.accept()[0].close()
c, peer = l.accept()
c.settimeout(30)
if mode.startswith("upper"):
    got = recv_all(c)
    print(repr(got), flush=True)
    c.sendall(got.upper())
elif mode == "greet":
    c.sendall(b"hello\n")
elif mode.startswith("from"):
    print(peer[0] + (" %d" % peer[1] if mode == "fromport" else ""), flush=True)
    c.sendall(b"ok\n")
c.close()
