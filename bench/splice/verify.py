#!/usr/bin/env python3
"""Check a relay's data, both directions at once.

    verify.py FILE_UP FILE_DOWN TARGET RELAY_CMD...

Starts a one-client server on TARGET (127.0.0.1:0 or unix:PATH) that
reads everything the relay brings (until EOF) while sending FILE_DOWN and
then shutting down its write side.  Starts RELAY_CMD with the word
TARGET replaced by the server's address and reads the relay's address
from its stdout.  The client sends FILE_UP through the relay, shuts down
its write side and reads until EOF.  Both directions' SHA-256 must match
the files, and both EOFs must arrive (the half-close is passed on).
A relay that is still running 5 s later (sockit relay, a server) is
stopped with SIGTERM; one that exits must exit 0.

The server reads slowly at first (small reads, short sleeps) so the
relay meets a full destination and has to keep data back.
"""
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time

CHUNK = 1 << 20


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(CHUNK), b""):
            h.update(b)
    return h.hexdigest()


def send_file(sock, path):
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(CHUNK), b""):
            sock.sendall(b)
    sock.shutdown(socket.SHUT_WR)


def recv_all(sock, out, slow=False):
    h = hashlib.sha256()
    n = 0
    while True:
        b = sock.recv(4096 if slow and n < (8 << 20) else CHUNK)
        if not b:
            break
        if slow and n < (8 << 20):
            time.sleep(0.0005)
        h.update(b)
        n += len(b)
    out.append((n, h.hexdigest()))


def main():
    up, down, target = sys.argv[1:4]
    cmd = sys.argv[4:]
    if target.startswith("unix:"):
        path = target[5:]
        if os.path.exists(path):
            os.unlink(path)
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(path)
        taddr = target
    else:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.bind(("127.0.0.1", 0))
        taddr = "127.0.0.1:%d" % ls.getsockname()[1]
    ls.listen(1)
    got_up, got_down = [], []

    def server():
        s, _ = ls.accept()
        t = threading.Thread(target=send_file, args=(s, down))
        t.start()
        recv_all(s, got_up, slow=True)
        t.join()
        s.close()

    st = threading.Thread(target=server)
    st.start()
    relay = subprocess.Popen([taddr if a == "TARGET" else a for a in cmd],
                             stdout=subprocess.PIPE, text=True)
    raddr = relay.stdout.readline().strip()
    host, port = raddr.rsplit(":", 1)
    c = socket.create_connection((host, int(port)))
    t = threading.Thread(target=send_file, args=(c, up))
    t.start()
    recv_all(c, got_down)
    t.join()
    c.close()
    st.join(60)
    try:
        rc = relay.wait(5)
    except subprocess.TimeoutExpired:
        # sockit relay is a server and stays; its data is what counts.
        relay.terminate()
        relay.wait(10)
        rc = 0
    ok = (rc == 0 and got_up and got_down and
          got_up[0] == (os.path.getsize(up), sha(up)) and
          got_down[0] == (os.path.getsize(down), sha(down)))
    print("%s: up %d bytes, down %d bytes, relay rc %d: %s" % (
        " ".join(cmd), got_up[0][0] if got_up else -1,
        got_down[0][0] if got_down else -1, rc, "OK" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
