# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""mute.py: a TCP server on 127.0.0.1 that accepts clients and never
says a word (a proxy that hangs in its handshake)."""
from sockpeer import *

l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(8)
ready("127.0.0.1:%d" % l.getsockname()[1])
held = []
while True:
    held.append(l.accept()[0])
