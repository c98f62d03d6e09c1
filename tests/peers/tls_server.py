# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A TLS server on 127.0.0.1 for one client, with Python's ssl.

tls_server.py CERT KEY MODE [ALPN]:
  halfclose  read to the client's close_notify, then answer with
             "got N bytes\\n" and end with a close_notify of our own
  truncate   send "partial" and close the TCP connection without a
             close_notify
  echo       echo until the client's close_notify, then end cleanly
Prints the negotiated ALPN protocol (or "none") on stdout.
"""
import socket, ssl, sys
from sockpeer import ready

cert, key, mode = sys.argv[1:4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if len(sys.argv) > 4:
    ctx.set_alpn_protocols(sys.argv[4].split(","))
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(8)
ready("127.0.0.1:%d" % l.getsockname()[1])
raw, _ = l.accept()
raw.settimeout(20)
c = ctx.wrap_socket(raw, server_side=True, suppress_ragged_eofs=False)
print(c.selected_alpn_protocol() or "none", flush=True)
if mode == "truncate":
    c.sendall(b"partial")
    c.shutdown(socket.SHUT_RDWR)   # the TCP connection only
    c.close()
    sys.exit(0)
n = 0
while True:
    b = c.recv(65536)
    if not b:
        break
    n += len(b)
    if mode == "echo":
        c.sendall(b)
if mode == "halfclose":
    c.sendall(b"got %d bytes\n" % n)
c.unwrap()
c.close()
