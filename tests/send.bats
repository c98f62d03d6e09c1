#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit send: stdin and the socket at once, half-close on stdin EOF,
# exit when the peer closes, -m, --send-only, --recv-only, -w, -i, and a
# terminal on stdin.  The servers are python3, nc and socat.

load test_helper

bats_require_minimum_version 1.5.0

@test "stdin EOF half-closes; the reply after it is still printed" {
	random_file "$T/in.bin" 3000000
	start_py srv counter.py
	run "$SOCKIT" send "$ADDR" <"$T/in.bin"
	assert_success
	assert_output "3000000 $(sha256sum <"$T/in.bin" | cut -d' ' -f1)"
}

@test "-m sends each message with the delimiter, not stdin" {
	start_py srv counter.py
	run "$SOCKIT" send -m one -m two "$ADDR" <<<"ignored stdin"
	assert_success
	assert_output "8 $(printf 'one\ntwo\n' | sha256sum | cut -d' ' -f1)"
}

@test "-m with -d '\\r\\n' and with -0" {
	start_py srv counter.py
	run "$SOCKIT" send -d '\r\n' -m 'GET / HTTP/1.0' -m '' "$ADDR"
	assert_output "18 $(printf 'GET / HTTP/1.0\r\n\r\n' | sha256sum | cut -d' ' -f1)"
	start_py srv2 counter.py
	run "$SOCKIT" send -0 -m a -m b "$ADDR"
	assert_output "4 $(printf 'a\0b\0' | sha256sum | cut -d' ' -f1)"
}

@test "the HOST PORT form connects like HOST:PORT" {
	start_py srv counter.py
	run "$SOCKIT" send -m x 127.0.0.1 "$PORT"
	assert_success
	assert_output --regexp '^2 '
}

@test "a unix listener (socat) gets stdin and its reply comes back" {
	# socat announces nothing, so this listener is python3; socat is the
	# client side in the next test.
	start_py srv upper.py "$T/u.sock"
	run "$SOCKIT" send "$T/u.sock" <<<"shout this"
	assert_success
	assert_output "SHOUT THIS"
}

@test "send talks to sockit listen through socat: send | socat relay | listen" {
	start_server l listen --once 127.0.0.1:0
	target=$ADDR
	start_py px socat_proxy.py "$T/p.sock" "$target"
	random_file "$T/in.bin" 1000000
	"$SOCKIT" send "$T/p.sock" <"$T/in.bin"
	wait_exit "$(head -n 1 "$T/pids")"
	cmp "$T/in.bin" "$T/l.out"
}

@test "a unix peer that closes ends send at once, though stdin is still open" {
	start_py srv bye.py "$T/u.sock"
	mkfifo "$T/stdin"
	exec 5<>"$T/stdin"	# open, never written, never closed
	run "$SOCKIT" send "$ADDR" <"$T/stdin"
	exec 5>&-
	assert_success
	assert_output "bye"
}

@test "a TCP peer that closes ends send at the next write that fails, with exit 1" {
	# Over TCP a close and a half-close look alike until a write is
	# refused; bytes already in the pipe must not be dropped on a guess.
	# The peer never took the lines written after it closed: an error.
	start_py srv bye.py
	mkfifo "$T/stdin"
	exec 5<>"$T/stdin"
	"$SOCKIT" send "$ADDR" <"$T/stdin" >"$T/out" 2>"$T/err" 3>&- &
	pid=$!
	wait_for '[ -s "$T/out" ]'
	# feed stdin until send notices (the first write draws the reset)
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		echo "more $i" >&5
		sleep 0.05
	done
	wait_exit "$pid"
	exec 5>&-
	[ "$STATUS" -eq 1 ]
	[ "$(cat "$T/out")" = "bye" ]
	# stdin's writer is still there: how much more it has is unknown
	grep -E "^sockit: send: $ADDR: .* \(([0-9]+ bytes and )?the rest of the input not sent\)$" "$T/err"
}

