#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Datagrams (-u, udp:, unixgram:): send, listen, echo and relay with
# nc -u, socat UDP/UNIX-SENDTO/UNIX-RECVFROM and python3 peers.

load test_helper

bats_require_minimum_version 1.5.0

hex() {
	printf '%s' "$1" | od -An -tx1 | tr -d ' \n'
	echo
}

@test "send -u: one datagram per line, delimiter included, exact bytes" {
	PYTHONPATH=$PEERS start_py u udp_sink.py 3
	printf 'one\ntwo two\n\nlast' | timeout 20 "$SOCKIT" send -u "$ADDR"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	diff <(hex $'one\n'; hex $'two two\n'; hex $'\n') <(head -3 "$T/u.out")
}

@test "send with a udp: address and -d: the last message without its delimiter goes too" {
	PYTHONPATH=$PEERS start_py u udp_sink.py 3
	printf 'a;b;c' | timeout 20 "$SOCKIT" send -d ';' "udp:$ADDR"
	wait_exit "$PID"
	diff <(hex 'a;'; hex 'b;'; hex 'c') "$T/u.out"
}

@test "send -u -m: one datagram per message" {
	PYTHONPATH=$PEERS start_py u udp_sink.py 2
	timeout 20 "$SOCKIT" send -u -m hello -m world "$ADDR" </dev/null
	wait_exit "$PID"
	diff <(hex $'hello\n'; hex $'world\n') "$T/u.out"
}

@test "send -u -q: replies that come after the end of input are printed whole" {
	SOCKIT_TWICE=1 PYTHONPATH=$PEERS start_py u udp_sink.py 2
	printf 'x\ny\n' | timeout 20 "$SOCKIT" send -u -q 3 "$ADDR" >"$T/out" &
	local s=$!
	wait_for '[ "$(wc -l <"$T/out")" -eq 4 ]'
	[ "$(sort "$T/out" | uniq -c | awk '{print $1}' | sort -u)" = 2 ]
	grep -qx 'REPLY:x' "$T/out"
	grep -qx 'REPLY:y' "$T/out"
	wait_exit $s
	[ "$STATUS" -eq 0 ]
}

@test "send -u without -q exits at once at the end of input (a statsd one-shot)" {
	# A peer that never answers: no reply is waited for.
	python3 -c 'import socket,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1], flush=True); time.sleep(60)' >"$T/port" 3>&- &
	echo $! >>"$T/pids"
	wait_for '[ -s "$T/port" ]'
	# No time limit to assert: a send that waited would never log -q's end.
	run timeout 60 "$SOCKIT" send -u -vv -m 'gorets:1|c' 127.0.0.1 "$(cat "$T/port")"
	assert_success
	assert_output --partial 'end of input'
	refute_output --partial -- '-q ran out'
}

@test "send -u -v reports an ICMP port unreachable, and does not spin" {
	local port
	port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	run timeout 20 "$SOCKIT" send -u -v -q 1 -m a -m b -m c "127.0.0.1:$port"
	[ "$status" -eq 0 ]
	[[ $output == *"Connection refused"* ]]
}

@test "send -u waiting for replies uses no CPU" {
	PYTHONPATH=$PEERS start_py u udp_sink.py 1
	local peer=$PID
	mkfifo "$T/in"
	exec 5<>"$T/in"
	"$SOCKIT" send -u "$ADDR" <"$T/in" >"$T/out" 3>&- 5>&- &
	local pid=$!
	echo "$pid" >>"$T/pids"
	echo hi >&5
	# The reply is out: sockit is in its loop, waiting for more.
	wait_for 'grep -q REPLY:hi "$T/out"'
	wait_exit "$peer"
	local a b
	a=$(awk '{print $14 + $15}' /proc/$pid/stat)
	sleep 1
	b=$(awk '{print $14 + $15}' /proc/$pid/stat)
	kill -0 "$pid"
	[ $((b - a)) -le 5 ]
}

