#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit listen: clients' data to stdout (whole messages, byte-exact),
# stdin to clients, --once, labels, output delimiters, limits, and the
# life of the unix socket file.  Peers: nc, socat, python3, sockit send.

load test_helper

# Python client: connect to $1 (host:port, unix path or @name).
PYCONNECT='
def connect(a):
    if a.startswith("unix:") or a.startswith("@"):
        s = socket.socket(socket.AF_UNIX)
        p = a[5:] if a.startswith("unix:") else "\0" + a[1:]
        s.connect(p)
    else:
        h, _, p = a.rpartition(":")
        s = socket.create_connection((h.strip("[]"), int(p)))
    return s
'

@test "TCP: a line from nc reaches stdout exactly" {
	start_server l listen --once 127.0.0.1:0
	printf 'hello from nc\n' | nc -N 127.0.0.1 "$PORT"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$T/l.out")" = "hello from nc" ]
}

@test "unix path: socat as the client; the address is reported as unix:PATH" {
	start_server l listen --once "$T/l.sock"
	[ "$ADDR" = "unix:$T/l.sock" ]
	printf 'via socat\n' | socat - "UNIX-CONNECT:$T/l.sock"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "via socat" ]
	[ ! -e "$T/l.sock" ]
}

@test "-U makes the argument a unix path even without a slash" {
	cd "$T"
	start_server l listen --once -U rel.sock
	[ "$ADDR" = "unix:rel.sock" ]
	[ -S "$T/rel.sock" ]
	"$SOCKIT" send -U -m hi rel.sock
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "hi" ]
}

@test "abstract socket: python3 client; no file is created" {
	name=sockit-test-$$-$BATS_TEST_NUMBER
	start_server l listen --once "@$name"
	[ "$ADDR" = "@$name" ]
	python3 -c "
import socket
s = socket.socket(socket.AF_UNIX); s.connect('\0$name'); s.sendall(b'abstract\n'); s.close()"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "abstract" ]
}

@test "the ready line is an address send takes as it is: TLS, udp, unixgram" {
	# A bare HOST:PORT for a TLS server would send plaintext and exit 0.
	start_server l listen --once -v --self-signed tls:127.0.0.1:0
	[ "$ADDR" = "tls:127.0.0.1:$PORT" ]
	run "$SOCKIT" send --insecure -m 'over tls' "$ADDR"
	assert_success
	wait_exit "$PID"
	assert_equal "$(cat "$T/l.out")" 'over tls'
	grep -qxF "sockit: listen: listening on $ADDR" "$T/l.err"

	start_server l listen --once --self-signed "tls:unix:$T/t.sock"
	[ "$ADDR" = "tls:unix:$T/t.sock" ]
	run "$SOCKIT" send --insecure -m 'tls on unix' "$ADDR"
	assert_success
	wait_exit "$PID"
	assert_equal "$(cat "$T/l.out")" 'tls on unix'

	start_server u listen -u -v 127.0.0.1:0
	[ "$ADDR" = "udp:127.0.0.1:$PORT" ]
	run "$SOCKIT" send -m 'a datagram' "$ADDR"
	assert_success
	wait_for 'grep -qx "a datagram" "$T/u.out"'
	grep -qxF "sockit: listen: listening on $ADDR" "$T/u.err"

	start_server g listen -u -U "$T/g.sock"
	[ "$ADDR" = "unixgram:$T/g.sock" ]
	run "$SOCKIT" send -m 'a unix datagram' "$ADDR"
	assert_success
	wait_for 'grep -qx "a unix datagram" "$T/g.out"'
}

@test "IPv6 loopback and the HOST PORT form" {
	start_server l listen --once ::1 0
	[ "$ADDR" = "[::1]:$PORT" ]
	printf 'six\n' | nc -N ::1 "$PORT"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "six" ]
}

@test "PORT alone binds the wildcard, reachable on 127.0.0.1" {
	start_server l listen --once 0
	[[ "$ADDR" =~ ^(\[::\]|0\.0\.0\.0):[0-9]+$ ]]
	printf 'wild\n' | nc -N 127.0.0.1 "$PORT"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "wild" ]
}

@test "5 MB of random binary from sockit send arrives byte-exact" {
	random_file "$T/in.bin" 5000000
	start_server l listen --once 127.0.0.1:0
	"$SOCKIT" send "$ADDR" <"$T/in.bin"
	wait_exit "$PID"
	cmp "$T/in.bin" "$T/l.out"
}