@test "a terminal on stdin: send exits as soon as the peer closes" {
	start_py srv bye.py
	run python3 - "$SOCKIT" "$ADDR" <<'PY'
import os, pty, subprocess, sys
m, s = pty.openpty()
p = subprocess.Popen([sys.argv[1], "send", sys.argv[2]], stdin=s,
                     stdout=subprocess.PIPE)
os.close(s)
out = p.stdout.read()
print(out.decode(), end="")
print("exit", p.wait(timeout=10))
PY
	assert_success
	assert_output "$(printf 'bye\nexit 0')"
}

@test "after the peer closes, stdin that is already waiting is still sent" {
	# The server reads everything, then closes: data ready on stdin at
	# that point is not dropped.
	random_file "$T/in.bin" 2000000
	start_py srv counter.py
	run "$SOCKIT" send "$ADDR" <"$T/in.bin"
	assert_output --regexp "^2000000 "
}

@test "--send-only never prints the reply and exits after sending" {
	start_py srv counter.py
	run "$SOCKIT" send --send-only -m "just this" "$ADDR"
	assert_success
	[ -z "$output" ]
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
}

@test "--recv-only never reads stdin and prints what arrives" {
	start_py srv news.py
	run "$SOCKIT" send --recv-only "$ADDR" <<<"stdin data"
	assert_success
	assert_output "news"
	wait_exit "$PID"
	[ "$(cat "$T/srv.out")" = "(nothing)" ]
}

@test "a refused connect exits 1 with the address in the message" {
	port=$(free_port)
	run "$SOCKIT" send -m x "127.0.0.1:$port"
	assert_failure 1
	assert_output "sockit: send: connect 127.0.0.1:$port: Connection refused"
}

@test "a missing unix socket exits 1" {
	run "$SOCKIT" send -m x "$T/none.sock"
	assert_failure 1
	assert_output "sockit: send: connect $T/none.sock: No such file or directory"
	run "$SOCKIT" send -m x "@sockit-none-$$"
	assert_failure 1
	assert_output --partial "connect @sockit-none-$$: Connection refused"
}

@test "-w: a connect that hangs fails after the timeout with exit 1" {
	# A listener whose accept queue is full drops further SYNs.
	start_py srv blackhole.py
	run "$SOCKIT" send -w 300ms -m x "$ADDR"
	assert_failure 1
	assert_output "sockit: send: connect $ADDR: Connection timed out"
}

@test "-i: no traffic either way for that long exits 1 with a message" {
	start_py srv idle_reader.py
	mkfifo "$T/stdin"
	exec 5<>"$T/stdin"
	run "$SOCKIT" send -i 300ms "$ADDR" <"$T/stdin"
	exec 5>&-
	assert_failure 1
	assert_output "sockit: send: idle for 300 ms: closing"
}

@test "a terminal on stdin: each line is sent when entered" {
	start_py srv got_lines.py
	run python3 - "$SOCKIT" "$ADDR" <<'PY'
import os, pty, subprocess, sys, select
m, s = pty.openpty()
p = subprocess.Popen([sys.argv[1], "send", sys.argv[2]], stdin=s,
                     stdout=subprocess.PIPE)
os.close(s)
out = b""
for line in (b"first\n", b"second\n"):
    os.write(m, line)
    # the echo of this line must come back before the next is typed
    want = b"got " + line
    while not out.endswith(want):
        r, _, _ = select.select([p.stdout], [], [], 10)
        assert r, "no reply for %r" % line
        out += os.read(p.stdout.fileno(), 100)
print(out.decode(), end="")
print("exit", p.wait(timeout=10))
PY
	assert_success
	assert_output "$(printf 'got first\ngot second\nexit 0')"
}

