# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A datagram server for the send -u tests: UDP on 127.0.0.1:0, or unix
datagram at argv[2] if given.  It takes argv[1] datagrams, prints each
as one line of hex, and answers each with REPLY:<its bytes> (twice when
SOCKIT_TWICE is set in the environment)."""
import binascii, os, socket, sys
from sockpeer import ready

n = int(sys.argv[1])
if len(sys.argv) > 2:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sys.argv[2])
    ready(sys.argv[2])
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    ready("127.0.0.1:%d" % s.getsockname()[1])
s.settimeout(30)
for i in range(n):
    d, peer = s.recvfrom(70000)
    print(binascii.hexlify(d).decode(), flush=True)
    for k in range(2 if os.environ.get("SOCKIT_TWICE") else 1):
        if peer:
            s.sendto(b"REPLY:" + d, peer)
