# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Accept one TCP client; answer each of its first two lines with
"got LINE", then close."""
from sockpeer import *

c = accept_one()
f = c.makefile("rb")
for i in range(2):
    line = f.readline()
    c.sendall(b"got " + line)
c.close()
