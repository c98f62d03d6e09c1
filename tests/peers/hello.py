# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Accept one TCP client, send it "hello\\n" and wait for a read."""
from sockpeer import *

c = accept_one()
c.sendall(b"hello\n")
c.recv(100)
