# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""upper.py PATH: a unix server that reads one client to EOF and sends
it back in upper case."""
from sockpeer import *

l = socket.socket(socket.AF_UNIX); l.bind(sys.argv[1]); l.listen(1)
ready("unix:" + sys.argv[1])
c, _ = l.accept()
data = b""
while True:
    d = c.recv(4096)
    if not d: break
    data += d
c.sendall(data.upper()); c.close()
