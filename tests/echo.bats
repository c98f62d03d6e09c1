#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit echo: real servers on port 0, unix paths and abstract names,
# driven by nc, socat and inline python3 clients.

load test_helper

bats_require_minimum_version 1.5.0


@test "echo over TCP returns a client's 256 KiB of random bytes exactly" {
	start_server e echo 127.0.0.1:0
	[[ $ADDR =~ ^127\.0\.0\.1:[0-9]+$ ]]
	[ "$PORT" -gt 0 ]
	random_file "$T/in" 262144
	timeout 20 nc -N 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "echo accepts nc's two-argument HOST PORT form" {
	start_server e echo 127.0.0.1 0
	[[ $ADDR =~ ^127\.0\.0\.1:[0-9]+$ ]]
	printf 'two args\n' | timeout 20 nc -N 127.0.0.1 "$PORT" >"$T/out"
	[ "$(cat "$T/out")" = "two args" ]
}

@test "echo on a unix path creates a socket file and echoes byte-exact" {
	start_server e echo "unix:$T/e.sock"
	[ "$ADDR" = "unix:$T/e.sock" ]
	[ -S "$T/e.sock" ]
	random_file "$T/in" 262144
	timeout 20 socat -t 20 - "UNIX-CONNECT:$T/e.sock" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "echo on an abstract name (@NAME and unix:@NAME) serves clients and leaves no file" {
	local name=sockit-test-$$-$BATS_TEST_NUMBER
	cd "$T"
	start_server e echo "@$name"
	[ "$ADDR" = "@$name" ]
	random_file "$T/in" 100000
	timeout 20 socat -t 20 - "ABSTRACT-CONNECT:$name" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
	# unix:@NAME is the same kind of address.
	start_server e2 echo "unix:@$name-2"
	[ "$ADDR" = "@$name-2" ]
	timeout 20 socat -t 20 - "ABSTRACT-CONNECT:$name-2" <"$T/in" >"$T/out2"
	cmp "$T/in" "$T/out2"
	local f
	for f in "$T"/*"@$name"* "$T"/*"$name"*; do
		[ ! -e "$f" ] || { echo "file made for an abstract name: $f"; return 1; }
	done
}

@test "echo: 8 MiB through one TCP client come back byte-exact (sha256)" {
	start_server e echo 127.0.0.1:0
	random_file "$T/in" $((8 * 1024 * 1024))
	timeout 30 nc -N 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	sha256sum <"$T/out" >"$T/got"
	sha256sum <"$T/in" >"$T/want"
	cmp "$T/want" "$T/got"
}

@test "echo: 20 concurrent clients each get exactly their own random bytes back (select and epoll)" {
	local backend
	for backend in select epoll; do
		start_server "e$backend" echo --backend "$backend" 127.0.0.1:0
		run py "$ADDR" "$backend" <<'EOF'
N = 20
barrier = threading.Barrier(N)
results = [None] * N

def client(i):
    data = os.urandom(131072 + i * 997)
    s = connect(sys.argv[1], 20)
    barrier.wait()        # all 20 are connected before anyone sends
    def send():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=send)
    t.start()
    got = recv_all(s)
    t.join()
    s.close()
    results[i] = (got == data, len(data), len(got))

threads = [threading.Thread(target=client, args=(i,)) for i in range(N)]
for t in threads: t.start()
for t in threads: t.join()
bad = [(i, r) for i, r in enumerate(results) if r is None or not r[0]]
print("ok" if not bad else "%s: bad: %r" % (sys.argv[2], bad))
EOF
		assert_success
		assert_output "ok"
	done
}

@test "echo: after a client's half-close the whole pending echo arrives, then EOF" {
	start_server e echo 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
data = os.urandom(200000)
s.sendall(data)                  # nothing read yet
s.shutdown(socket.SHUT_WR)
got = recv_all(s)                # until the server closes
print("ok" if got == data else "got %d of %d bytes, equal=%s" % (len(got), len(data), got == data[:len(got)]))
EOF
	assert_success
	assert_output "ok"
}

@test "echo over a unix path also delivers the pending echo after a half-close" {
	start_server e echo "unix:$T/e.sock"
	run py "$ADDR" <<'EOF'
data = os.urandom(150000)
got = roundtrip(sys.argv[1], data)
print("ok" if got == data else "got %d of %d bytes" % (len(got), len(data)))
EOF
	assert_success
	assert_output "ok"
}

@test "echo: a client that sends a lot and does not read pauses only itself; others are served" {
	start_server e echo 127.0.0.1:0
	run py "$ADDR" <<'EOF'
addr = sys.argv[1]
slow = connect(addr)
slow.setblocking(False)
sent = bytearray()
cap = 128 << 20
# Send without reading until the server stops taking bytes (nothing
# accepted for 1 s): the server has paused reading this client.
while len(sent) < cap:
    chunk = os.urandom(65536)
    try:
        n = slow.send(chunk)
        sent += chunk[:n]
    except BlockingIOError:
        _, w, _ = select.select([], [slow], [], 1.0)
        if not w:
            break
if len(sent) >= cap:
    fail("server kept reading %d bytes from a client that does not read" % len(sent))

# Meanwhile another client is served normally.
fast = connect(addr)
data = os.urandom(100000)
fast.sendall(data)
fast.shutdown(socket.SHUT_WR)
got = recv_all(fast)
if got != data:
    fail("fast client got %d of %d bytes" % (len(got), len(data)))

# The slow client now reads and gets every byte it sent, in order.
slow.setblocking(True)
slow.settimeout(10)
back = bytearray()
while len(back) < len(sent):
    b = slow.recv(1 << 20)
    if not b:
        break
    back += b
slow.shutdown(socket.SHUT_WR)
rest = recv_all(slow)
if back + rest != sent:
    fail("slow client got %d of %d bytes back" % (len(back) + len(rest), len(sent)))
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "echo: clients that reset mid-stream do not stop the server or disturb another client" {
	start_server e echo 127.0.0.1:0
	run py "$ADDR" <<'EOF'
check_resets_harmless(sys.argv[1])
print("ok")
EOF
	assert_success
	assert_output "ok"
	kill -0 "$PID"
}

@test "echo without -d sends bytes back at once, no delimiter needed" {
	start_server e echo 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"ab")
got = recv_exactly(s, 2)           # the connection stays open
print(got.decode())
EOF
	assert_success
	assert_output "ab"
}

@test "echo -d ';' replies only with whole messages; a trailing part comes at half-close" {
	start_server e echo -d ';' 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"ab")
if not nothing_within(s, 1.0):
    fail("a partial message was echoed")
s.sendall(b"c;")
got = recv_exactly(s, 4)
if got != b"abc;":
    fail("got %r, want b'abc;'" % got)
s.sendall(b"de;f;gh")
got = recv_exactly(s, 5)
if got != b"de;f;":
    fail("got %r, want b'de;f;'" % got)
if not nothing_within(s, 1.0):
    fail("the partial 'gh' was echoed before its delimiter")
s.shutdown(socket.SHUT_WR)
got = recv_all(s)
if got != b"gh":
    fail("after half-close got %r, want b'gh'" % got)
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "echo -d ';': a 1 MiB message, longer than any buffer, still comes back byte-exact" {
	start_server e echo -d ';' 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
data = os.urandom(1 << 20).replace(b";", b":") + b";"
t = threading.Thread(target=s.sendall, args=(data,))
t.start()
got = recv_exactly(s, len(data))
t.join()
s.shutdown(socket.SHUT_WR)
rest = recv_all(s)
print("ok" if got == data and rest == b"" else "got %d of %d bytes, then %d" % (len(got), len(data), len(rest)))
EOF
	assert_success
	assert_output "ok"
}

@test "echo -0 frames on NUL bytes" {
	start_server e echo -0 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"one\0tw")
got = recv_exactly(s, 4)
if got != b"one\0":
    fail("got %r" % got)
if not nothing_within(s, 1.0):
    fail("a partial message was echoed")
s.sendall(b"o\n\0")
got = recv_exactly(s, 5)
if got != b"two\n\0":
    fail("got %r, want b'two\\n\\0'" % got)
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "echo -d '\\r\\n' waits for the whole two-byte delimiter" {
	start_server e echo -d '\r\n' 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"a\rb\r")
if not nothing_within(s, 1.0):
    fail("echoed before a whole \\r\\n")
s.sendall(b"\n")
got = recv_exactly(s, 5)
if got != b"a\rb\r\n":
    fail("got %r" % got)
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "echo -i 1s closes an idle client but not one that keeps talking" {
	start_server e echo -i 1s 127.0.0.1:0
	run py "$ADDR" <<'EOF'
addr = sys.argv[1]
t0 = time.monotonic()
idle = connect(addr, 15)
busy = connect(addr, 15)
result = {}
def wait_idle():
    try:
        b = idle.recv(100)
    except socket.timeout:
        b = "timeout"
    result["idle"] = (b, time.monotonic() - t0)
t = threading.Thread(target=wait_idle)
t.start()
# The busy client talks every 0.2 s for 2.4 s, well past the 1 s limit.
for i in range(12):
    msg = b"ping %d\n" % i
    busy.sendall(msg)
    if recv_exactly(busy, len(msg)) != msg:
        fail("busy client lost its echo at ping %d" % i)
    time.sleep(0.2)          # the traffic pattern under test, not a wait for readiness
t.join()
b, elapsed = result["idle"]
if b != b"":
    fail("idle client: recv gave %r" % (b,))
if not 0.8 <= elapsed <= 10:
    fail("idle client closed after %.2f s, want about 1 s" % elapsed)
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "echo --max-conns 1 closes a second client at once while the first is served" {
	start_server e echo -v --max-conns 1 127.0.0.1:0
	run py "$ADDR" <<'EOF'
print("second", check_max_conns_one(sys.argv[1]))
EOF
	assert_success
	assert_output --regexp '^second [0-9]+$'
	local p2=${output#second }
	run grep -E "^sockit: echo: 127\.0\.0\.1:$p2: refused" "$T/e.err"
	assert_success
	kill -0 "$PID"
}

@test "echo -v logs the bound address, each connection and its byte count" {
	start_server e echo -v 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
print(s.getsockname()[1])
s.sendall(b"hello, world\n")       # 13 bytes
s.shutdown(socket.SHUT_WR)
if recv_all(s) != b"hello, world\n":
    fail("bad echo")
EOF
	assert_success
	local cport=$output
	wait_for grep -q "closed" "$T/e.err"
	run cat "$T/e.err"
	assert_line "sockit: echo: listening on $ADDR"
	assert_line "sockit: echo: connection from 127.0.0.1:$cport"
	assert_line "sockit: echo: 127.0.0.1:$cport closed: 13 bytes echoed"
}

@test "echo: a bad -i value is a usage error (exit 2)" {
	local v
	for v in abc -1 5x ''; do
		run --separate-stderr "$SOCKIT" echo -i "$v" 127.0.0.1:0
		[ "$status" -eq 2 ] || { echo "-i '$v': status $status"; return 1; }
		[ -z "$output" ]
		[[ ${stderr_lines[0]} == "sockit: echo: "* ]]
		[ "${stderr_lines[-1]}" = "Try 'sockit echo --help'." ]
	done
}

@test "echo: --max-conns 0, -1 and abc are usage errors (exit 2)" {
	local v
	for v in 0 -1 abc; do
		run --separate-stderr "$SOCKIT" echo --max-conns "$v" 127.0.0.1:0
		[ "$status" -eq 2 ] || { echo "--max-conns $v: status $status"; return 1; }
		[ -z "$output" ]
		[[ ${stderr_lines[0]} == "sockit: echo: "* ]]
		[ "${stderr_lines[-1]}" = "Try 'sockit echo --help'." ]
	done
}

@test "echo: --mode with a TCP address is a usage error (exit 2)" {
	run --separate-stderr "$SOCKIT" echo --mode 600 127.0.0.1:0
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ ${stderr_lines[0]} == "sockit: echo: "*mode* ]]
	[ "${stderr_lines[-1]}" = "Try 'sockit echo --help'." ]
}

@test "echo --mode 600 creates its unix socket file with that mode" {
	start_server e echo --mode 600 "unix:$T/e.sock"
	[ "$(stat -c %a "$T/e.sock")" = 600 ]
	echo hi | timeout 20 socat -t 20 - "UNIX-CONNECT:$T/e.sock" >"$T/out"
	[ "$(cat "$T/out")" = hi ]
}

@test "echo: SIGTERM and SIGHUP end the server with status 0, SIGINT with 130; the unix socket file goes" {
	local sig want
	for sig in TERM INT HUP; do
		start_server "e$sig" echo "unix:$T/e.sock"
		[ -S "$T/e.sock" ]
		kill -"$sig" "$PID"
		wait_exit "$PID"
		want=0; [ "$sig" != INT ] || want=130
		[ "$STATUS" -eq "$want" ] || { echo "SIG$sig: status $STATUS"; return 1; }
		[ ! -e "$T/e.sock" ] || { echo "SIG$sig: socket file left"; return 1; }
	done
}

@test "echo: SIGTERM with a client connected closes the client, exits 0, removes the file" {
	start_server e echo "unix:$T/e.sock"
	run py "$ADDR" "$PID" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"x\n")
if recv_exactly(s, 2) != b"x\n":
    fail("no echo")
os.kill(int(sys.argv[2]), signal.SIGTERM)
try:
    b = s.recv(100)
except socket.timeout:
    fail("client not closed after SIGTERM")
print("eof" if b == b"" else "got %r" % b)
EOF
	assert_success
	assert_output "eof"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ ! -e "$T/e.sock" ]
}

@test "a client refused by --max-conns is reset: sockit send says so and exits 1" {
	start_server e echo -v --max-conns 1 127.0.0.1:0
	local eaddr=$ADDR
	start_py h hold.py "$eaddr"
	wait_for 'grep -q "connection from" "$T/e.err"'
	run "$SOCKIT" send --recv-only "$eaddr"
	assert_failure 1
	assert_output --partial "Connection reset by peer"
	grep -q "refused: 1 client already (--max-conns)" "$T/e.err"
}
