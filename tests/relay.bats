#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit relay: byte-exact forwarding between any mix of TCP, unix paths
# and abstract names, half-closes both ways, unreachable targets, logs,
# limits and usage errors.  Targets are sockit echo or python3 servers
# (tests/peers); clients are nc, socat and inline python3.

load test_helper

bats_require_minimum_version 1.5.0


# A python3 target on unix PATH that reads each client to EOF and only
# then answers with the sha256 (hex) of what it got and a newline.
start_sha_target() {
	start_py sha sha_target.py "$1"
}

@test "relay TCP to TCP: 8 MiB through relay and sockit echo come back byte-exact (sha256)" {
	start_server e echo 127.0.0.1:0
	local target=$ADDR
	start_server r relay 127.0.0.1:0 "$target"
	[[ $ADDR =~ ^127\.0\.0\.1:[0-9]+$ ]]
	random_file "$T/in" $((8 * 1024 * 1024))
	timeout 30 nc -N 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	sha256sum <"$T/out" >"$T/got"
	sha256sum <"$T/in" >"$T/want"
	cmp "$T/want" "$T/got"
}

@test "relay TCP to a unix path: 1 MiB byte-exact" {
	start_server e echo "unix:$T/e.sock"
	start_server r relay 127.0.0.1:0 "unix:$T/e.sock"
	random_file "$T/in" 1048576
	timeout 20 nc -N 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "relay from a unix path to TCP: 1 MiB byte-exact (socat client)" {
	start_server e echo 127.0.0.1:0
	start_server r relay "unix:$T/r.sock" "$ADDR"
	[ "$ADDR" = "unix:$T/r.sock" ]
	[ -S "$T/r.sock" ]
	random_file "$T/in" 1048576
	timeout 20 socat -t 20 - "UNIX-CONNECT:$T/r.sock" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "relay -U takes both arguments as unix paths" {
	cd "$T"
	start_server e echo -U e.sock
	start_server r relay -U r.sock e.sock
	[ "$ADDR" = "unix:r.sock" ]
	random_file "$T/in" 100000
	timeout 20 socat -t 20 - "UNIX-CONNECT:$T/r.sock" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "relay to an abstract target, and from an abstract listener" {
	local name=sockit-test-$$-$BATS_TEST_NUMBER
	start_server e echo "@$name-e"
	start_server r relay 127.0.0.1:0 "@$name-e"
	random_file "$T/in" 300000
	timeout 20 nc -N 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
	start_server r2 relay "@$name-r" "@$name-e"
	[ "$ADDR" = "@$name-r" ]
	timeout 20 socat -t 20 - "ABSTRACT-CONNECT:$name-r" <"$T/in" >"$T/out2"
	cmp "$T/in" "$T/out2"
}

@test "relay passes a client's half-close on: the echo behind it still sends everything back" {
	start_server e echo 127.0.0.1:0
	start_server r relay 127.0.0.1:0 "$ADDR"
	run py "$ADDR" <<'EOF'
data = os.urandom(300000)
got = roundtrip(sys.argv[1], data)
print("ok" if got == data else "got %d of %d bytes" % (len(got), len(data)))
EOF
	assert_success
	assert_output "ok"
}

@test "relay passes a client's half-close on to a target that answers only at EOF" {
	start_sha_target "$T/t.sock"
	start_server r relay 127.0.0.1:0 "unix:$T/t.sock"
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
data = os.urandom(2 * 1024 * 1024)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = recv_all(s)
want = (hashlib.sha256(data).hexdigest() + "\n").encode()
print("ok" if got == want else "got %r want %r" % (got, want))
EOF
	assert_success
	assert_output "ok"
}

@test "relay passes a target's half-close on; the client can still send 1.5 s later" {
	start_py greeter greeter.py "$T/t.sock"
	start_server r relay -v 127.0.0.1:0 "unix:$T/t.sock"
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
first = recv_all(s)                  # the target's EOF reaches the client
if first != b"greeting\n":
    fail("got %r" % first)
time.sleep(1.5)    # under test: no linger timer ends the open direction
data = os.urandom(1000000)
s.sendall(data)                      # the other direction is still open
s.shutdown(socket.SHUT_WR)
print(len(data), hashlib.sha256(data).hexdigest())
print(s.getsockname()[1])
EOF
	assert_success
	local sent=${lines[0]} cport=${lines[1]}
	wait_for "[ -s '$T/greeter.out' ]"
	[ "$(cat "$T/greeter.out")" = "$sent" ]
	wait_for grep -q "closed" "$T/r.err"
	run cat "$T/r.err"
	assert_line "sockit: relay: 127.0.0.1:$cport closed: 1000000 bytes to unix:$T/t.sock, 9 bytes back"
}

@test "relay -v logs the connection and the byte counts both ways" {
	start_sha_target "$T/t.sock"
	start_server r relay -v 127.0.0.1:0 "unix:$T/t.sock"
	local raddr=$ADDR
	run py "$raddr" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"x" * 1000)
s.shutdown(socket.SHUT_WR)
got = recv_all(s)
if len(got) != 65:
    fail("got %r" % got)
print(s.getsockname()[1])
EOF
	assert_success
	local cport=$output
	wait_for grep -q "closed" "$T/r.err"
	run cat "$T/r.err"
	assert_line "sockit: relay: listening on $raddr"
	assert_line "sockit: relay: connection from 127.0.0.1:$cport"
	assert_line "sockit: relay: 127.0.0.1:$cport closed: 1000 bytes to unix:$T/t.sock, 65 bytes back"
}

@test "relay: 12 concurrent clients through one relay each get their own bytes back" {
	start_server e echo 127.0.0.1:0
	start_server r relay 127.0.0.1:0 "$ADDR"
	run py "$ADDR" <<'EOF'
N = 12
barrier = threading.Barrier(N)
results = [None] * N

def client(i):
    data = os.urandom(200000 + i * 1013)
    s = connect(sys.argv[1], 20)
    barrier.wait()
    def send():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=send)
    t.start()
    got = recv_all(s)
    t.join()
    results[i] = got == data

threads = [threading.Thread(target=client, args=(i,)) for i in range(N)]
for t in threads: t.start()
for t in threads: t.join()
bad = [i for i, r in enumerate(results) if not r]
print("ok" if not bad else "bad clients: %r" % bad)
EOF
	assert_success
	assert_output "ok"
}

@test "relay: a client that resets mid-stream does not stop the relay or disturb another pair" {
	start_server e echo 127.0.0.1:0
	start_server r relay 127.0.0.1:0 "$ADDR"
	run py "$ADDR" <<'EOF'
check_resets_harmless(sys.argv[1])
print("ok")
EOF
	assert_success
	assert_output "ok"
	kill -0 "$PID"
}

@test "relay to a missing unix target: client closed, error logged, relay keeps running and serves once the target exists" {
	start_server r relay 127.0.0.1:0 "unix:$T/t.sock"
	local raddr=$ADDR rpid=$PID
	run py "$raddr" <<'EOF'
s = connect_closed(sys.argv[1])
print(s.getsockname()[1])
EOF
	assert_success
	local cport=$output
	run grep -F "sockit: relay: 127.0.0.1:$cport: connect " "$T/r.err"
	assert_success
	assert_output --partial "t.sock: No such file or directory"
	kill -0 "$rpid"
	# Now a target appears at that path: the next client gets through.
	start_server e echo "unix:$T/t.sock"
	run py "$raddr" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"through at last\n")
s.shutdown(socket.SHUT_WR)
print(recv_all(s).decode(), end="")
EOF
	assert_success
	assert_output "through at last"
}

