# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Accept one TCP client; send it "hi\\n"; read all it sends until its
end, then print its address ("from HOST:PORT") and the bytes it sent,
as hex, one line each.  With "hold": keep the connection open after
that, until killed, so that only the client can end the exchange."""
from sockpeer import *

c = accept_one()
c.sendall(b"hi\n")
got = recv_all(c)
print("from %s:%d" % c.getpeername()[:2])
print(got.hex(), flush=True)
if "hold" in sys.argv[1:]:
    signal.pause()
c.close()
