# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""socks_peer.py REPLY: a SOCKS5 proxy for one client that records the
request it got (address type and address) on stdout, then answers with
reply code REPLY; the client's address goes to stderr.  On success (0) it speaks for the target itself: it
reads the client to EOF and sends the bytes back reversed, so a test
sees that the bytes went through the tunnel."""
from sockpeer import *

reply = int(sys.argv[1])
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
ready("127.0.0.1:%d" % l.getsockname()[1])
c, peer = l.accept()
print("from %s:%d" % peer, file=sys.stderr, flush=True)
c.settimeout(20)
ver, n = recv_exactly(c, 2)
methods = recv_exactly(c, n)
if ver != 5 or 0 not in methods: fail("bad greeting")
c.sendall(b"\x05\x00")
ver, cmd, _, atyp = recv_exactly(c, 4)
if atyp == 1:
    where = socket.inet_ntop(socket.AF_INET, recv_exactly(c, 4))
elif atyp == 4:
    where = socket.inet_ntop(socket.AF_INET6, recv_exactly(c, 16))
else:
    where = recv_exactly(c, recv_exactly(c, 1)[0]).decode()
port = int.from_bytes(recv_exactly(c, 2), "big")
print("cmd %d atyp %d %s %d" % (cmd, atyp, where, port), flush=True)
# The bound address is a domain name, so the client must read it whole,
# and the target's first bytes come in the same segment: the client
# must take not one byte of them for the proxy's.
c.sendall(bytes([5, reply, 0, 3, 4]) + b"peer" + b"\x00\x50" +
          (b"target here\n" if reply == 0 else b""))
if reply == 0:
    c.sendall(recv_all(c)[::-1])
c.close()