@test "relay to a refused TCP target: client closed, 'Connection refused' logged, relay keeps running" {
	local fp
	fp=$(free_port)
	start_server r relay 127.0.0.1:0 "127.0.0.1:$fp"
	local _
	for _ in 1 2; do
		run py "$ADDR" <<'EOF'
connect_closed(sys.argv[1])
print("closed")
EOF
		assert_success
		assert_output "closed"
	done
	run grep -c -F ": connect 127.0.0.1:$fp: Connection refused" "$T/r.err"
	assert_output 2
	kill -0 "$PID"
}

@test "relay -w with a reachable target relays normally" {
	start_server e echo 127.0.0.1:0
	start_server r relay -w 500ms 127.0.0.1:0 "$ADDR"
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"waited\n")
s.shutdown(socket.SHUT_WR)
print(recv_all(s).decode(), end="")
EOF
	assert_success
	assert_output "waited"
}

@test "relay -w 500ms: a target that never answers the connect closes the client, logs the timeout, keeps running" {
	# A TCP listener whose accept queue is full drops new SYNs, so a
	# connect to it neither succeeds nor fails until a timeout.
	start_py blackhole blackhole.py
	[ "$ADDR" != queue-not-full ]
	local target=$ADDR
	start_server r relay -w 500ms 127.0.0.1:0 "$target"
	run py "$ADDR" <<'EOF'
t0 = time.monotonic()
s = connect(sys.argv[1], 20)
try:
    b = s.recv(100)
except ConnectionResetError:
    b = b""
except socket.timeout:
    fail("client not closed")
dt = time.monotonic() - t0
if b != b"" or not 0.4 <= dt <= 15:
    fail("recv %r after %.2f s" % (b, dt))
print(s.getsockname()[1])
EOF
	assert_success
	local cport=$output
	run grep -F "sockit: relay: 127.0.0.1:$cport: connect $target: " "$T/r.err"
	assert_success
	assert_output --partial "timed out"
	kill -0 "$PID"
}

