# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A TCP server with a tiny window that reads nothing: once what it holds
unread shows the client is blocked on it, it resets the connection
(SO_LINGER 0), leaving the client with bytes it wrote and that were
never acknowledged."""
import fcntl, struct, termios
from sockpeer import *

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
ready("%s:%d" % srv.getsockname())
c, _ = srv.accept()
while True:
    n = struct.unpack("i", fcntl.ioctl(c, termios.FIONREAD, b"\0\0\0\0"))[0]
    if n >= 2048:
        break
    select.select([c], [], [], 0.05)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
srv.close()