@test "5 MB of binary with NULs from nc over unix arrives byte-exact" {
	{ random_file /dev/stdout 2000000; head -c 1000000 /dev/zero; random_file /dev/stdout 2000000; } >"$T/in.bin"
	start_server l listen --once "$T/l.sock"
	nc -NU "$T/l.sock" <"$T/in.bin"
	wait_exit "$PID"
	cmp "$T/in.bin" "$T/l.out"
}

@test "a trailing message with no delimiter is written when its client closes" {
	start_server l listen --once 127.0.0.1:0
	printf 'one\ntwo-without-newline' | nc -N 127.0.0.1 "$PORT"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "$(printf 'one\ntwo-without-newline')" ]
}

@test "concurrent clients writing in small pieces never interleave mid-message" {
	start_server l listen 127.0.0.1:0
	python3 "$PEERS/interleave.py" "$ADDR"
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 1000 ]'
	for c in a b c d e f g h i j; do
		[ "$(grep -c "^${c}\{3000\}\$" "$T/l.out")" -eq 100 ]
	done
	# and every line is one client's whole message
	[ "$(grep -vcE '^(a{3000}|b{3000}|c{3000}|d{3000}|e{3000}|f{3000}|g{3000}|h{3000}|i{3000}|j{3000})$' "$T/l.out")" -eq 0 ]
}

@test "a message longer than the buffer passes in pieces, still whole among others" {
	start_server l listen 127.0.0.1:0
	python3 "$PEERS/big_and_small.py" "$ADDR"
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 601 ]'
	[ "$(grep -c '^A*$' "$T/l.out")" -eq 1 ]
	[ "$(grep '^A*$' "$T/l.out" | wc -c)" -eq 1500001 ]
	[ "$(grep -cE '^(x{100}|y{100}|z{100})$' "$T/l.out")" -eq 600 ]
}

@test "-0 --output-delimiter '\\n' prints NUL-separated messages as lines" {
	start_server l listen --once -0 --output-delimiter '\n' 127.0.0.1:0
	printf 'one\0two\0three' | nc -N 127.0.0.1 "$PORT"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "$(printf 'one\ntwo\nthree')" ]
	[ "$(wc -l <"$T/l.out")" -eq 3 ]
}

@test "-d '\\r\\n' frames on a two-byte delimiter" {
	start_server l listen --once -d '\r\n' --output-delimiter ';' 127.0.0.1:0
	printf 'a\rb\r\nc\nd\r\n' | nc -N 127.0.0.1 "$PORT"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "$(printf 'a\rb;c\nd;')" ]
}

@test "-L labels TCP messages with the client's address" {
	start_server l listen --once -L 127.0.0.1:0
	python3 - "$ADDR" >"$T/client" <<'PY'
import socket, sys
h, _, p = sys.argv[1].rpartition(":")
s = socket.create_connection((h, int(p)))
print("127.0.0.1:%d" % s.getsockname()[1])
s.sendall(b"hello\nworld\n")
s.close()
PY
	wait_exit "$PID"
	me=$(cat "$T/client")
	[ "$(cat "$T/l.out")" = "$(printf '%s hello\n%s world' "$me" "$me")" ]
}

@test "-L labels unix clients with unix:PID from their credentials" {
	start_server l listen --once -L "unix:$T/l.sock"
	python3 - "$T/l.sock" >"$T/client" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
print(os.getpid())
s.sendall(b"hi\n")
s.close()
PY
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "unix:$(cat "$T/client") hi" ]
}

@test "stdin is broadcast to every connected client" {
	mkfifo "$T/stdin"
	exec 5<>"$T/stdin"
	SERVER_STDIN=$T/stdin start_server l listen -v 127.0.0.1:0
	python3 "$PEERS/line_readers.py" "$ADDR" >"$T/got" 5>&- &
	cli=$!
	wait_for '[ "$(grep -c "connection from" "$T/l.err")" -eq 3 ]'
	echo "to everyone" >&5
	wait "$cli"
	[ "$(cat "$T/got")" = "$(printf 'to everyone\nto everyone\nto everyone')" ]
	exec 5>&-
}

