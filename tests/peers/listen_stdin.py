# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""listen_stdin.py SOCKIT CASE: listen with its stdin on a pipe held
here.
  once-gone:  --once; the client takes a line of stdin, says bye and
              closes while stdin keeps flowing: listen must exit then,
              not when stdin ends.  Prints "exited 0".
  next-client: a client half-closes and is let go (the linger); a line
              written to stdin while nobody is connected must reach the
              next client, not be read and dropped.  Prints what it got."""
import subprocess
from sockpeer import *

sockit, case = sys.argv[1], sys.argv[2]
r, w = os.pipe()
inr, inw = os.pipe()
args = [sockit, "listen", "-v", "--ready-fd", str(w), "127.0.0.1:0"]
if case == "once-gone":
    args.insert(2, "--once")
p = subprocess.Popen(args, stdin=inr, stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, pass_fds=(w,))
os.close(w); os.close(inr)
addr = os.fdopen(r).readline().strip()
err = b""
def wait_log(text, limit=20):
    global err
    t0 = time.monotonic()
    while text not in err:
        if time.monotonic() - t0 > limit:
            fail("no %r in listen's log: %r" % (text, err))
        if select.select([p.stderr], [], [], 0.1)[0]:
            err += os.read(p.stderr.fileno(), 65536)

if case == "once-gone":
    s = connect(addr)
    os.write(inw, b"one\n")
    if recv_exactly(s, 4) != b"one\n":
        fail("the client did not get stdin")
    s.sendall(b"bye\n")
    s.close()
    t0 = time.monotonic()
    while p.poll() is None and time.monotonic() - t0 < 10:
        try:
            os.write(inw, b"more\n")
        except BrokenPipeError:
            break
        time.sleep(0.05)
    if p.poll() is None:
        p.kill()
        fail("listen --once still running 10 s after its client left")
    print("exited", p.wait())
elif case == "next-client":
    s = connect(addr)
    s.sendall(b"hi\n")
    s.shutdown(socket.SHUT_WR)
    wait_log(b"closed:")                # the linger let it go
    os.write(inw, b"for the next client\n")
    s2 = connect(addr, timeout=5)
    try:
        print(s2.recv(100).decode(), end="")
    except socket.timeout:
        print("nothing")
    p.terminate()
