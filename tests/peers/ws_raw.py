# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A WebSocket client on a raw socket, to send what no library sends.

  ws_raw.py ADDR CASE

Does the opening handshake with the server at ADDR (ws://HOST:PORT/),
then sends the frame of CASE and prints the close code the server
answers with ("close 1002"), "data N" if it answers with a message
of N bytes instead, or "eof" if it closed with neither.
CASEs: unmasked, bigping (a ping of 126 bytes), rsv (a reserved bit
set), huge (a length of 2^63), toolong N (a binary message of N bytes,
masked), badutf8 (a text frame that is not UTF-8)."""
import base64, os, socket, struct, sys

def frame(op, payload, mask=True, fin=True, rsv=0, length=None):
    n = len(payload) if length is None else length
    h = bytes([(0x80 if fin else 0) | rsv | op])
    m = 0x80 if mask else 0
    if n < 126:
        h += bytes([m | n])
    elif n < 65536:
        h += bytes([m | 126]) + struct.pack("!H", n)
    else:
        h += bytes([m | 127]) + struct.pack("!Q", n)
    if not mask:
        return h + payload
    key = os.urandom(4)
    return h + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))

def recv_exactly(s, n):
    out = b""
    while len(out) < n:
        b = s.recv(n - len(out))
        if not b:
            return None
        out += b
    return out

def main():
    hostport = sys.argv[1].split("//", 1)[1].split("/", 1)[0]
    host, port = hostport.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET / HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n" % (hostport, key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    case = sys.argv[2]
    if case == "unmasked":
        s.sendall(frame(2, b"hello", mask=False))
    elif case == "bigping":
        s.sendall(frame(9, b"x" * 126))
    elif case == "rsv":
        s.sendall(frame(2, b"hello", rsv=0x40))
    elif case == "huge":
        s.sendall(frame(2, b"", length=1 << 63)[:10] + os.urandom(4))
    elif case == "toolong":
        s.sendall(frame(2, b"y" * int(sys.argv[3])))
    elif case == "badutf8":
        s.sendall(frame(1, b"\xff\xfe"))
    while True:
        h = recv_exactly(s, 2)
        if h is None:
            print("eof")
            return
        n = h[1] & 0x7f
        if n == 126:
            n = struct.unpack("!H", recv_exactly(s, 2))[0]
        elif n == 127:
            n = struct.unpack("!Q", recv_exactly(s, 8))[0]
        body = recv_exactly(s, n)
        if h[0] & 0x0f == 8:
            print("close", struct.unpack("!H", body[:2])[0])
        else:
            print("data", n)
        return

main()
