# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""busy_unix.py PATH GO: a unix stream server at PATH whose backlog is
full: it fills it with clients of its own, announces "busy", and takes
nobody until the file GO exists.  Then it lets its own clients go and
echoes, to EOF, every connection that sends something."""
import errno
from sockpeer import *

path, go = sys.argv[1], sys.argv[2]
l = socket.socket(socket.AF_UNIX)
l.bind(path)
l.listen(1)
own = []
while True:
    c = socket.socket(socket.AF_UNIX)
    c.setblocking(False)
    try:
        c.connect(path)
    except BlockingIOError:
        c.close()
        break
    own.append(c)
ready("busy")
while not os.path.exists(go):
    time.sleep(0.02)
for c in own:
    c.close()

def serve(c):
    while True:
        b = c.recv(65536)
        if not b:
            break
        c.sendall(b)
    c.close()

l.settimeout(20)
while True:
    c, _ = l.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