@test "SIGTERM stops send with exit 0" {
	start_py srv hello.py
	mkfifo "$T/stdin"
	exec 5<>"$T/stdin"
	"$SOCKIT" send "$ADDR" <"$T/stdin" >"$T/out" 3>&- &
	pid=$!
	wait_for '[ -s "$T/out" ]'
	kill -TERM "$pid"
	wait_exit "$pid"
	exec 5>&-
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$T/out")" = "hello" ]
}

@test "-v logs the connect and byte counts" {
	start_py srv counter.py
	run "$SOCKIT" send -v -m abc "$ADDR"
	assert_success
	assert_line "sockit: send: connected to $ADDR"
	assert_line --regexp "^sockit: send: $ADDR closed: 4 bytes sent, [0-9]+ received$"
}

@test "-4 and -6 restrict the family" {
	start_py srv counter.py
	run "$SOCKIT" send -6 -m x "$ADDR"
	assert_failure
	run "$SOCKIT" send -4 -m x "$ADDR"
	assert_success
}

@test "a reset from the peer exits 1" {
	start_py srv reset.py
	mkfifo "$T/stdin"
	exec 5<>"$T/stdin"
	echo hi >&5
	run "$SOCKIT" send "$ADDR" <"$T/stdin"
	exec 5>&-
	assert_failure 1
	assert_output --partial "Connection reset by peer"
}

# A peer that takes a little of a large stdin and resets, or closes at
# once without reading: send must not pass that off as success.
# both_modes PEER CHECK: 8 MB of stdin to a fresh PEER, with send and
# with send --send-only; CHECK (a function) judges each run.
both_modes() {
	local peer=$1 check=$2 opt
	random_file "$T/in.bin" 8000000
	for opt in "" --send-only; do
		start_py "srv$opt" "$peer"
		run "$SOCKIT" send $opt "$ADDR" <"$T/in.bin"
		$check
	done
}

reset_reported() {
	assert_failure 1
	assert_output --regexp "^sockit: send: $ADDR: Connection reset by peer \([0-9]+ bytes not sent\)$"
}

close_reported() {
	assert_failure 1
	assert_output --regexp "^sockit: send: $ADDR: (Connection reset by peer|peer closed before taking all of the input) \([0-9]+ bytes not sent\)$"
}

@test "a peer that resets before taking all of stdin: exit 1 and how much was not sent" {
	both_modes reset.py reset_reported
}

@test "a peer that closes without reading: exit 1 and how much was not sent" {
	both_modes closer.py close_reported
}

# A peer that reads 10 bytes of 20 MB and closes: what send says was not
# sent must be true.  The peer's kernel holds at most its receive buffer
# (64 KiB, doubled) unread, so at least 20 MB less that cannot have gone.
@test "a peer that reads 10 bytes of a 20 MB file: the count not sent is true" {
	local opt n
	head -c 20000000 /dev/zero >"$T/in.bin"
	for opt in "" reset; do
		start_py p read_some.py 10 $opt
		run -1 "$SOCKIT" send "$ADDR" <"$T/in.bin"
		assert_output --regexp "^sockit: send: $ADDR: (Connection reset by peer|peer closed before taking all of the input) \([0-9]+ bytes not sent\)$"
		n=$(sed -E 's/.*\(([0-9]+) bytes.*/\1/' <<<"$output")
		[ "$n" -le 19999990 ]
		[ "$n" -ge $((20000000 - 262144)) ]
	done
}

@test "a peer that reads 10 bytes of a 20 MB pipe: the rest of the input was not sent" {
	start_py p read_some.py 10
	run -1 bash -c 'head -c 20000000 /dev/zero | "$0" send "$1"' "$SOCKIT" "$ADDR"
	assert_output --regexp "^sockit: send: $ADDR: (Connection reset by peer|peer closed before taking all of the input) \(([0-9]+ bytes and )?the rest of the input not sent\)$"
}

@test "a reset after all of stdin (/dev/null) went out claims no input lost" {
	start_py p reset.py
	run -1 "$SOCKIT" send "$ADDR" </dev/null
	assert_output "sockit: send: $ADDR: Connection reset by peer"
}

