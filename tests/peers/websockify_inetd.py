# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""websockify (the Debian package) on a port of the kernel's choosing:
bind 127.0.0.1:0, announce ws://127.0.0.1:PORT/ on fd 4, and run
`websockify --inetd TARGET` with the listening socket as its stdin.

  websockify_inetd.py TARGET"""
import os, socket, sys

l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(16)
f = os.fdopen(4, "w")
f.write("ws://127.0.0.1:%d/\n" % l.getsockname()[1])
f.close()
os.dup2(l.fileno(), 0)
os.execvp("websockify", ["websockify", "--inetd", sys.argv[1]])