@test "relay: bad -w values (abc, -1, 5x, empty) are usage errors (exit 2)" {
	local v
	for v in abc -1 5x ''; do
		run --separate-stderr "$SOCKIT" relay -w "$v" 127.0.0.1:0 127.0.0.1:1
		[ "$status" -eq 2 ] || { echo "-w '$v': status $status"; return 1; }
		[ -z "$output" ]
		[[ ${stderr_lines[0]} == "sockit: relay: "* ]]
		[ "${stderr_lines[-1]}" = "Try 'sockit relay --help'." ]
	done
}

@test "relay --max-conns 1 closes a second client at once while the first pair works" {
	start_server e echo 127.0.0.1:0
	start_server r relay --max-conns 1 127.0.0.1:0 "$ADDR"
	run py "$ADDR" <<'EOF'
check_max_conns_one(sys.argv[1])
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "relay -i 1s closes an idle client pair" {
	start_server e echo 127.0.0.1:0
	start_server r relay -i 1s 127.0.0.1:0 "$ADDR"
	run py "$ADDR" <<'EOF'
t0 = time.monotonic()
s = connect(sys.argv[1], 15)
s.sendall(b"hi\n")
if recv_exactly(s, 3) != b"hi\n":
    fail("no echo")
t1 = time.monotonic()
try:
    b = s.recv(100)
except socket.timeout:
    fail("idle pair not closed")
dt = time.monotonic() - t1
if b != b"" or not 0.8 <= dt <= 10:
    fail("recv %r after %.2f s" % (b, dt))
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "relay: SIGTERM exits 0 and removes its unix socket file" {
	start_server e echo 127.0.0.1:0
	start_server r relay "unix:$T/r.sock" "$ADDR"
	[ -S "$T/r.sock" ]
	kill -TERM "$PID"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ ! -e "$T/r.sock" ]
}

@test "relay: SIGTERM with a client pair open closes the client and exits 0" {
	start_server e echo 127.0.0.1:0
	start_server r relay 127.0.0.1:0 "$ADDR"
	local rpid=$PID
	run py "$ADDR" "$rpid" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"before\n")
if recv_exactly(s, 7) != b"before\n":
    fail("no echo through the relay")
os.kill(int(sys.argv[2]), signal.SIGTERM)
try:
    b = recv_all(s)
except socket.timeout:
    fail("client not closed after SIGTERM")
print("eof" if b == b"" else "got %r" % b)
EOF
	assert_success
	assert_output "eof"
	wait_exit "$rpid"
	[ "$STATUS" -eq 0 ]
}