@test "--recv-only never reads stdin" {
	printf 'secret\n' >"$T/stdin"
	SERVER_STDIN=$T/stdin start_server l listen --once --recv-only 127.0.0.1:0
	run "$SOCKIT" send -m ping "$ADDR"
	assert_success
	[ -z "$output" ]
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "ping" ]
}

@test "--once: request/response; stdin EOF shuts down the client's write side" {
	printf 'response\n' >"$T/stdin"
	SERVER_STDIN=$T/stdin start_server l listen --once 127.0.0.1:0
	run "$SOCKIT" send -m request "$ADDR"
	assert_success
	assert_output "response"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$T/l.out")" = "request" ]
}

@test "--once with nc as the client: nc sees EOF and exits" {
	printf 'reply\n' >"$T/stdin"
	SERVER_STDIN=$T/stdin start_server l listen -1 "$T/l.sock"
	run nc -NU "$T/l.sock" <<<"question"
	assert_success
	assert_output "reply"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "question" ]
	[ ! -e "$T/l.sock" ]
}

@test "without --once the server keeps listening after clients leave (-k accepted)" {
	start_server l listen -k 127.0.0.1:0
	for i in 1 2 3; do
		"$SOCKIT" send -m "client $i" "$ADDR"
	done
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 3 ]'
	[ "$(cat "$T/l.out")" = "$(printf 'client 1\nclient 2\nclient 3')" ]
	kill -0 "$PID"
}

@test "-v logs the real bound address and byte counts" {
	start_server l listen -v 127.0.0.1:0
	"$SOCKIT" send -m 12345 "$ADDR"
	wait_for 'grep -q "closed: 6 bytes in, 0 bytes out" "$T/l.err"'
	grep -qx "sockit: listen: listening on 127.0.0.1:$PORT" "$T/l.err"
	grep -q "sockit: listen: connection from 127.0.0.1:" "$T/l.err"
}

@test "--max-conns 1: a second client is closed at once, the first is still served" {
	start_server l listen -v --max-conns 1 127.0.0.1:0
	python3 - "$ADDR" <<'PY'
import socket, sys
h, _, p = sys.argv[1].rpartition(":")
a = socket.create_connection((h, int(p)))
a.sendall(b"first\n")
try:
    b = socket.create_connection((h, int(p)))
    b.settimeout(10)
    assert b.recv(10) == b"", "second client was not closed"
except ConnectionResetError:
    pass                        # refused with a reset
a.sendall(b"still here\n")
a.close()
PY
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 2 ]'
	[ "$(cat "$T/l.out")" = "$(printf 'first\nstill here')" ]
	grep -q "refused: 1 client already (--max-conns)" "$T/l.err"
	kill -0 "$PID"
}

@test "-i closes an idle client, keeps its data and the server" {
	start_server l listen -v -i 300ms 127.0.0.1:0
	python3 - "$ADDR" <<'PY'
import socket, sys
h, _, p = sys.argv[1].rpartition(":")
s = socket.create_connection((h, int(p)))
s.sendall(b"partial, no newline")
s.settimeout(20)
assert s.recv(10) == b"", "idle client was not closed"
PY
	wait_for 'grep -q "idle for 300 ms" "$T/l.err"'
	wait_for '[ -s "$T/l.out" ]'
	[ "$(cat "$T/l.out")" = "partial, no newline" ]
	kill -0 "$PID"
}

@test "--backend epoll serves clients too" {
	start_server l listen --once --backend epoll 127.0.0.1:0
	printf 'epoll\n' | nc -N 127.0.0.1 "$PORT"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "epoll" ]
}

@test "--allow-uid serves a listed uid and closes others" {
	start_server l listen -v --allow-uid 12345 --allow-uid 54321 "$T/no.sock"
	run "$SOCKIT" send -m hidden "unix:$T/no.sock"
	wait_for 'grep -q "uid $(id -u) not allowed" "$T/l.err"'
	kill "$PID"
	wait_exit "$PID"
	[ ! -s "$T/l.out" ]
	start_server l2 listen --once --allow-uid "$(id -un)" "$T/yes.sock"
	"$SOCKIT" send -m shown "unix:$T/yes.sock"
	wait_exit "$PID"
	[ "$(cat "$T/l2.out")" = "shown" ]
}

# --- the unix socket file -----------------------------------------------