@test "listen -u -L: datagrams of several peers, each labelled with its sender" {
	start_server l listen -u -L 127.0.0.1:0
	printf 'from nc\n' | timeout 20 nc -u -q0 127.0.0.1 "$PORT"
	wait_for '[ "$(wc -l <"$T/l.out")" -ge 1 ]'
	printf 'from socat' | timeout 20 socat - "UDP:${ADDR#udp:}"
	wait_for '[ "$(wc -l <"$T/l.out")" -ge 2 ]'
	printf 'from sockit\n' | timeout 20 "$SOCKIT" send -u "$ADDR"
	wait_for '[ "$(wc -l <"$T/l.out")" -ge 3 ]'
	run cat "$T/l.out"
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[0]} =~ ^127\.0\.0\.1:[0-9]+\ from\ nc$ ]]
	[[ ${lines[1]} =~ ^127\.0\.0\.1:[0-9]+\ from\ socat$ ]]
	[[ ${lines[2]} =~ ^127\.0\.0\.1:[0-9]+\ from\ sockit$ ]]
}

@test "listen -u: stdin goes to every peer heard from; datagrams are written whole" {
	mkfifo "$T/in"
	exec 5<>"$T/in"
	SERVER_STDIN=$T/in start_server l listen -u 127.0.0.1:0
	py "$ADDR" "$T/l.out" 3>&- 5>&- <<'EOF' &
import sys, time
fam, sa = sockaddr(sys.argv[1])
a = socket.socket(fam, socket.SOCK_DGRAM); a.connect(sa); a.settimeout(20)
b = socket.socket(fam, socket.SOCK_DGRAM); b.connect(sa); b.settimeout(20)
a.send(b"A" * 30000 + b"\n")
b.send(b"B" * 20000 + b"\n")
open(sys.argv[2] + ".sent", "w").close()
for s in (a, b):
    d = s.recv(70000)
    if d != b"to all\n":
        fail("got %r" % d[:100])
print("both got it")
EOF
	local c=$!
	wait_for '[ -e "$T/l.out.sent" ] && [ "$(wc -c <"$T/l.out")" -eq 50002 ]'
	echo 'to all' >&5
	wait_exit $c
	[ "$STATUS" -eq 0 ]
	exec 5>&-
	[ "$(wc -l <"$T/l.out")" -eq 2 ]
	grep -qx "$(printf 'A%.0s' $(seq 30000))" "$T/l.out"
	grep -qx "$(printf 'B%.0s' $(seq 20000))" "$T/l.out"
}

