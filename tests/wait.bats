#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit wait: probes of TCP, unix and abstract addresses, servers that
# come up (or go away) after wait has started, timeouts and -- PROGRAM.

load test_helper

bats_require_minimum_version 1.5.0

# start_wait ARGS...: sockit wait in the background; WPID is its pid,
# its stdout and stderr go to $T/w.out and $T/w.err.
start_wait() {
	"$SOCKIT" wait "$@" </dev/null >"$T/w.out" 2>"$T/w.err" 3>&- &
	WPID=$!
	echo "$WPID" >>"$T/pids"
}

@test "wait: a unix socket file that does not exist yet, and a TCP server started later" {
	local port
	port=$(free_port)
	start_wait -v -t 60 "$T/later.sock" "127.0.0.1:$port"
	# Still waiting: neither exists.
	kill -0 "$WPID"
	start_server a echo "$T/later.sock"
	start_server b echo "127.0.0.1:$port"
	wait_exit "$WPID"
	[ "$STATUS" -eq 0 ]
	grep -q "^sockit: wait: $T/later.sock ready after [0-9.]* s$" "$T/w.err"
	grep -q "^sockit: wait: 127.0.0.1:$port ready after [0-9.]* s$" "$T/w.err"
}

@test "wait: an abstract name and a running server are ready at once" {
	local name=sockit-wait-$$-$BATS_TEST_NUMBER
	start_server a echo "@$name"
	start_server b echo 127.0.0.1:0
	run -0 timeout 20 "$SOCKIT" wait "@$name" "$ADDR"
	[ -z "$output" ]
}

@test "wait: the timeout exits 1 with one line naming the address not ready and why" {
	local port
	port=$(free_port)
	start_server a echo 127.0.0.1:0
	run -1 timeout 20 "$SOCKIT" wait -t 300ms "$ADDR" "127.0.0.1:$port" "$T/none.sock"
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "sockit: wait: timed out after 300 ms: 127.0.0.1:$port (Connection refused), $T/none.sock (No such file or directory) not ready" ]
}

@test "wait: a black-holed address does not hold the others back" {
	start_py hole blackhole.py
	[ "$ADDR" != queue-not-full ] || skip "the kernel answers a full accept queue"
	local hole=$ADDR
	start_server a echo 127.0.0.1:0
	run -1 timeout 20 "$SOCKIT" wait -v -w 200ms -t 2s "$hole" "$ADDR"
	[[ ${lines[0]} == "sockit: wait: $ADDR ready after 0."* ]]
	[[ ${lines[1]} == "sockit: wait: timed out after 2 s: $hole ("*") not ready" ]]
}

@test "wait --closed: returns once the server is gone; times out while it runs" {
	start_server a echo "$T/a.sock"
	local spid=$PID
	run -1 timeout 20 "$SOCKIT" wait --closed -t 200ms "$T/a.sock"
	[[ $output == *"$T/a.sock (still accepting) still open" ]]
	start_wait --closed -t 60 "$T/a.sock"
	kill -0 "$WPID"
	kill "$spid"
	wait_exit "$WPID"
	[ "$STATUS" -eq 0 ]
}

@test "wait -- PROGRAM: the program replaces sockit once all are ready, with its arguments and status" {
	start_server a echo 127.0.0.1:0
	start_wait "$ADDR" -- sh -c 'echo "ran $1 as $$"; exit 7' sh one
	wait_exit "$WPID"
	[ "$STATUS" -eq 7 ]
	[ "$(cat "$T/w.out")" = "ran one as $WPID" ]
	# Not ready: the program does not run.
	run -1 timeout 20 "$SOCKIT" wait -t 100ms "127.0.0.1:$(free_port)" -- touch "$T/ran"
	[ ! -e "$T/ran" ]
}

@test "wait -- PROGRAM that is missing exits 127, one not executable 126" {
	start_server a echo 127.0.0.1:0
	run -127 timeout 60 "$SOCKIT" wait -w 20 -t 30 "$ADDR" -- /no/such/program
	assert_output "sockit: wait: /no/such/program: command not found"
	run -127 timeout 60 "$SOCKIT" wait -w 20 -t 30 "$ADDR" -- no-such-program-in-path
	assert_output "sockit: wait: no-such-program-in-path: command not found"
	printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
	chmod 644 "$T/noexec"
	run -126 timeout 60 "$SOCKIT" wait -w 20 -t 30 "$ADDR" -- "$T/noexec"
	assert_output "sockit: wait: $T/noexec: Permission denied"
}

@test "wait: usage errors exit 2" {
	run -2 "$SOCKIT" wait
	[[ ${lines[0]} == "sockit: wait: missing ADDRESS" ]]
	run -2 "$SOCKIT" wait 127.0.0.1:1 --
	run -2 "$SOCKIT" wait -t soon 127.0.0.1:1
	run -2 "$SOCKIT" wait 127.0.0.1:99999
}

@test "wait: a probe is one connection that closes without data (nc -l sees it)" {
	start_py srv accepted.py
	run -0 timeout 20 "$SOCKIT" wait "$ADDR"
	# accepted.py prints "accepted", then returns at the probe's end.
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$T/srv.out")" = accepted ]
}
