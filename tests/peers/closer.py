# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Accept one TCP client and close it at once, reading nothing."""
from sockpeer import *

c = accept_one()
c.close()