@test "a peer that takes all of a large stdin and then closes: exit 0, also --send-only" {
	both_modes counter.py assert_success
}

@test "a PORT-only (dual-stack) listen -L labels IPv4 clients as 127.0.0.1:PORT" {
	start_server l listen --once -L 0
	run "$SOCKIT" send -v -m hello "127.0.0.1:$PORT"
	assert_success
	wait_exit "$PID"
	run cat "$T/l.out"
	assert_output --regexp '^127\.0\.0\.1:[0-9]+ hello$'
}

@test "send -z: exit 0 when every address accepts, 1 if any does not; -v says which were open" {
	local closed
	closed=$(free_port)
	start_server a echo 127.0.0.1:0
	local open1=$ADDR
	start_server b echo "$T/b.sock"
	run -0 "$SOCKIT" send -z "$open1"
	[ -z "$output" ]
	run -0 "$SOCKIT" send -zv "$open1" "$T/b.sock"
	assert_line "sockit: send: $open1: open"
	assert_line "sockit: send: $T/b.sock: open"
	run -1 "$SOCKIT" send -z -v "$open1" "127.0.0.1:$closed"
	assert_line "sockit: send: $open1: open"
	assert_line "sockit: send: connect 127.0.0.1:$closed: Connection refused"
	run -1 "$SOCKIT" send -z "127.0.0.1:$closed"
	[ -z "$output" ]
	# nc's HOST PORT form is one address
	run -0 "$SOCKIT" send -z 127.0.0.1 "${open1##*:}"
}

@test "send -z HOST PORT...: nc's form, with several ports and ranges" {
	local closed p1 p2 lo
	closed=$(free_port)
	start_server a echo 127.0.0.1:0
	p1=$PORT
	start_server b echo 127.0.0.1:0
	p2=$PORT
	run -0 "$SOCKIT" send -zv 127.0.0.1 "$p1" "$p2"
	assert_line "sockit: send: 127.0.0.1 $p1: open"
	assert_line "sockit: send: 127.0.0.1 $p2: open"
	run -1 "$SOCKIT" send -zv 127.0.0.1 "$p1" "$closed"
	assert_line "sockit: send: 127.0.0.1 $p1: open"
	assert_line "sockit: send: connect 127.0.0.1:$closed: Connection refused"
	# a range: each port in it is probed, the open one said so
	lo=$((p1 > 2 ? p1 - 2 : p1))
	run "$SOCKIT" send -zv 127.0.0.1 "$lo-$p1"
	assert_line "sockit: send: 127.0.0.1 $p1: open"
	[ "$(grep -c '^sockit: send: ' <<<"$output")" -eq $((p1 - lo + 1)) ]
	# a bad port operand is a usage error before any probe
	run -2 "$SOCKIT" send -zv 127.0.0.1 "$p1" 30-20
	assert_line --index 0 "sockit: send: 30-20: not a port or a range of ports (80, http, 20-30)"
	refute_output --partial open
}

@test "send -z: the server sees a connection that closes without data" {
	start_py srv accepted.py
	run -0 "$SOCKIT" send -z "$ADDR" </dev/null
	wait_exit "$PID"
	[ "$(cat "$T/srv.out")" = accepted ]
}

@test "send -q: after stdin ends, replies are read for DURATION, then exit 0 though the peer holds on" {
	start_py srv report.py hold
	run -0 timeout 20 "$SOCKIT" send -q 300ms "$ADDR" <<<"question"
	[ "$output" = hi ]
	wait_for '[ "$(sed -n 2p "$T/srv.out")" = "$(printf "question\n" | xxd -p)" ]'
}

