"""Accept one TCP client, print "accepted", greet it with "hi\n" (so
that a test can see the client has taken a reply, and so is running
its loop), then wait for one byte or its end."""
from sockpeer import *

c = accept_one()
print("accepted", flush=True)
c.sendall(b"hi\n")
c.recv(1)
