# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A TCP server on 127.0.0.1: accept one client, read to EOF, reply with
the byte count and the sha256 (hex) of what came, close."""
from sockpeer import *

c = accept_one()
h = hashlib.sha256(); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    h.update(d); n += len(d)
c.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
c.close()
