# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""owner_behind.py SOCKIT: a client mid-message must not be held back
by a client queued behind it.  listen -v -L runs with its stdout on a
pipe read here.  Client A, alone, starts a long message (so it owns
the sink); B queues a line behind it; then stdout is not read for a
while, so the sink fills and A too has to wait.  When stdout is read
again A must go on (it owns the sink) and end its message whole: a
queue that let B's turn come first would leave A stuck until the
one-second stall cut split its message.  Prints the two lines'
lengths and whether anything was cut."""
import subprocess
from sockpeer import *

r, w = os.pipe()
p = subprocess.Popen([sys.argv[1], "listen", "-v", "-L", "--ready-fd",
                      str(w), "127.0.0.1:0"], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, pass_fds=(w,))
os.close(w)
addr = os.fdopen(r).readline().strip()
got = b""
def read_until(n):
    global got
    while len(got) < n:
        b = p.stdout.read1(65536)
        if not b:
            fail("listen's stdout ended early")
        got += b

a = connect(addr)
a.sendall(b"x" * 100000)
read_until(100000)                      # A's start is out: A owns the sink
b = connect(addr)
b.sendall(b"b\n")
b.close()
t = threading.Thread(target=lambda: (a.sendall(b"x" * 3000000 + b"\n"),
                                     a.close()))
t.start()
time.sleep(0.5)                         # stdout not read: the sink fills
while got.count(b"\n") < 2:
    read_until(len(got) + 1)
t.join()
p.terminate()
err = p.communicate()[1].decode()
lines = got.split(b"\n")
print(len(lines[0].split(b" ", 1)[1]), lines[1].split(b" ", 1)[1][:20].decode(),
      "cut" if ": cut" in err else "not cut")
