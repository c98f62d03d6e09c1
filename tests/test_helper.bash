# Shared by every tests/*.bats: start real sockit servers on port 0 or a
# unix path in $BATS_TEST_TMPDIR, learn their address from --ready-fd
# (no sleeps, no fixed ports), and kill them by pid in teardown.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

SOCKIT=${SOCKIT:-$BATS_TEST_DIRNAME/../src/sockit}
T=$BATS_TEST_TMPDIR

# start_server NAME ARGS...
# Runs `sockit ARGS --ready-fd 4` in the background with stdin from
# $SERVER_STDIN (default /dev/null), stdout to $T/NAME.out and stderr to
# $T/NAME.err.  Sets ADDR (as the server wrote it), PORT (TCP) and PID.
start_server() {
	local name=$1 fifo
	shift
	fifo=$T/$name.ready
	rm -f "$fifo"
	mkfifo "$fifo"
	"$SOCKIT" "$@" --ready-fd 4 4>"$fifo" <"${SERVER_STDIN:-/dev/null}" \
		>"$T/$name.out" 2>"$T/$name.err" 3>&- &
	await_ready "$name" $!
}

# await_ready NAME PID: record PID for teardown and read the address the
# process writes to $T/NAME.ready once it listens (EOF if it died first).
await_ready() {
	PID=$2
	echo "$PID" >>"$T/pids"
	read -r ADDR <"$T/$1.ready" || true
	if [ -z "$ADDR" ]; then
		echo "$1 did not start:" >&2
		cat "$T/$1.err" >&2
		return 1
	fi
	PORT=${ADDR##*:}
}

# wait_exit PID [SECONDS]: wait for a background process and set STATUS;
# fail (instead of hanging the suite) if it outlives the limit.
wait_exit() {
	local pid=$1 limit=${2:-20} i=0
	while kill -0 "$pid" 2>/dev/null; do
		if [ $i -ge $((limit * 20)) ]; then
			echo "process $pid still running after ${limit}s" >&2
			return 1
		fi
		sleep 0.05
		i=$((i + 1))
	done
	# (a bare failing wait would end the test under bats' errexit)
	STATUS=0
	wait "$pid" || STATUS=$?
}

# wait_for 'CONDITION': poll a shell condition, evaluated afresh each
# time (so quote it), for a result that takes time to show, like a log
# line or output a server is still writing; 20 s at most.  With several
# arguments, they are run as one command.
wait_for() {
	local i=0
	until if [ $# -gt 1 ]; then "$@"; else eval "$1"; fi; do
		[ $i -lt 400 ] || { echo "timed out waiting for: $*" >&2; return 1; }
		sleep 0.05
		i=$((i + 1))
	done
}

kill_servers() {
	local pid
	[ -f "$T/pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$T/pids"
	while read -r pid; do
		wait "$pid" 2>/dev/null || true
	done <"$T/pids"
	rm -f "$T/pids"
}

# Paths a test made outside $BATS_TEST_TMPDIR, listed in $T/cleanup,
# go with it even when the test fails.
teardown() {
	kill_servers
	if [ -f "$T/cleanup" ]; then
		xargs -d '\n' rm -rf -- <"$T/cleanup"
	fi
}

# A file of N random bytes.
random_file() {
	head -c "$2" /dev/urandom >"$1"
}

# start_py NAME CODE [ARGS...]
# Runs python3 CODE as an independent peer.  The code gets a ready(addr)
# function that writes its address to the ready FIFO; stdout goes to
# $T/NAME.out.  Sets ADDR, PORT and PID like start_server.
start_py() {
	local name=$1 code=$2 fifo
	shift 2
	fifo=$T/$name.ready
	rm -f "$fifo"
	mkfifo "$fifo"
	python3 -c "
import os, sys, socket
def ready(addr):
    f = os.fdopen(4, 'w'); f.write(addr + '\n'); f.close()
def accept_one():
    # a TCP listener on 127.0.0.1, announced, and its first client
    l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(8)
    ready('127.0.0.1:%d' % l.getsockname()[1])
    return l.accept()[0]
$code" "$@" 4>"$fifo" </dev/null >"$T/$name.out" 2>"$T/$name.err" 3>&- &
	await_ready "$name" $!
}

# A port with nothing listening on it (bound, then closed).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# py ARGS... <<'EOF' ... EOF: run an inline python3 script with a few
# socket helpers in front of it.  ADDRs are as --ready-fd writes them.
PY_PRELUDE='
import hashlib, os, re, select, signal, socket, sys, threading, time

def sockaddr(addr):
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
    second = connect(addr)
    expect_closed(second, "second client")
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
'

py() {
	python3 -c "$PY_PRELUDE
$(cat)" "$@"
}
