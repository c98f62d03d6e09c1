# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""bye.py [PATH]: accept one client (on unix PATH, else TCP 127.0.0.1),
send it "bye\\n" and close."""
from sockpeer import *

if len(sys.argv) > 1:
    l = socket.socket(socket.AF_UNIX); l.bind(sys.argv[1]); l.listen(1)
    ready("unix:" + sys.argv[1])
    c, _ = l.accept()
else:
    c = accept_one()
c.sendall(b"bye\n"); c.close()
