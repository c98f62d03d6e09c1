# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""prompt.py ADDR SEEN: send a prompt with no newline, hold the
connection until the file SEEN exists, then answer it and leave."""
from sockpeer import *

s = connect(sys.argv[1])
s.sendall(b"Password: ")
t0 = time.monotonic()
while not os.path.exists(sys.argv[2]):
    if time.monotonic() - t0 > 20:
        fail("the prompt was never seen")
    time.sleep(0.02)
s.sendall(b"secret\n")
s.close()