@test "socket file: --mode sets its permissions" {
	start_server l listen --mode 600 "$T/m.sock"
	[ "$(stat -c %a "$T/m.sock")" = 600 ]
	start_server l2 listen --mode 0660 "$T/m2.sock"
	[ "$(stat -c %a "$T/m2.sock")" = 660 ]
}

@test "socket file: a stale socket (no listener) is replaced" {
	python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.bind('$T/s.sock')"
	[ -S "$T/s.sock" ]
	start_server l listen --once "$T/s.sock"
	"$SOCKIT" send -m fresh "unix:$T/s.sock"
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "fresh" ]
}

@test "socket file: a live listener is an error (exit 1); the file is untouched" {
	start_server first listen "$T/live.sock"
	ino=$(stat -c %i "$T/live.sock")
	run "$SOCKIT" listen "$T/live.sock"
	assert_failure 1
	assert_output "sockit: listen: $T/live.sock: in use by a running server"
	[ "$(stat -c %i "$T/live.sock")" = "$ino" ]
	"$SOCKIT" send -m "first still works" "unix:$T/live.sock"
	wait_for '[ -s "$T/first.out" ]'
	[ "$(cat "$T/first.out")" = "first still works" ]
}

@test "socket file: a regular file, a directory or a symlink at the path is never removed" {
	echo keep >"$T/file"
	run "$SOCKIT" listen "$T/file"
	assert_failure 1
	assert_output "sockit: listen: $T/file: exists and is not a socket"
	[ "$(cat "$T/file")" = keep ]

	mkdir "$T/dir"
	run "$SOCKIT" echo "$T/dir"
	assert_failure 1
	assert_output --partial "$T/dir: exists and is not a socket"
	[ -d "$T/dir" ]

	ln -s "$T/file" "$T/link"
	run "$SOCKIT" listen "$T/link"
	assert_failure 1
	[ -L "$T/link" ]
	[ "$(cat "$T/file")" = keep ]
}

@test "socket file: a missing directory or a file in the path is an error (exit 1)" {
	run "$SOCKIT" listen "$T/notadir/x.sock"
	assert_failure 1
	assert_output "sockit: listen: $T/notadir/x.sock: No such file or directory"
	touch "$T/f"
	run "$SOCKIT" listen "$T/f/x.sock"
	assert_failure 1
	assert_output "sockit: listen: $T/f/x.sock: Not a directory"
}

@test "socket file: a directory without write permission is an error (exit 1)" {
	# Root passes every permission check, so as root the server runs as
	# nobody, from a copy of the binary in a directory nobody can reach
	# (the checkout may not be).
	d=$(mktemp -d /tmp/sockit-perm.XXXXXX)
	echo "$d" >>"$T/cleanup"
	chmod 755 "$d"
	mkdir -m 555 "$d/ro"
	cp "${SOCKIT_REAL:-$SOCKIT}" "$d/sockit"
	as=()
	if [ "$(id -u)" -eq 0 ]; then
		as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	run env -u ASAN_OPTIONS -u UBSAN_OPTIONS "${as[@]}" "$d/sockit" listen "$d/ro/x.sock"
	assert_failure 1
	assert_output "sockit: listen: $d/ro/x.sock: Permission denied"
	[ ! -e "$d/ro/x.sock" ]
}

@test "socket file: removed on SIGINT (exit 130), SIGTERM and SIGHUP (exit 0)" {
	for sig in INT TERM HUP; do
		start_server l listen "$T/$sig.sock"
		[ -S "$T/$sig.sock" ]
		kill -s "$sig" "$PID"
		wait_exit "$PID"
		[ "$STATUS" -eq "$([ $sig = INT ] && echo 130 || echo 0)" ]
		[ ! -e "$T/$sig.sock" ]
	done
}

@test "socket file: SIGKILL leaves it; the next server replaces the stale file" {
	start_server l listen "$T/k.sock"
	kill -9 "$PID"
	wait "$PID" || true
	[ -S "$T/k.sock" ]
	start_server l2 listen --once "$T/k.sock"
	"$SOCKIT" send -m again "unix:$T/k.sock"
	wait_exit "$PID"
	[ "$(cat "$T/l2.out")" = "again" ]
	[ ! -e "$T/k.sock" ]
}

