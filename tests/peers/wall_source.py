# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""wall_source.py MODE [ARG]: a TCP server on 127.0.0.1 (announced with
ready()) that feeds sockit wall.  Every client is served in a thread.
  silent        accept, send nothing, hold the connection open
  send HEX      send the bytes HEX stands for, then hold
  bounce FILE   the first client gets "one\\n" and is closed, and the
                listener too (so connects are refused); once FILE
                exists, listen on the same port again and give every
                client "two\\n"
  big FILE      a 1 MB line of A, then a 64 MB line of B, both ended;
                then create FILE and hold
  flood         numbered lines as fast as the client takes them
"""
from sockpeer import *

mode = sys.argv[1]
arg = sys.argv[2] if len(sys.argv) > 2 else None

def listener(port=0):
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("127.0.0.1", port))
    l.listen(8)
    return l

def hold(c):
    try:
        while c.recv(4096):
            pass
    except OSError:
        pass

def serve(c):
    try:
        if mode == "send":
            c.sendall(bytes.fromhex(arg))
        elif mode == "big":
            c.sendall(b"A" * (1 << 20) + b"\n")
            chunk = b"B" * (1 << 20)
            for _ in range(64):
                c.sendall(chunk)
            c.sendall(b"\n")
            open(arg, "w").close()
        elif mode == "flood":
            i = 0
            while True:
                c.sendall(b"".join(b"%d\n" % (i + k) for k in range(1000)))
                i += 1000
    except OSError:
        return
    hold(c)

def accept_loop(l):
    while True:
        c = l.accept()[0]
        threading.Thread(target=serve, args=(c,), daemon=True).start()

l = listener()
port = l.getsockname()[1]
ready("127.0.0.1:%d" % port)
if mode == "bounce":
    c = l.accept()[0]
    c.sendall(b"one\n")
    c.close()
    l.close()
    while not os.path.exists(arg):
        time.sleep(0.05)
    l = listener(port)
    mode = "send"
    arg = b"two\n".hex()
accept_loop(l)
