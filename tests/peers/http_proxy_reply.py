# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""http_proxy_reply.py STATUS: an HTTP proxy on 127.0.0.1 that answers
every CONNECT with the status line STATUS (python escapes allowed, so
a test can send "HTTP/1.1\\t407") and closes.  It serves client after
client, so a relay can be seen to survive one bad answer."""
from sockpeer import *

status = sys.argv[1].encode().decode("unicode_escape").encode("latin-1")
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(8)
ready("127.0.0.1:%d" % l.getsockname()[1])
while True:
    c = l.accept()[0]
    c.settimeout(20)
    req = b""
    while b"\r\n\r\n" not in req:
        b = c.recv(4096)
        if not b:
            break
        req += b
    print(req.split(b"\r\n")[0].decode(), flush=True)
    try:
        c.sendall(status + b"\r\nContent-Length: 0\r\n\r\n")
    except OSError:
        pass
    c.close()