@test "socket file: one that another server put in its place is left alone" {
	start_server a listen "$T/r.sock"
	pida=$PID
	rm "$T/r.sock"
	start_server b listen "$T/r.sock"
	ino=$(stat -c %i "$T/r.sock")
	kill "$pida"
	wait_exit "$pida"
	[ -S "$T/r.sock" ]
	[ "$(stat -c %i "$T/r.sock")" = "$ino" ]
}

@test "socket file: removed after an error that follows the bind" {
	# --ready-fd is a pipe nobody reads: writing the address fails (exit 1)
	run python3 - "$SOCKIT" "$T/e.sock" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "listen", "--ready-fd", str(w), sys.argv[2]],
                   pass_fds=[w], stderr=subprocess.PIPE)
print(p.returncode, p.stderr.decode().strip())
PY
	assert_output --partial "1 sockit: listen: --ready-fd"
	assert_output --partial "Broken pipe"
	[ ! -e "$T/e.sock" ]
}

@test "SIGTERM: what clients sent before it is on stdout" {
	start_server l listen -v 127.0.0.1:0
	python3 - "$ADDR" <<'PY' &
import socket, sys
h, _, p = sys.argv[1].rpartition(":")
s = socket.create_connection((h, int(p)))
s.sendall(b"x" * 100000 + b"\n" + b"tail without newline")
s.recv(1)  # stays connected until the server goes
PY
	cli=$!
	wait_for 'grep -q "connection from" "$T/l.err"'
	wait_for '[ "$(wc -c <"$T/l.out")" -ge 100001 ]'
	kill -TERM "$PID"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	wait "$cli"
	[ "$(head -n 1 "$T/l.out" | wc -c)" -eq 100001 ]
	[ "$(tail -n 1 "$T/l.out")" = "tail without newline" ]
}

@test "--once --recv-only leaves the client's write side open: what it types later is heard" {
	start_server l listen --once --recv-only 127.0.0.1:0
	run py "$ADDR" <<'EOF2'
s = connect(sys.argv[1])
if not nothing_within(s, 0.5):
    fail("the server ended its side at connect")
s.sendall(b"typed later\n")
s.shutdown(socket.SHUT_WR)
print("heard")
EOF2
	assert_success
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$T/l.out")" = "typed later" ]
}

@test "--once with an empty stdin (</dev/null) leaves the client's write side open too" {
	start_server l listen --once 127.0.0.1:0	# stdin is /dev/null
	run py "$ADDR" <<'EOF2'
s = connect(sys.argv[1])
if not nothing_within(s, 0.5):
    fail("the server ended its side at connect")
s.sendall(b"still heard\n")
s.close()
EOF2
	assert_success
	wait_exit "$PID"
	[ "$(cat "$T/l.out")" = "still heard" ]
}

@test "--once with stdin that fed the client: curl gets the response and its EOF" {
	printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello curl\n' >"$T/resp"
	SERVER_STDIN=$T/resp start_server l listen --once 127.0.0.1:0
	run timeout 10 curl -sS "http://$ADDR/"
	assert_success
	assert_output "hello curl"
	wait_exit "$PID"
	grep -q "^GET / HTTP/1.1" "$T/l.out"
}

@test "-L: a client's last message without a newline still ends its line" {
	start_server l listen -L 127.0.0.1:0
	printf 'partial' | nc -N 127.0.0.1 "$PORT"
	printf 'next\n' | nc -N 127.0.0.1 "$PORT"
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 2 ]'
	run cat "$T/l.out"
	assert_line --index 0 --regexp '^127\.0\.0\.1:[0-9]+ partial$'
	assert_line --index 1 --regexp '^127\.0\.0\.1:[0-9]+ next$'
}

@test "--output-delimiter: a last message without a delimiter still gets the output delimiter" {
	start_server l listen -d ';' --output-delimiter '\n' 127.0.0.1:0
	printf 'one;two' | nc -N 127.0.0.1 "$PORT"
	printf 'three;' | nc -N 127.0.0.1 "$PORT"
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 3 ]'
	[ "$(cat "$T/l.out")" = "$(printf 'one\ntwo\nthree')" ]
}

