# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""Socket helpers shared by the python3 peers of the sockit tests.

Peers in this directory import it (`from sockpeer import *`); so do the
inline scripts the `py` helper of tests/test_helper.bash runs.  ADDRs
are as sockit --ready-fd writes them: HOST:PORT, [V6]:PORT, a unix path
(optionally unix:) or @abstract, after tls:, udp: or unixgram: when the
server speaks TLS or datagrams (the caller picks the socket type).
"""
import hashlib, os, re, select, signal, socket, sys, threading, time

def sockaddr(addr):
    for layer in ("tls:", "udp:", "unixgram:"):
        if addr.startswith(layer):
            addr = addr[len(layer):]
    if addr.startswith("unix:"):
        addr = addr[5:]
    if addr.startswith("@"):
        return socket.AF_UNIX, "\0" + addr[1:]
    if "/" in addr:
        return socket.AF_UNIX, addr
    host, port = addr.rsplit(":", 1)
    host = host.strip("[]")
    return (socket.AF_INET6 if ":" in host else socket.AF_INET), (host, int(port))

def connect(addr, timeout=10):
    fam, sa = sockaddr(addr)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(sa)
    return s

def recv_all(s):
    out = []
    while True:
        b = s.recv(65536)
        if not b:
            return b"".join(out)
        out.append(b)

def recv_exactly(s, n):
    out = b""
    while len(out) < n:
        b = s.recv(n - len(out))
        if not b:
            break
        out += b
    return out

def nothing_within(s, seconds):
    """True if no byte (and no EOF) arrives for that long."""
    old = s.gettimeout()
    s.settimeout(seconds)
    try:
        b = s.recv(65536)
    except socket.timeout:
        return True
    finally:
        s.settimeout(old)
    print("unexpected:", b[:100], file=sys.stderr)
    return False

def expect_closed(s, what="client"):
    """The server closes s (EOF or reset) without sending anything."""
    try:
        b = s.recv(100)
    except ConnectionResetError:
        b = b""
    except socket.timeout:
        fail(what + " was not closed")
    if b != b"":
        fail("%s got %r" % (what, b))

def connect_closed(addr, what="client"):
    """Connect a client that the server refuses: it is closed at once,
    with EOF or a reset, and a reset may come before connect() returns.
    Returns the socket (its getsockname() names the client)."""
    fam, sa = sockaddr(addr)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(sa)
    except ConnectionResetError:
        return s
    expect_closed(s, what)
    return s

def ftp_session(port, login=True):
    """An ftplib session with the ftp server on 127.0.0.1:port, logged
    in anonymously unless login is False."""
    import ftplib
    f = ftplib.FTP()
    f.connect("127.0.0.1", port, timeout=20)
    if login:
        f.login()
    return f

def unverified_tls():
    """A TLS client context that takes any certificate (the servers
    here make their own with --self-signed)."""
    import ssl
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx

def ftps_session(port):
    """An ftplib FTP_TLS session with the ftp server on 127.0.0.1:port,
    after AUTH TLS and an anonymous login."""
    import ftplib
    f = ftplib.FTP_TLS(context=unverified_tls())
    f.connect("127.0.0.1", port, timeout=20)
    f.login()
    return f

def ftp_refused(f, cmds, code):
    """Each of cmds, sent on ftplib session f, must be answered with an
    error reply starting with code."""
    import ftplib
    for cmd in cmds:
        try:
            f.sendcmd(cmd)
        except ftplib.Error as e:
            assert str(e).startswith(code), (cmd, str(e))
            continue
        raise AssertionError("answered: " + cmd)

def roundtrip(addr, data):
    """Send data, half-close, and return all that comes back."""
    s = connect(addr)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    return recv_all(s)

def check_max_conns_one(addr):
    """With --max-conns 1 before an echo: a second client is closed at
    once, the first is still served, and the slot is free again after
    the first leaves.  Returns the port of the second client."""
    first = connect(addr)
    first.sendall(b"one\n")
    if recv_exactly(first, 4) != b"one\n":
        fail("first client not served")
    second = connect_closed(addr, "second client")
    first.sendall(b"two\n")
    if recv_exactly(first, 4) != b"two\n":
        fail("first client not served after the second was closed")
    first.shutdown(socket.SHUT_WR)
    if recv_all(first) != b"":
        fail("first client: extra bytes")
    first.close()
    third = connect(addr)
    third.sendall(b"three\n")
    third.shutdown(socket.SHUT_WR)
    if recv_all(third) != b"three\n":
        fail("third client not served")
    return second.getsockname()[1]

def check_resets_harmless(addr):
    """Before an echo: five clients that send and reset (RST) neither
    stop the server nor disturb a steady client, and a fresh one is
    served afterwards."""
    import struct
    steady = connect(addr)
    steady.sendall(b"first\n")
    if recv_exactly(steady, 6) != b"first\n":
        fail("no echo")
    for i in range(5):
        c = connect(addr)
        c.sendall(os.urandom(200000))          # never read
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        c.close()                              # RST
    steady.sendall(b"second\n")
    if recv_exactly(steady, 7) != b"second\n":
        fail("steady client disturbed")
    steady.shutdown(socket.SHUT_WR)
    if recv_all(steady) != b"":
        fail("extra bytes")
    fresh = connect(addr)
    fresh.sendall(b"fresh\n")
    fresh.shutdown(socket.SHUT_WR)
    if recv_all(fresh) != b"fresh\n":
        fail("fresh client not served")

def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

def ready(addr):
    """Announce a peer server's address on fd 4 (the ready FIFO that
    start_py in test_helper.bash reads)."""
    f = os.fdopen(4, "w")
    f.write(addr + "\n")
    f.close()

def accept_one():
    """A TCP listener on 127.0.0.1, announced, and its first client."""
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen(8)
    ready("127.0.0.1:%d" % l.getsockname()[1])
    return l.accept()[0]

class Lines:
    """Read delimiter-ended ticks from a socket, each with its arrival time."""
    def __init__(self, s, delim=b"\n"):
        self.s, self.delim, self.buf = s, delim, b""
    def next(self):
        while self.delim not in self.buf:
            b = self.s.recv(65536)
            if not b:
                raise EOFError(self.buf)
            self.buf += b
        t = time.time()
        line, self.buf = self.buf.split(self.delim, 1)
        return line, t
