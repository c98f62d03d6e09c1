# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""TLS load for bench/run, with Python's ssl.

tlsload.py handshake CAFILE ADDR N PROCS
    N new TLS connections (spread over PROCS processes), each with one
    64-byte exchange checked byte for byte; prints
    "conns=N errors=E conns_per_s=R".
tlsload.py hold CAFILE ADDR N
    N TLS connections, handshakes done and left idle; prints "held=N"
    once they are all up, and holds them until stdin ends.
"""
import multiprocessing, os, socket, ssl, sys, time

def context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False	# the server's name is not the point
    return ctx

def connect(ctx, addr):
    host, port = addr.rsplit(":", 1)
    raw = socket.create_connection((host.strip("[]"), int(port)), timeout=30)
    return ctx.wrap_socket(raw, server_hostname=host)

def exchanges(args):
    cafile, addr, n = args
    ctx = context(cafile)
    msg = os.urandom(64)
    errors = 0
    for _ in range(n):
        try:
            s = connect(ctx, addr)
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                b = s.recv(len(msg) - len(got))
                if not b:
                    break
                got += b
            if got != msg:
                errors += 1
            s.close()
        except (OSError, ssl.SSLError):
            errors += 1
    return errors

def handshake(cafile, addr, n, procs):
    share = [n // procs + (i < n % procs) for i in range(procs)]
    t0 = time.monotonic()
    with multiprocessing.Pool(procs) as pool:
        errors = sum(pool.map(exchanges, [(cafile, addr, k) for k in share]))
    dt = time.monotonic() - t0
    print("conns=%d errors=%d conns_per_s=%.1f" % (n, errors, n / dt))
    return 0 if errors == 0 else 1

def hold(cafile, addr, n):
    ctx = context(cafile)
    held = [connect(ctx, addr) for _ in range(n)]
    print("held=%d" % len(held), flush=True)
    sys.stdin.read()
    return 0

if __name__ == "__main__":
    mode, cafile, addr = sys.argv[1:4]
    if mode == "handshake":
        sys.exit(handshake(cafile, addr, int(sys.argv[4]), int(sys.argv[5])))
    sys.exit(hold(cafile, addr, int(sys.argv[4])))
