# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""hold.py ADDR...: connect one client to each ADDR, announce "held"
with ready(), then hold them open and idle (sending and reading
nothing) until killed."""
from sockpeer import *

held = [connect(a) for a in sys.argv[1:]]
ready("held")
signal.pause()