@test "relay usage: no arguments, a missing TARGET, or too many arguments exit 2" {
	local args
	for args in "" "127.0.0.1:0" "127.0.0.1:0 127.0.0.1:1 extra"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$SOCKIT" relay $args
		[ "$status" -eq 2 ] || { echo "'$args': status $status"; return 1; }
		[ -z "$output" ]
		[[ ${stderr_lines[0]} == "sockit: relay: "* ]]
		[ "${stderr_lines[-1]}" = "Try 'sockit relay --help'." ]
	done
}

@test "relay usage: bad LISTEN or TARGET addresses exit 2 (no unix socket file is made)" {
	local pair
	while read -r pair; do
		# shellcheck disable=SC2086
		run --separate-stderr "$SOCKIT" relay $pair
		[ "$status" -eq 2 ] || { echo "'$pair': status $status"; return 1; }
		[ -z "$output" ]
		[[ ${stderr_lines[0]} == "sockit: relay: "* ]]
		[ "${stderr_lines[-1]}" = "Try 'sockit relay --help'." ]
	done <<-EOF
		127.0.0.1:99999 127.0.0.1:1
		127.0.0.1:0 127.0.0.1:99999
		127.0.0.1:0 [::1
		127.0.0.1:0 ::1:80
		127.0.0.1:0 127.0.0.1:
		127.0.0.1:0 127.0.0.1:no-such-service
		unix:$T/r.sock unix:
	EOF
	[ ! -e "$T/r.sock" ]
}

@test "relay whose target is down resets its client: sockit send says so and exits 1" {
	start_server r relay 127.0.0.1:0 "127.0.0.1:$(free_port)"
	run "$SOCKIT" send --recv-only "$ADDR"
	assert_failure 1
	assert_output --partial "Connection reset by peer"
}

@test "relay to a unix target with a full backlog tries again until it is taken (within -w)" {
	start_py b busy_unix.py "$T/t.sock" "$T/go"
	start_server r relay -vv -w 20 127.0.0.1:0 "unix:$T/t.sock"
	"$SOCKIT" send -m "through the backlog" "$ADDR" >"$T/out" 2>"$T/send.err" 3>&- &
	local spid=$!
	wait_for 'grep -q "backlog full, trying again" "$T/r.err"'
	touch "$T/go"
	wait_exit "$spid"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$T/out")" = "through the backlog" ]
}

@test "relay to a unix target whose backlog stays full gives up at -w" {
	start_py b busy_unix.py "$T/t.sock" "$T/never"
	start_server r relay -w 500ms 127.0.0.1:0 "unix:$T/t.sock"
	run "$SOCKIT" send -m hi "$ADDR"
	assert_failure 1
	grep -q "connect .*t.sock: Resource temporarily unavailable" "$T/r.err"
}

@test "relay -i ending a client whose target never took it resets the client" {
	start_py b busy_unix.py "$T/t.sock" "$T/never"
	start_server r relay -i 300ms -w 20 127.0.0.1:0 "unix:$T/t.sock"
	run py "$ADDR" <<'EOF2'
s = connect(sys.argv[1])
try:
    b = s.recv(10)
    print("closed with %r" % b)
except ConnectionResetError:
    print("reset")
EOF2
	assert_output "reset"
}

@test "relay -s: connections to TARGET come from the source port (the peer reports it)" {
	local src
	src=$(free_port)
	start_py srv report.py
	local target=$ADDR
	start_server r relay -s "127.0.0.1:$src" 127.0.0.1:0 "$target"
	printf 'via relay\n' | timeout 20 nc -N 127.0.0.1 "$PORT" >"$T/out"
	wait_for '[ -s "$T/srv.out" ]'
	[ "$(sed -n 1p "$T/srv.out")" = "from 127.0.0.1:$src" ]
	[ "$(cat "$T/out")" = hi ]
}
