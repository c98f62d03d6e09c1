# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""read_some.py N [reset]: accept one TCP client, read N bytes, then
close with unread bytes in the socket (so the kernel resets), or with
"reset" by SO_LINGER 0.  Its receive buffer is 64 KiB (the kernel
doubles it), so that it acknowledges at most that much it never read:
a test knows how much of a large input cannot have been taken."""
import struct
from sockpeer import *

n = int(sys.argv[1])
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
l.bind(("127.0.0.1", 0))
l.listen(1)
ready("127.0.0.1:%d" % l.getsockname()[1])
c = l.accept()[0]
c.settimeout(20)
got = recv_exactly(c, n)
sys.stdout.buffer.write(got)
sys.stdout.flush()
if len(sys.argv) > 2 and sys.argv[2] == "reset":
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
