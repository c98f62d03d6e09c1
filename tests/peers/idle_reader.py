# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Accept one TCP client and wait for two reads from it (data or EOF),
sending nothing."""
from sockpeer import *

c = accept_one()
c.recv(100)
c.recv(100)
