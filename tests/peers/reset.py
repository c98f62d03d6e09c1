# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Accept one TCP client, read once, then reset the connection (RST)."""
import struct
from sockpeer import *

c = accept_one()
c.recv(100)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