@test "listen -u keeps 1024 peers at most; the one heard from least recently goes" {
	# Any source can be forged: 2049 of them must not all be kept (-i 0:
	# none is forgotten for being idle).
	start_server l listen -u -v -i 0 127.0.0.1:0
	run py "$ADDR" "$T/l.out" <<'EOF'
import sys
fam, sa = sockaddr(sys.argv[1])
def out(n):  # the datagrams so far are out: none was dropped
    end = time.time() + 60
    while sum(1 for _ in open(sys.argv[2])) < n:
        if time.time() > end: fail("fewer than %d lines out" % n)
        time.sleep(0.01)
a = socket.socket(fam, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
print(a.getsockname()[1], flush=True)
a.sendto(b"first\n", sa); out(1)
for i in range(2048):  # each from an address of its own
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("127.0.%d.%d" % (1 + i // 200, 1 + i % 200), 0))
    s.sendto(b"%d\n" % i, sa); s.close()
    if i % 32 == 31: out(2 + i)
a.sendto(b"again\n", sa); out(2050)
EOF
	assert_success
	local a=127.0.0.1:${lines[0]}
	# 2049 peers in a table of 1024: 1025 forgotten, and one more when
	# the first comes back; the first to go was the first heard.
	[ "$(grep -c 'forgotten for a new peer (1024 peers at most)' "$T/l.err")" -eq 1026 ]
	grep -m1 'forgotten for a new peer' "$T/l.err" | grep -qF "$a: forgotten"
	[ "$(grep -cxF "sockit: listen: datagram peer $a" "$T/l.err")" -eq 2 ]
}

@test "relay -u keeps 1024 sessions at most; the one heard from least recently goes" {
	start_server e echo -u 127.0.0.1:0
	local target=$ADDR
	start_server r relay -u -v -i 0 127.0.0.1:0 "$target"
	run py "$ADDR" <<'EOF'
import sys
fam, sa = sockaddr(sys.argv[1])
def echo(s, m):
    s.settimeout(20); s.sendto(m, sa)
    if s.recv(100) != m: fail("no echo of %r" % m)
a = socket.socket(fam, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
print(a.getsockname()[1], flush=True)
echo(a, b"first")
for i in range(1100):  # each from an address of its own
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("127.0.%d.%d" % (1 + i // 200, 1 + i % 200), 0))
    echo(s, b"%d" % i); s.close()
echo(a, b"again")
EOF
	assert_success
	local a=127.0.0.1:${lines[0]}
	grep -qF "$a: closed for a new session" "$T/r.err"
	[ "$(grep -cxF "sockit: relay: session for $a" "$T/r.err")" -eq 2 ]
}

@test "listen -u --once serves the first peer only; others are dropped and logged" {
	start_server l listen -u --once -v -L 127.0.0.1:0
	py "$ADDR" <<'EOF'
import sys
fam, sa = sockaddr(sys.argv[1])
a = socket.socket(fam, socket.SOCK_DGRAM); a.connect(sa)
b = socket.socket(fam, socket.SOCK_DGRAM); b.connect(sa)
a.send(b"first\n")
time.sleep(0.3)
b.send(b"second\n")
a.send(b"third\n")
EOF
	wait_for 'grep -q third "$T/l.out"'
	wait_for 'grep -q "dropped" "$T/l.err"'
	run ! grep -q second "$T/l.out"
	[ "$(wc -l <"$T/l.out")" -eq 2 ]
}

@test "echo -u: datagrams of 1 B to 60,000 B from several clients come back whole" {
	start_server e echo -u 127.0.0.1:0
	py "$ADDR" <<'EOF'
import sys, threading
fam, sa = sockaddr(sys.argv[1])
errors = []
def client(k):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(10)
    s.connect(sa)
    for n in (1, 2, 100, 1472, 1473, 8192, 30000, 60000):
        d = os.urandom(n)
        s.send(d)
        r = s.recv(70000)
        if r != d:
            errors.append("client %d: %d bytes sent, %d back" % (k, n, len(r)))
ts = [threading.Thread(target=client, args=(k,)) for k in range(4)]
for t in ts: t.start()
for t in ts: t.join()
if errors: fail("; ".join(errors))
EOF
}

@test "echo -u works for nc -u and socat UDP clients" {
	start_server e echo -u 127.0.0.1:0
	run timeout 5 socat -T 2 - "UDP:${ADDR#udp:}" <<<"via socat"
	[ "$output" = "via socat" ]
	run timeout 5 nc -u -w 1 127.0.0.1 "$PORT" <<<"via nc"
	[ "$output" = "via nc" ]
}

@test "echo -u: a flood from one peer does not starve another" {
	start_server e echo -u 127.0.0.1:0
	py "$ADDR" <<'EOF'
import sys, threading
fam, sa = sockaddr(sys.argv[1])
stop = False
def flood():
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect(sa)
    s.setblocking(False)
    while not stop:
        try:
            s.send(b"F" * 1000)
        except (BlockingIOError, ConnectionRefusedError):
            time.sleep(0.0005)
t = threading.Thread(target=flood); t.start()
time.sleep(0.3)
s = socket.socket(fam, socket.SOCK_DGRAM); s.connect(sa); s.settimeout(0.5)
got = 0
for i in range(20):
    for attempt in range(10):
        s.send(b"ping %d" % i)
        try:
            while True:
                r = s.recv(100)
                if r == b"ping %d" % i:
                    break
            got += 1
            break
        except socket.timeout:
            pass
stop = True; t.join()
if got != 20: fail("only %d of 20 answered" % got)
EOF
}

@test "relay -u: each of five clients gets only its own replies" {
	start_server e echo -u 127.0.0.1:0
	local target=$ADDR
	start_server r relay -u -v 127.0.0.1:0 "$target"
	py "$ADDR" <<'EOF'
import sys
fam, sa = sockaddr(sys.argv[1])
cs = []
for k in range(5):
    s = socket.socket(fam, socket.SOCK_DGRAM); s.connect(sa); s.settimeout(10)
    cs.append(s)
for round in range(10):
    for k, s in enumerate(cs):
        s.send(b"client %d round %d" % (k, round))
    for k, s in enumerate(cs):
        r = s.recv(100)
        if r != b"client %d round %d" % (k, round):
            fail("client %d got %r" % (k, r))
EOF
	[ "$(grep -c 'session for' "$T/r.err")" -eq 5 ]
}

@test "relay -u: a session ends after -i, and --max-conns caps sessions" {
	start_server e echo -u 127.0.0.1:0
	local target=$ADDR
	start_server r relay -u -v -i 300ms --max-conns 1 127.0.0.1:0 "$target"
	py "$ADDR" <<'EOF'
import sys
fam, sa = sockaddr(sys.argv[1])
a = socket.socket(fam, socket.SOCK_DGRAM); a.connect(sa); a.settimeout(5)
b = socket.socket(fam, socket.SOCK_DGRAM); b.connect(sa); b.settimeout(1)
a.send(b"a"); assert a.recv(10) == b"a"
b.send(b"b")
try:
    fail("b got %r past --max-conns" % b.recv(10))
except socket.timeout:
    pass
time.sleep(1)          # a's session is idle past -i: b may have one now
b.settimeout(5)
b.send(b"b2"); r = b.recv(10)
if r != b"b2": fail("b got %r" % r)
EOF
	grep -q 'sessions already (--max-conns)' "$T/r.err"
	grep -q 'closed: 1 datagrams' "$T/r.err"
}

@test "relay: a datagram side and a stream side is a usage error" {
	run "$SOCKIT" relay udp:127.0.0.1:0 127.0.0.1:80
	[ "$status" -eq 2 ]
	[[ $output == *"both or neither must be datagrams"* ]]
	run "$SOCKIT" relay 127.0.0.1:0 unixgram:/tmp/x
	[ "$status" -eq 2 ]
}

@test "unixgram: echo to a bound socat client and to send -u -U" {
	start_server e echo "unixgram:$T/e.sock"
	[ "$ADDR" = "unixgram:$T/e.sock" ]
	[ -S "$T/e.sock" ]
	run timeout 5 socat -T 2 - "UNIX-SENDTO:$T/e.sock,bind=$T/c.sock" <<<"bound client"
	[ "$output" = "bound client" ]
	run timeout 5 "$SOCKIT" send -u -U -q 2 "$T/e.sock" <<<"autobound"
	[ "$status" -eq 0 ]
	[ "$output" = "autobound" ]
}

@test "unixgram: a datagram too large for the buffer is dropped and logged, never cut" {
	start_server e echo -v -u -U "$T/e.sock"
	py "$T/e.sock" <<'EOF'
import sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
s.bind(""); s.connect(sys.argv[1]); s.settimeout(10)
s.send(b"x" * 100000)
s.send(b"small")
r = s.recv(200000)
if r != b"small": fail("got %d bytes" % len(r))
EOF
	grep -q 'larger than 65536 bytes: dropped' "$T/e.err"
}

@test "unixgram: listen hears socat UNIX-SENDTO; the file goes on SIGTERM" {
	start_server l listen -u -U "$T/l.sock"
	[ -S "$T/l.sock" ]
	timeout 5 socat - "UNIX-SENDTO:$T/l.sock" <<<"to the log"
	wait_for 'grep -q "to the log" "$T/l.out"'
	kill -TERM "$PID"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ ! -e "$T/l.sock" ]
}

@test "unixgram: listen ends each of logger's datagrams with a newline" {
	# logger -u sends one datagram per message, with no newline.
	start_server l listen -u -U "$T/log.sock"
	timeout 10 logger -u "$T/log.sock" hi1
	timeout 10 logger -u "$T/log.sock" hi2
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 2 ]'
	[[ $(sed -n 1p "$T/l.out") == *' hi1' ]]
	[[ $(sed -n 2p "$T/l.out") == *' hi2' ]]
}

@test "listen -u: a datagram without a delimiter gets one; one with keeps its own" {
	start_server l listen -u -d ';' 127.0.0.1:0
	py "$ADDR" <<'EOF'
import sys
fam, sa = sockaddr(sys.argv[1])
a = socket.socket(fam, socket.SOCK_DGRAM); a.connect(sa)
for m in (b"one", b"two;", b"", b"three\n"):
    a.send(m)
EOF
	wait_for '[ "$(tr -cd ";" <"$T/l.out" | wc -c)" -eq 4 ]'
	[ "$(cat "$T/l.out")" = $'one;two;;three\n;' ]
}

@test "unixgram: listen -L names an unbound sender by its pid (python, logger)" {
	start_server l listen -u -L -U "$T/l.sock"
	run py "$T/l.sock" <<'EOF'
import sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # never bound
s.sendto(b"from python\n", sys.argv[1])
print(os.getpid())
EOF
	assert_success
	wait_for 'grep -q "from python" "$T/l.out"'
	grep -qx "unix:${lines[0]} from python" "$T/l.out"
	timeout 10 logger -u "$T/l.sock" from logger
	wait_for 'grep -q "from logger" "$T/l.out"'
	grep -Eq '^unix:[0-9]+ .*from logger$' "$T/l.out"
}

@test "unixgram: send -u to socat UNIX-RECVFROM gets its reply" {
	socat "UNIX-RECVFROM:$T/s.sock" SYSTEM:'read l; echo "reply to $l"' 3>&- &
	echo $! >>"$T/pids"
	wait_for '[ -S "$T/s.sock" ]'
	run timeout 10 "$SOCKIT" send -q 3 "unixgram:$T/s.sock" <<<"request"
	[ "$status" -eq 0 ]
	[ "$output" = "reply to request" ]
}

@test "unixgram: a stale socket file is replaced, a live one refused, a file never removed" {
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind(sys.argv[1])' "$T/stale.sock"
	[ -S "$T/stale.sock" ]
	start_server e echo -u -U "$T/stale.sock"
	[ "$ADDR" = "unixgram:$T/stale.sock" ]
	run "$SOCKIT" echo -u -U "$T/stale.sock"
	[ "$status" -eq 1 ]
	[[ $output == *"in use by a running server"* ]]
	[ -S "$T/stale.sock" ]
	echo keep >"$T/file"
	run "$SOCKIT" listen -u -U "$T/file"
	[ "$status" -eq 1 ]
	[[ $output == *"not a socket"* ]]
	[ "$(cat "$T/file")" = keep ]
}

@test "bad datagram addresses and options are usage errors" {
	run "$SOCKIT" send udp:nohost
	[ "$status" -eq 2 ]
	[[ ${lines[1]} == "Try 'sockit send --help'." ]]
	run "$SOCKIT" send -u tcp:127.0.0.1:9
	[ "$status" -eq 2 ]
	run "$SOCKIT" listen unixgram:
	[ "$status" -eq 2 ]
	run "$SOCKIT" send udp4:[::1]:9
	[ "$status" -eq 2 ]
	run "$SOCKIT" echo -u --allow-uid 0 -U "$T/x.sock"
	[ "$status" -eq 2 ]
	run "$SOCKIT" clock -u 9000
	[ "$status" -eq 2 ]
	run "$SOCKIT" clock udp:127.0.0.1:0
	[ "$status" -eq 2 ]
	[[ $output == *"clock does not take a UDP address"* ]]
}

@test "unixgram: relay -u between unix datagram sockets; its file goes on SIGTERM" {
	start_server e echo -u -U "$T/e.sock"
	start_server r relay -u -U "$T/r.sock" "$T/e.sock"
	local rpid=$PID
	run timeout 10 "$SOCKIT" send -u -U -q 2 "$T/r.sock" <<<"through"
	[ "$status" -eq 0 ]
	[ "$output" = "through" ]
	kill -TERM "$rpid"
	wait_exit "$rpid"
	[ "$STATUS" -eq 0 ]
	[ ! -e "$T/r.sock" ]
	[ -S "$T/e.sock" ]
}

@test "listen -u --max-conns caps the peers heard; one forgotten after -i makes room" {
	start_server l listen -u -v -L -i 1s --max-conns 1 127.0.0.1:0
	py "$ADDR" <<'EOF2'
import sys
fam, sa = sockaddr(sys.argv[1])
a = socket.socket(fam, socket.SOCK_DGRAM); a.connect(sa)
b = socket.socket(fam, socket.SOCK_DGRAM); b.connect(sa)
a.send(b"a1\n")
b.send(b"b1\n")
time.sleep(2.5)
b.send(b"b2\n")
EOF2
	wait_for 'grep -q b2 "$T/l.out"'
	grep -q 'a1' "$T/l.out"
	run ! grep -q 'b1' "$T/l.out"
	grep -q 'peers already (--max-conns): dropped' "$T/l.err"
	grep -q 'forgotten after 1000 ms' "$T/l.err"
}

@test "send -z refuses datagrams: UDP cannot be probed" {
	run "$SOCKIT" send -z -u 127.0.0.1:9
	assert_failure 2
	assert_output --partial "-z is for streams"
	run "$SOCKIT" send -z udp:127.0.0.1:9
	assert_failure 2
	assert_output --partial "cannot be probed"
}
