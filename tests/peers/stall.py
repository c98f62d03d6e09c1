# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""stall.py ADDR OUT GO: one client sends 300,000 bytes with no
delimiter and stalls; once OUT (listen's stdout) holds them, a second
client sends "b\n" and leaves.  The first waits for the file GO, then
ends its input with "tail\n".  Prints "b after N s" when OUT has the
second client's line."""
from sockpeer import *

addr, out, go = sys.argv[1:4]
a = connect(addr)
a.sendall(b"a" * 300000)
def size():
    try:
        return os.path.getsize(out)
    except OSError:
        return 0
t0 = time.monotonic()
while size() < 300000:
    if time.monotonic() - t0 > 20:
        fail("the first client's bytes never reached stdout")
    time.sleep(0.02)
b = connect(addr)
b.sendall(b"b\n")
b.close()
t0 = time.monotonic()
while b" b\n" not in open(out, "rb").read():
    if time.monotonic() - t0 > 20:
        fail("the second client's line is held back")
    time.sleep(0.02)
print("b after %.1f s" % (time.monotonic() - t0), flush=True)
while not os.path.exists(go):
    time.sleep(0.02)
a.sendall(b"tail\n")
a.close()
