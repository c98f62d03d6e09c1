# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""sha_target.py PATH: a unix server that reads each client to EOF and
only then answers with the sha256 (hex) of what it got and a newline."""
from sockpeer import *

path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(16)
ready("unix:" + path)
while True:
    c, _ = srv.accept()
    h = hashlib.sha256()
    while True:
        b = c.recv(65536)
        if not b:
            break
        h.update(b)
    c.sendall((h.hexdigest() + "\n").encode())
    c.close()
