# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""many_clients.py ADDR N MIN MAX: N clients of an echo server, all from
this one process with non-blocking sockets.  Each connects, sends one
line and waits for it to come back (served) or for the server to close
it at once, EOF or reset (refused); at most 100 wait at a time.  The
served ones stay open, so at the end they are all connected at once,
and then each must get a second line echoed.  Between MIN and MAX must
have been served; a client that gets anything but its exact echo, or
neither echo nor close, fails the run.  Prints "served S refused R".
"""
import errno, selectors, socket, sys, time

from sockpeer import sockaddr

addr, n, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fam, sa = sockaddr(addr)
sel = selectors.DefaultSelector()
deadline = time.monotonic() + 30


class Client:
    def __init__(self, i):
        self.i = i
        self.s = socket.socket(fam, socket.SOCK_STREAM)
        self.s.setblocking(False)
        err = self.s.connect_ex(sa)
        if err not in (0, errno.EINPROGRESS):
            raise SystemExit("client %d: connect: %s" % (i, errno.errorcode[err]))
        self.want = b""
        self.got = b""
        self.sent = False

    def ask(self, word):
        self.want = b"%s %d\n" % (word, self.i)
        self.got = b""
        self.sent = False


def run(clients, word):
    """Send each its line and wait for the echo or the close; returns
    the served ones.  At most 100 clients in flight."""
    todo, served, busy = list(clients), [], 0
    while todo or busy:
        while todo and busy < 100:
            c = todo.pop()
            if c is None:
                continue
            c.ask(word)
            sel.register(c.s, selectors.EVENT_WRITE, c)
            busy += 1
        if time.monotonic() > deadline:
            raise SystemExit("%d clients still waiting after 30 s" % busy)
        for key, ev in sel.select(5):
            c = key.data
            done, ok = False, False
            try:
                if not c.sent:
                    err = c.s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise OSError(err, errno.errorcode[err])
                    c.s.sendall(c.want)     # a few bytes: fits at once
                    c.sent = True
                    sel.modify(c.s, selectors.EVENT_READ, c)
                    continue
                b = c.s.recv(100)
                if not b:
                    done = True
                else:
                    c.got += b
                    done = ok = c.got == c.want
                    if not c.want.startswith(c.got):
                        raise SystemExit("client %d got %r" % (c.i, c.got))
            except (ConnectionResetError, BrokenPipeError):
                done = True
            except OSError as e:
                if e.errno not in (errno.ECONNRESET, errno.EPIPE):
                    raise
                done = True
            if not done:
                continue
            sel.unregister(c.s)
            busy -= 1
            if ok:
                served.append(c)
            elif c.got:
                raise SystemExit("client %d: %r, then closed" % (c.i, c.got))
            else:
                c.s.close()
    return served


clients = [Client(i) for i in range(n)]
served = run(clients, b"hello")
print("served %d refused %d" % (len(served), n - len(served)))
if not lo <= len(served) <= hi:
    raise SystemExit("served %d, want %d..%d" % (len(served), lo, hi))
# all the served ones are open now: each is still served
again = run(served, b"again")
if len(again) != len(served):
    raise SystemExit("only %d of the %d served clients echoed again"
                     % (len(again), len(served)))
