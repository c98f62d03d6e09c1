# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""greeter.py PATH: a unix server that greets its one client, half-closes
at once, then reads the client to EOF and prints the byte count and the
sha256 (hex) of what came."""
from sockpeer import *

path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(1)
ready("unix:" + path)
c, _ = srv.accept()
c.sendall(b"greeting\n")
c.shutdown(socket.SHUT_WR)           # done talking, still listening
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(65536)
    if not b:
        break
    h.update(b)
    n += len(b)
print(n, h.hexdigest(), flush=True)
