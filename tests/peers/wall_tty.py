# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""wall_tty.py OUT COLS SIG CMD...: run CMD with stdout and stderr on a
pseudo-terminal COLS columns wide and write all it printed to OUT.
SIG (INT, TERM or none): once two rows have been drawn (the header
line and two erase-lines after it), send that signal.  Prints the exit
status as subprocess gives it (-2: killed by SIGINT)."""
import fcntl, os, select, signal, struct, subprocess, sys, termios, time

out, cols, sig = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cmd = sys.argv[4:]
m, s = os.openpty()
fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=s, stderr=s)
os.close(s)
buf, sent, end = b"", False, time.time() + 20
while time.time() < end:
    r, _, _ = select.select([m], [], [], 0.5)
    if not r:
        continue
    try:
        b = os.read(m, 65536)
    except OSError:
        break
    if not b:
        break
    buf += b
    if sig != "none" and not sent and buf.count(b"\x1b[K") >= 3:
        p.send_signal(getattr(signal, "SIG" + sig))
        sent = True
try:
    rc = p.wait(timeout=max(end - time.time(), 0.1))
except subprocess.TimeoutExpired:
    p.kill()
    rc = "hung"
with open(out, "wb") as f:
    f.write(buf)
print(rc)