@test "a lone client's prompt without a newline shows at once, as with nc" {
	start_server l listen 127.0.0.1:0
	PYTHONPATH=$PEERS python3 "$PEERS/prompt.py" "$ADDR" "$T/seen" 3>&- &
	local cpid=$!
	wait_for '[ "$(cat "$T/l.out")" = "Password: " ]'
	touch "$T/seen"
	wait "$cpid"
	wait_for '[ "$(cat "$T/l.out")" = "$(printf "Password: secret")" ]'
}

@test "-L with a lone client: the prompt shows at once under one label" {
	start_server l listen -L 127.0.0.1:0
	PYTHONPATH=$PEERS python3 "$PEERS/prompt.py" "$ADDR" "$T/seen" 3>&- &
	local cpid=$!
	wait_for 'grep -q "^127\.0\.0\.1:[0-9]* Password: $" "$T/l.out"'
	touch "$T/seen"
	wait "$cpid"
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 1 ]'
	run cat "$T/l.out"
	assert_output --regexp '^127\.0\.0\.1:[0-9]+ Password: secret$'
}

@test "a client stalled mid-message holds the others back for a second at most, then is cut" {
	start_server l listen -v -L 127.0.0.1:0
	PYTHONPATH=$PEERS python3 "$PEERS/stall.py" "$ADDR" "$T/l.out" "$T/go" >"$T/stall.out" 3>&- &
	local cpid=$!
	wait_for 'grep -q "^b after" "$T/stall.out"'
	grep -q "no end of message for 1000 ms while others wait: cut" "$T/l.err"
	touch "$T/go"
	wait "$cpid"
	wait_for '[ "$(wc -l <"$T/l.out")" -eq 3 ]'
	# the stalled message is ended where it was cut, the other client's
	# line follows whole, and the rest of the first starts a new line
	[ "$(head -n 1 "$T/l.out" | sed 's/^127\.0\.0\.1:[0-9]* //' | tr -d a | wc -c)" -eq 1 ]
	[ "$(head -n 1 "$T/l.out" | tr -cd a | wc -c)" -eq 300000 ]
	run sed 1d "$T/l.out"
	assert_line --index 0 --regexp '^127\.0\.0\.1:[0-9]+ b$'
	assert_line --index 1 --regexp '^127\.0\.0\.1:[0-9]+ tail$'
}

@test "-vv logs state changes and chunk sizes" {
	start_server l listen -vv --once 127.0.0.1:0
	"$SOCKIT" send -m hello "$ADDR"
	wait_exit "$PID"
	# (stdout is a regular file: the bytes are spliced to it)
	grep -Eq "127.0.0.1:[0-9]*: 6 bytes (in|spliced to stdout)" "$T/l.err"
	grep -q "127.0.0.1:[0-9]*: end of data" "$T/l.err"
}

@test "a client mid-message goes on before those queued behind it, with no stall cut" {
	run env PYTHONPATH="$PEERS" python3 "$PEERS/owner_behind.py" "$SOCKIT"
	assert_success
	assert_output "3100000 b not cut"
}

@test "--once: the client leaves while stdin keeps flowing: listen exits then" {
	run env PYTHONPATH="$PEERS" python3 "$PEERS/listen_stdin.py" "$SOCKIT" once-gone
	assert_success
	assert_output "exited 0"
}

@test "stdin written while no client is connected waits for the next client" {
	run env PYTHONPATH="$PEERS" python3 "$PEERS/listen_stdin.py" "$SOCKIT" next-client
	assert_success
	assert_output "for the next client"
}

@test "the stall limit holds for clients still queued when the sink passes on" {
	start_server l listen --recv-only -v 127.0.0.1:0
	run py "$ADDR" "$T/l.out" <<'EOF2'
def out():
    return open(sys.argv[2], "rb").read()
def until(cond, what):
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > 20:
            fail("timed out: " + what)
        time.sleep(0.02)
idle = connect(sys.argv[1])          # two clients or more: no lone pass-through
w1 = connect(sys.argv[1]); w1.sendall(b"a" * 200000)   # held: no delimiter yet
x = connect(sys.argv[1]); x.sendall(b"x" * 300000)     # a full buffer: owns the sink
until(lambda: out().count(b"x") >= 200000, "x's first piece")
w1.sendall(b"a" * 100000)            # w1's buffer fills: it queues behind x
time.sleep(0.3)
w2 = connect(sys.argv[1]); w2.sendall(b"hello\n")     # queues behind w1
# x is cut after a second; w1 takes the sink and stalls in turn; it too
# may hold w2 back for a second only
until(lambda: b"hello\n" in out(), "w2's line")
print("hello out")
EOF2
	assert_success
	assert_output "hello out"
	[ "$(grep -c 'while others wait: cut' "$T/l.err")" -ge 2 ]
}

