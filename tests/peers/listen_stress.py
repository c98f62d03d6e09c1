# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""listen_stress.py SEED DELIM CLIENTS MESSAGES SERVER...

Randomized interleaving stress of sockit listen.  SERVER is
ADDR,OUTFILE,LABEL,OUTDELIM: a listen started with -d DELIM (LABEL 1:
with -L; OUTDELIM: its --output-delimiter, or empty for none) whose
stdout goes to OUTFILE.  DELIM and OUTDELIM are in sockit's escapes.

Against every server at once, CLIENTS clients each send MESSAGES
messages (random bytes, never the delimiters, under 256 KiB, each
starting with a header naming its client and number); each client's
stream is cut in pieces of 1 byte to 300 KB, all sent round-robin from
one thread with non-blocking sockets, so no client stalls mid-message.
Then each OUTFILE is parsed back into messages: every message must be
there whole, byte-exact, exactly once, in its client's order, and with
-L after its client's label.  Any failure prints the seed.
"""
import random, selectors, socket, sys, time

from sockpeer import connect

MAX_MSG = 200000        # under listen's 256 KiB buffer: never cut
MAX_PIECE = 300000


def unescape(s):
    """sockit's delimiter escapes: \\n \\r \\t \\0 \\\\ \\xHH."""
    out, i = bytearray(), 0
    simple = {"n": 10, "r": 13, "t": 9, "0": 0, "\\": 92}
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            c = s[i + 1]
            if c in simple:
                out.append(simple[c]); i += 2; continue
            if c == "x":
                out.append(int(s[i + 2:i + 4], 16)); i += 4; continue
        out += s[i].encode(); i += 1
    return bytes(out)


def body(rng, n, avoid):
    """n random bytes, biased towards the delimiters' own bytes so that
    partial delimiters turn up, with no whole delimiter inside."""
    pool = bytes(set(b"".join(avoid))) * 8 + bytes(range(256))
    b = bytearray(rng.choices(pool, k=n)) if n < 4096 else \
        bytearray(rng.randbytes(n - 64) + bytes(rng.choices(pool, k=64)))
    # and whole delimiters but their last or first byte, now and then
    for d in avoid:
        if len(d) > 1 and n > len(d):
            for _ in range(rng.randint(0, 3)):
                at = rng.randrange(n - len(d))
                cut = d[:-1] if rng.random() < 0.5 else d[1:]
                b[at:at + len(cut)] = cut
    b = bytes(b)
    while any(d in b for d in avoid):
        for d in avoid:
            b = b.replace(d, b"x")      # x is in no delimiter used
    return b


def msg_size(rng):
    r = rng.random()
    if r < 0.6:
        return rng.randint(0, 100)
    if r < 0.9:
        return rng.randint(100, 8000)
    return rng.randint(8000, MAX_MSG - 100)


def piece_size(rng):
    # log-uniform over 1 .. 300 KB: many tiny pieces, some huge
    return min(MAX_PIECE, int(2 ** rng.uniform(0, 18.2)))


class Client:
    def __init__(self, srv, ci, rng, delim, avoid, nmsg):
        self.srv, self.ci = srv, ci
        self.msgs = []
        for mi in range(nmsg):
            head = b"<c%d.m%d>" % (ci, mi)
            self.msgs.append(head + body(rng, msg_size(rng), avoid))
        stream = b"".join(m + delim for m in self.msgs)
        self.pieces, i = [], 0
        while i < len(stream):
            n = piece_size(rng)
            self.pieces.append(stream[i:i + n])
            i += n
        self.sock = connect(srv["addr"])
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.label = b"127.0.0.1:%d " % self.sock.getsockname()[1]
        self.off = 0


def send_all(clients):
    """Round-robin: one piece (or what of it fits) per writable client."""
    sel = selectors.DefaultSelector()
    for c in clients:
        sel.register(c.sock, selectors.EVENT_WRITE, c)
    left = len(clients)
    deadline = time.monotonic() + 60
    while left:
        if time.monotonic() > deadline:
            raise SystemExit("clients could not send within 60 s")
        for key, _ in sel.select(5):
            c = key.data
            p = c.pieces[0]
            c.off += c.sock.send(p[c.off:])
            if c.off == len(p):
                c.pieces.pop(0)
                c.off = 0
            if not c.pieces:
                sel.unregister(c.sock)
                c.sock.close()
                left -= 1


def check(srv, clients, delim):
    out_delim = srv["outdelim"] or delim
    want = sum(len(m) + len(out_delim) + (len(c.label) if srv["label"] else 0)
               for c in clients for m in c.msgs)
    # listen writes the last messages after the clients close: wait for
    # the whole size (more is a failure at once)
    deadline = time.monotonic() + 30
    while True:
        with open(srv["out"], "rb") as f:
            data = f.read()
        if len(data) >= want or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if len(data) != want:
        return "%s: %d bytes of output, want %d" % (srv["out"], len(data), want)
    parts = data.split(out_delim)
    if parts[-1] != b"":
        return "%s: output does not end with the delimiter" % srv["out"]
    by_label = {c.label: c for c in clients}
    nxt = {c.ci: 0 for c in clients}
    for n, p in enumerate(parts[:-1]):
        if srv["label"]:
            sp = p.find(b" ")
            c = by_label.get(p[:sp + 1])
            if c is None:
                return "%s: message %d: no client's label: %r" % (
                    srv["out"], n, p[:40])
            p = p[sp + 1:]
        head = p[:p.find(b">") + 1]
        try:
            ci, mi = (int(x[1:]) for x in head[1:-1].split(b"."))
        except ValueError:
            return "%s: message %d: no header: %r" % (srv["out"], n, p[:40])
        if srv["label"] and c.ci != ci:
            return "%s: message %d of client %d under the label of %d" % (
                srv["out"], n, ci, c.ci)
        if not 0 <= ci < len(clients):
            return "%s: message %d: no such client: %r" % (srv["out"], n, head)
        cl = clients[ci]
        if mi != nxt[ci]:
            return "%s: client %d: message %d where %d was due" % (
                srv["out"], ci, mi, nxt[ci])
        if p != cl.msgs[mi]:
            return "%s: client %d message %d: %d bytes, want %d (%r...)" % (
                srv["out"], ci, mi, len(p), len(cl.msgs[mi]), p[:40])
        nxt[ci] += 1
    for c in clients:
        if nxt[c.ci] != len(c.msgs):
            return "%s: client %d: %d of %d messages" % (
                srv["out"], c.ci, nxt[c.ci], len(c.msgs))
    return None


def main():
    seed, delim = int(sys.argv[1]), unescape(sys.argv[2])
    nclients, nmsg = int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    servers, everyone = [], []
    for spec in sys.argv[5:]:
        addr, out, label, od = spec.split(",", 3)
        srv = {"addr": addr, "out": out, "label": label == "1",
               "outdelim": unescape(od)}
        avoid = [delim] + ([srv["outdelim"]] if srv["outdelim"] else [])
        srv["clients"] = [Client(srv, i, rng, delim, avoid, nmsg)
                          for i in range(nclients)]
        servers.append(srv)
        everyone += srv["clients"]
    send_all(everyone)
    errors = [e for e in (check(s, s["clients"], delim) for s in servers) if e]
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print("seed %d (STRESS_SEED=%d to repeat)" % (seed, seed),
              file=sys.stderr)
        sys.exit(1)


main()
