# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Accept one TCP client, send it "news\\n", then print what the client
sends within 1 s, or "(nothing)"."""
from sockpeer import *

c = accept_one()
c.sendall(b"news\n")
c.settimeout(1)
try:
    got = c.recv(100)
except socket.timeout:
    got = b"(nothing)"
print(got.decode()); sys.stdout.flush()
c.close()