@test "--ack: sockit send -m a -m b over TCP gets two acknowledgements" {
	start_server l listen --ack OK 127.0.0.1:0
	run "$SOCKIT" send -m a -m b "$ADDR"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'OK\nOK')" ]
	wait_for '[ "$(cat "$T/l.out")" = "$(printf "a\nb")" ]'
}

@test "--ack with -0 on a unix socket: NUL-ended acks, escapes in TEXT" {
	start_server l listen -0 --ack 'got\tit' "$T/a.sock"
	"$SOCKIT" send -0 -m one -m two -m three "$T/a.sock" >"$T/acks"
	[ "$(od -An -c "$T/acks" | tr -s ' ')" = \
	    "$(printf 'got\tit\0got\tit\0got\tit\0' | od -An -c | tr -s ' ')" ]
	wait_for '[ "$(tr "\0" , <"$T/l.out")" = "one,two,three," ]'
}

@test "--ack with -d '\\r\\n': nc gets one ack per whole message, none for a last piece" {
	start_server l listen -d '\r\n' --ack '+OK' 127.0.0.1:0
	printf 'x\r\ny\r\nno end' | nc -N 127.0.0.1 "$PORT" >"$T/acks"
	[ "$(cat "$T/acks")" = "$(printf '+OK\r\n+OK\r\n')" ]
	wait_for '[ "$(cat "$T/l.out")" = "$(printf "x\r\ny\r\nno end")" ]'
}

@test "--ack: each ack comes after its message is on stdout, one at a time" {
	start_server l listen --ack ack "$T/a.sock"
	py "$T/a.sock" "$T/l.out" <<'PY'
s = connect(sys.argv[1])
for i in range(20):
    s.sendall(b"m%d\n" % i)
    assert recv_exactly(s, 4) == b"ack\n", i
    # stdout already holds it: the ack was not sent before the write
    with open(sys.argv[2], "rb") as f:
        assert f.read().endswith(b"m%d\n" % i), i
s.close()
PY
}

@test "--ack: a client that never reads its acks is paused, not buffered without bound" {
	start_server l listen --recv-only --ack 'acknowledged, thank you' 127.0.0.1:0
	py "$ADDR" <<'PY'
s = connect(sys.argv[1])
s.settimeout(3)
sent, chunk = 0, b"\n" * 65536
try:
    while sent < 256 << 20:
        sent += s.send(chunk)
except socket.timeout:
    pass
# 256 MiB of one-byte messages would be 6 GiB of acks: it had to stop
assert sent < 64 << 20, sent
PY
	# (under make check-valgrind the RSS is valgrind's own)
	if [ -z "${VG_LOG_DIR:-}" ]; then
		rss=$(awk '/VmRSS/ { print $2 }' "/proc/$PID/status")
		[ "$rss" -lt 40000 ]
	fi
}

@test "--ack: a bad escape or a TEXT over 1024 bytes is a usage error" {
	run "$SOCKIT" listen --ack 'a\q' 127.0.0.1:0
	[ "$status" -eq 2 ]
	assert_output --partial "--ack a\\q: unknown escape"
	run "$SOCKIT" listen --ack "$(head -c 1025 /dev/zero | tr '\0' x)" 127.0.0.1:0
	[ "$status" -eq 2 ]
	assert_output --partial "at most 1024 bytes"
}

@test "--ack: a client that reads its acks late still gets every one" {
	start_server l listen --recv-only --ack 'acknowledged, thank you' 127.0.0.1:0
	py "$ADDR" <<'PY'
s = connect(sys.argv[1], timeout=30)
N = 1 << 20
done = threading.Event()
def writer():
    s.sendall(b"\n" * N)    # far more acks than any buffer holds
    done.set()
threading.Thread(target=writer, daemon=True).start()
# Nothing read for a while: the server pauses this client meanwhile.
done.wait(2)
got = b""
while len(got) < N * 24:
    b = s.recv(1 << 20)
    if not b:
        break
    got += b
assert got == b"acknowledged, thank you\n" * N, len(got)
PY
}
