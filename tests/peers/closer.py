"""Accept one TCP client and close it at once, reading nothing."""
from sockpeer import *

c = accept_one()
c.close()
