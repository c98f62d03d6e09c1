# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A TCP server on 127.0.0.1 that answers one line per connection, as
"conn N: LINE", and then closes it: each line needs a new connection."""
from sockpeer import *

l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(8)
ready("127.0.0.1:%d" % l.getsockname()[1])
n = 0
while True:
    c = l.accept()[0]
    n += 1
    line = c.makefile("rb").readline()
    c.sendall(b"conn %d: " % n + line)
    c.close()
