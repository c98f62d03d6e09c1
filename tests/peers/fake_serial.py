# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A serial device for the tests: a pty pair whose slave sockit opens.

Writes the slave's path to fd 4, then answers each line that comes on
the master with "got: LINE" and the line's settings as the slave has
them: speed, stop bits, flow control, raw or not (a pty keeps no data
bits nor parity: Linux makes them CS8 and no parity, whatever is set).
"hangup" closes the master at once: the line hangs up, and what sockit
had not read yet is lost, so a test sends it only once all answers
came.  It holds the slave open itself, so that the pty lives between
users.
"""
import os, sys, termios

SPEEDS = {getattr(termios, n): n[1:] for n in dir(termios)
          if n.startswith("B") and n[1:].isdigit()}

def settings(fd):
    iflag, oflag, cflag, lflag, ispeed, ospeed, cc = termios.tcgetattr(fd)
    flow = "rtscts" if cflag & termios.CRTSCTS else \
        "xonxoff" if iflag & termios.IXON else "none"
    return "speed=%s stop=%d flow=%s %s" % (
        SPEEDS.get(ospeed, "?"), 2 if cflag & termios.CSTOPB else 1, flow,
        "icanon" if lflag & termios.ICANON else "raw")

master, slave = os.openpty()
os.write(4, (os.ttyname(slave) + "\n").encode())
os.close(4)
buf = b""
while True:
    try:
        d = os.read(master, 4096)
    except OSError:
        d = b""
    if not d:
        break
    buf += d
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        line = line.rstrip(b"\r")
        if line == b"hangup":
            os.close(master)
            sys.exit(0)
        os.write(master, b"got: " + line + b" " +
                 settings(slave).encode() + b"\n")
