# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""banner.py: a TCP server on 127.0.0.1 that sends its one client an
SSH-like banner followed by every byte value, then closes while the
client may still be sending."""
from sockpeer import *

c = accept_one()
c.sendall(b"SSH-2.0-banner\r\n" + bytes(range(256)))
c.close()
