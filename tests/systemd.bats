#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Socket activation: servers started by systemd-socket-activate (from
# the systemd package; it needs no systemd as PID 1) serve the socket
# they inherit, as ADDRESS systemd or systemd:NAME.

load test_helper

bats_require_minimum_version 1.5.0

setup() {
	command -v systemd-socket-activate >/dev/null ||
	    skip "systemd-socket-activate is not installed"
}

# activate NAME ARGS...: systemd-socket-activate ARGS in the background,
# its log (and sockit's) in $T/NAME.err; waits until it listens.  It
# runs sockit in its own place (exec) at the first connection.
activate() {
	local name=$1
	shift
	systemd-socket-activate "$@" </dev/null >"$T/$name.out" \
		2>"$T/$name.err" 3>&- &
	PID=$!
	echo "$PID" >>"$T/pids"
	wait_for 'grep -q "^Listening on" "$T/$name.err"'
}

@test "echo started by systemd-socket-activate serves two clients in a row" {
	local port
	port=$(free_port)
	activate a -l "127.0.0.1:$port" "$SOCKIT" echo -v systemd
	[ "$(printf 'first\n' | timeout 20 nc -N 127.0.0.1 "$port")" = first ]
	[ "$(printf 'second\n' | timeout 20 nc -N 127.0.0.1 "$port")" = second ]
	grep -q "sockit: echo: listening on 127.0.0.1:$port" "$T/a.err"
	# One sockit served both: systemd-socket-activate became it.
	[ "$(grep -c 'connection from' "$T/a.err")" -eq 2 ]
	kill "$PID"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
}

@test "relay started by systemd-socket-activate forwards two clients in a row" {
	local port
	start_server e echo 127.0.0.1:0
	port=$(free_port)
	activate a -l "127.0.0.1:$port" "$SOCKIT" relay systemd "$ADDR"
	random_file "$T/in" 200000
	timeout 20 nc -N 127.0.0.1 "$port" <"$T/in" >"$T/out1"
	timeout 20 nc -N 127.0.0.1 "$port" <"$T/in" >"$T/out2"
	cmp "$T/in" "$T/out1"
	cmp "$T/in" "$T/out2"
}

@test "systemd:NAME picks a socket by LISTEN_FDNAMES; a file it did not make stays" {
	local port
	port=$(free_port)
	activate a -l "127.0.0.1:$port" -l "$T/b.sock" --fdname=tcp:local \
		"$SOCKIT" echo -v systemd:local
	[ -S "$T/b.sock" ]
	[ "$(printf 'by name\n' | timeout 20 socat -t 20 - "UNIX-CONNECT:$T/b.sock")" = "by name" ]
	grep -q "sockit: echo: listening on unix:$T/b.sock" "$T/a.err"
	kill "$PID"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ -S "$T/b.sock" ]
}

@test "systemd without sockets passed, or passed to another process, is an error" {
	run -1 env -u LISTEN_PID -u LISTEN_FDS "$SOCKIT" echo systemd
	[ "$output" = "sockit: echo: systemd: no socket passed (LISTEN_PID and LISTEN_FDS are not set)" ]
	run -1 env LISTEN_PID=1 LISTEN_FDS=1 "$SOCKIT" echo systemd
	[[ $output == "sockit: echo: systemd: the sockets passed are for process 1, not this one"* ]]
}

@test "systemd: with two sockets, plain 'systemd' asks for a name" {
	local port
	port=$(free_port)
	activate a -l "127.0.0.1:$port" -l "$T/b.sock" --fdname=tcp:local \
		"$SOCKIT" echo systemd
	printf 'x\n' | timeout 20 nc -N 127.0.0.1 "$port" || true
	wait_exit "$PID"
	[ "$STATUS" -eq 1 ]
	grep -qF "sockit: echo: systemd: 2 sockets passed: pick one with systemd:NAME (LISTEN_FDNAMES=tcp:local)" "$T/a.err"
}

@test "echo -u started by systemd-socket-activate --datagram serves two peers in a row" {
	local port
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	activate a --datagram -l "127.0.0.1:$port" "$SOCKIT" echo -u -v systemd
	run timeout 20 "$SOCKIT" send -u -q 2 "127.0.0.1:$port" <<<"first"
	assert_output "first"
	run timeout 20 "$SOCKIT" send -u -q 2 "127.0.0.1:$port" <<<"second"
	assert_output "second"
	grep -q "sockit: echo: listening on udp:127.0.0.1:$port" "$T/a.err"
}

@test "a datagram socket served without -u, or a stream one with it, is a clear error" {
	local port
	port=$(free_port)
	activate a -l "127.0.0.1:$port" "$SOCKIT" echo -u systemd
	nc -z 127.0.0.1 "$port" || true		# the first connection starts it
	wait_exit "$PID"
	[ "$STATUS" -ne 0 ]
	grep -q "a stream socket: serve it without -u" "$T/a.err"
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	activate b --datagram -l "127.0.0.1:$port" "$SOCKIT" echo systemd
	"$SOCKIT" send -u -m x "127.0.0.1:$port"	# the first datagram starts it
	wait_exit "$PID"
	[ "$STATUS" -ne 0 ]
	grep -q "a datagram socket: serve it with -u" "$T/b.err"
}

@test "LISTEN_FDS beyond the descriptor limit is refused at once" {
	# (the variables name this very process: sh execs sockit)
	run -1 timeout 20 sh -c 'LISTEN_PID=$$ LISTEN_FDS=2147483644 exec "$0" echo systemd' "$SOCKIT"
	assert_output --regexp "^sockit: echo: systemd: LISTEN_FDS=2147483644: descriptors 3 to 2147483646 cannot be open under RLIMIT_NOFILE=[0-9]+$"
	run -1 timeout 20 sh -c 'ulimit -n 64; LISTEN_PID=$$ LISTEN_FDS=62 exec "$0" echo systemd' "$SOCKIT"
	assert_output "sockit: echo: systemd: LISTEN_FDS=62: descriptors 3 to 64 cannot be open under RLIMIT_NOFILE=64"
}

@test "systemd:NAME not passed names every socket LISTEN_FDNAMES gave" {
	run -1 sh -c 'LISTEN_PID=$$ LISTEN_FDS=2 LISTEN_FDNAMES=tcp:local exec "$0" echo systemd:other 3</dev/null 4</dev/null' "$SOCKIT"
	assert_output "sockit: echo: systemd:other: no socket of that name was passed (LISTEN_FDNAMES=tcp:local)"
}
