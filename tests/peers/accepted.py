# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Accept one TCP client, print "accepted", greet it with "hi\n" (so
that a test can see the client has taken a reply, and so is running
its loop; a client that has already gone is fine), then wait for one
byte or its end."""
from sockpeer import *

c = accept_one()
print("accepted", flush=True)
try:
    c.sendall(b"hi\n")
    c.recv(1)
except (BrokenPipeError, ConnectionResetError):
    pass
