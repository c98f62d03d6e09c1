"""Accept one TCP client, print "accepted", then wait for one byte or
its end."""
from sockpeer import *

c = accept_one()
print("accepted", flush=True)
c.recv(1)
