# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""broadcast.py ADDR ERRLOG SEED: check sockit listen's broadcast of its
stdin, which is the FIFO open on fd 5 here (nobody else writes it).
ERRLOG is listen's -v log, which says when a client is taken in.

A slow reader (a tiny receive buffer, reading in small steps) and a
client that quits after 300 KB are there from the start; a late joiner
comes once the first half of stdin is written, and is taken in before
the second half is.  The slow reader must get every byte in order, the
quitter an exact prefix, the late joiner an exact suffix that holds at
least the whole second half (a contiguous tail: no gap, no repeat).
"""
import random, socket, sys, threading, time

from sockpeer import connect

N = 4 * 1024 * 1024
QUIT_AFTER = 300000


def wait_clients(log, n):
    deadline = time.monotonic() + 20
    while open(log).read().count("connection from") < n:
        if time.monotonic() > deadline:
            raise SystemExit("listen did not take in %d clients" % n)
        time.sleep(0.02)


def reader(s, got, stop, pause=0, step=65536):
    try:
        while not stop(got):
            b = s.recv(step)
            if not b:
                break
            got += b
            if pause:
                time.sleep(pause)
    except OSError as e:
        print("reader:", e, file=sys.stderr)
    s.close()


def main():
    addr, log, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    stream = random.Random(seed).randbytes(N)
    half = N // 2

    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    fam, sa = __import__("sockpeer").sockaddr(addr)
    slow.settimeout(20)
    slow.connect(sa)
    quitter = connect(addr, 20)
    wait_clients(log, 2)

    got = {"slow": bytearray(), "quit": bytearray(), "late": bytearray()}
    ts = [threading.Thread(target=reader, args=(
              slow, got["slow"], lambda g: len(g) >= N, 0.001, 16384)),
          threading.Thread(target=reader, args=(
              quitter, got["quit"], lambda g: len(g) >= QUIT_AFTER))]
    for t in ts:
        t.start()
    with open(5, "wb", closefd=False) as stdin:
        stdin.write(stream[:half])
        stdin.flush()
        late = connect(addr, 20)
        wait_clients(log, 3)
        tail = stream[-64:]
        ts.append(threading.Thread(target=reader, args=(
            late, got["late"], lambda g: g[-64:] == tail)))
        ts[-1].start()
        stdin.write(stream[half:])
        stdin.flush()
    for t in ts:
        t.join(60)

    bad = []
    if got["slow"] != stream:
        bad.append("slow reader: %d bytes, want all %d in order"
                   % (len(got["slow"]), N))
    q = got["quit"]
    if len(q) < QUIT_AFTER or q != stream[:len(q)]:
        bad.append("quitter: %d bytes, not an exact prefix" % len(q))
    l = got["late"]
    if len(l) < N - half or l != stream[N - len(l):]:
        bad.append("late joiner: %d bytes, not an exact tail of at least %d"
                   % (len(l), N - half))
    if bad:
        print("\n".join(bad) + "\nseed %d" % seed, file=sys.stderr)
        sys.exit(1)


main()
