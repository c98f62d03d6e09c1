# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""stdin to stdout, 64 KiB at a time with a pause after each: a reader
slower than the socket, so that what comes backs up behind it."""
import sys, time

i, o = sys.stdin.buffer, sys.stdout.buffer
while True:
    b = i.read1(65536)
    if not b:
        break
    o.write(b)
    time.sleep(0.002)