@test "send -C: each LF of stdin and of -m goes out as CRLF (the peer reports the bytes)" {
	start_py srv report.py
	printf 'a\nb\n\nc' | timeout 20 "$SOCKIT" send -C "$ADDR" >/dev/null
	wait_exit "$PID"
	[ "$(sed -n 2p "$T/srv.out")" = "$(printf 'a\r\nb\r\n\r\nc' | xxd -p)" ]
	start_py srv2 report.py
	timeout 20 "$SOCKIT" send -C -m one -m 'two' "$ADDR" >/dev/null
	wait_exit "$PID"
	[ "$(sed -n 2p "$T/srv2.out")" = "$(printf 'one\r\ntwo\r\n' | xxd -p)" ]
}

@test "send -C: a large stdin of newlines arrives whole, each as CRLF" {
	start_py srv report.py
	python3 -c 'import sys; sys.stdout.write("x\n" * 300000)' >"$T/in"
	timeout 20 "$SOCKIT" send -C "$ADDR" <"$T/in" >/dev/null
	wait_exit "$PID"
	[ "$(sed -n 2p "$T/srv.out")" = "$(sed 's/$/\r/' "$T/in" | xxd -p | tr -d '\n')" ]
}

@test "send -s: the local end is bound to the source port (the peer reports it)" {
	local src
	src=$(free_port)
	start_py srv report.py
	timeout 20 "$SOCKIT" send -s "127.0.0.1:$src" -m x "$ADDR" >/dev/null
	wait_exit "$PID"
	[ "$(sed -n 1p "$T/srv.out")" = "from 127.0.0.1:$src" ]
	start_py srv2 report.py
	src=$(free_port)
	timeout 20 "$SOCKIT" send -s "$src" -m x "$ADDR" >/dev/null
	wait_exit "$PID"
	[ "$(sed -n 1p "$T/srv2.out")" = "from 127.0.0.1:$src" ]
	run -2 "$SOCKIT" send -s 127.0.0.1 "$T/a.sock"
	[[ ${lines[0]} == *"a source applies to TCP"* ]]
}

# The pipe <-> socket fast path (splice): a pipe on both sides, a reader
# slower than the writer so that stdout fills and the listener must wait
# for it, and every byte checked.  -vv shows that the path was taken.
@test "pipe to send to listen --once to a slow pipe: 16 MB byte-exact, spliced" {
	random_file "$T/in.bin" 16000000
	mkfifo "$T/l.ready" "$T/o"
	# The reader first: opening the FIFO for writing waits for it.
	python3 "$PEERS/slow_copy.py" <"$T/o" >"$T/got.bin" 3>&- &
	rpid=$!
	echo "$rpid" >>"$T/pids"
	"$SOCKIT" listen --once -vv --ready-fd 4 127.0.0.1:0 4>"$T/l.ready" \
		</dev/null >"$T/o" 2>"$T/l.err" 3>&- &
	await_ready l $!
	lpid=$PID
	cat "$T/in.bin" | "$SOCKIT" send -vv "$ADDR" 2>"$T/s.err"
	wait_exit "$lpid"
	[ "$STATUS" = 0 ]
	wait_exit "$rpid"
	cmp "$T/in.bin" "$T/got.bin"
	grep -q 'spliced to' "$T/s.err"
	grep -q 'spliced to' "$T/l.err"
}

@test "listen --once into a pipe whose reader leaves: exit 0, nothing said" {
	random_file "$T/in.bin" 16000000
	mkfifo "$T/l.ready" "$T/o"
	head -c 1000 <"$T/o" >"$T/got.bin" 3>&- &
	echo $! >>"$T/pids"
	"$SOCKIT" listen --once --ready-fd 4 127.0.0.1:0 4>"$T/l.ready" \
		</dev/null >"$T/o" 2>"$T/l.err" 3>&- &
	await_ready l $!
	lpid=$PID
	cat "$T/in.bin" | "$SOCKIT" send "$ADDR" 2>/dev/null || true
	wait_exit "$lpid"
	[ "$STATUS" = 0 ]
	[ ! -s "$T/l.err" ]
	cmp -n 1000 "$T/in.bin" "$T/got.bin"
}
