#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Stress: what reviews tried by hand, made permanent.  Randomized
# interleaving of many clients' messages through listen, the broadcast
# of listen's stdin to slow, late and leaving clients, no CPU burnt in
# any waiting state, and 1,500 clients at once on both event loops.
# Real sockit processes; the peers are python3 (tests/peers).  Each test
# says what breakage it catches.

load test_helper

# listen_stress BACKEND DELIM: four listens at once with -d DELIM, one
# each plain, -L, --output-delimiter, and both; eight clients on each
# send 100 messages cut in random pieces (see peers/listen_stress.py).
# Catches: messages of concurrent clients interleaved mid-message, bytes
# lost, doubled or altered, a delimiter split across reads missed, a
# label on the wrong client's message, an output delimiter not put on.
# STRESS_SEED=N repeats a failing run (the seed is printed).
listen_stress() {
	local backend=$1 delim=$2 odelim='<EOM>\n' specs=() l name label odl args
	local seed=${STRESS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	for l in plain:0: label:1: od:0:$odelim both:1:$odelim; do
		IFS=: read -r name label odl <<<"$l"
		args=(--backend "$backend" -d "$delim")
		[ "$label" = 0 ] || args+=(-L)
		[ -z "$odl" ] || args+=(--output-delimiter "$odl")
		start_server "$name" listen "${args[@]}" 127.0.0.1:0
		specs+=("$ADDR,$T/$name.out,$label,$odl")
	done
	python3 "$PEERS/listen_stress.py" "$seed" "$delim" 8 100 "${specs[@]}"
}

@test "listen stress, select: '\\n'" { listen_stress select '\n'; }
@test "listen stress, select: '\\r\\n'" { listen_stress select '\r\n'; }
@test "listen stress, select: '\\0'" { listen_stress select '\0'; }
@test "listen stress, select: a 16-byte delimiter" { listen_stress select '\x01sockit-delim-16'; }
@test "listen stress, epoll: '\\n'" { listen_stress epoll '\n'; }
@test "listen stress, epoll: '\\r\\n'" { listen_stress epoll '\r\n'; }
@test "listen stress, epoll: '\\0'" { listen_stress epoll '\0'; }
@test "listen stress, epoll: a 16-byte delimiter" { listen_stress epoll '\x01sockit-delim-16'; }

# Catches: stdin bytes dropped, reordered or repeated for a client that
# reads slowly (instead of stdin waiting for it), a late joiner that
# gets a gap or a stale buffer, a client that leaves mid-way disturbing
# the others or getting what was not sent.
@test "listen broadcast: slow reader gets all of stdin, late joiner an exact tail, quitter an exact prefix" {
	mkfifo "$T/stdin"
	exec 5<>"$T/stdin"
	SERVER_STDIN=$T/stdin start_server l listen -v 127.0.0.1:0
	local seed=${STRESS_SEED:-$RANDOM}
	python3 "$PEERS/broadcast.py" "$ADDR" "$T/l.err" "$seed"
	exec 5>&-
	kill -0 "$PID"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Catches: a busy loop in any waiting state (a zero or missed timeout, a
# descriptor polled for an event that never clears: stdin at EOF, a
# writable socket with nothing to write, a full listen queue...).  Spinning
# costs ~100 ticks a second; the limit is 10 (0.1 s of CPU in ~1 s).
# A spinner is busy in every span; a process that merely lost its CPU
# to a loaded machine or a sanitizer's own work in one span is not, so
# one over the limit is measured again and fails only if busy again.
@test "no CPU burnt while waiting: listen, send, echo, clock, relay" {
	local name pids=() names=() before=() i used bad=""
	mkfifo "$T/l0.in" "$T/l1.in" "$T/s.in"
	exec 5<>"$T/l0.in" 6<>"$T/l1.in" 7<>"$T/s.in"	# open, never written
	SERVER_STDIN=$T/l0.in start_server l0 listen -v 127.0.0.1:0
	pids+=("$PID"); names+=("listen, no client")
	SERVER_STDIN=$T/l1.in start_server l1 listen -v 127.0.0.1:0
	pids+=("$PID"); names+=("listen, one idle client")
	"$SOCKIT" send "$ADDR" <"$T/s.in" >"$T/s.out" 2>&1 5>&- 6>&- 7>&- 3>&- &
	echo "$!" >>"$T/pids"
	pids+=("$!"); names+=("send, connected, nothing to do")
	start_server l2 listen -v 127.0.0.1:0	# stdin /dev/null: at EOF
	pids+=("$PID"); names+=("listen, stdin at EOF, one client")
	local l2=$ADDR
	start_server e echo -v 127.0.0.1:0
	pids+=("$PID"); names+=("echo, one idle client")
	local e=$ADDR
	start_server k clock -v 127.0.0.1:0
	pids+=("$PID"); names+=("clock, one idle client")
	local k=$ADDR
	start_server t echo -v 127.0.0.1:0
	start_server r relay -v 127.0.0.1:0 "$ADDR"
	pids+=("$PID"); names+=("relay, one idle pair")
	start_py hold hold.py "$l2" "$e" "$k" "$ADDR"
	for name in l1 l2 e k r t; do
		wait_for grep -q "connection from" "$T/$name.err"
	done
	local suspects=("${!pids[@]}") span
	for span in 1 2; do
		for i in "${suspects[@]}"; do
			before[i]=$(cpu_ticks "${pids[i]}")
		done
		sleep 1	# the span measured, not a wait for readiness
		bad=""
		for i in "${suspects[@]}"; do
			used=$(($(cpu_ticks "${pids[i]}") - before[i]))
			echo "span $span: ${names[i]}: $used ticks"
			[ "$used" -lt 10 ] || bad+="$i "
		done
		read -ra suspects <<<"$bad"
		[ "${#suspects[@]}" -gt 0 ] || break
	done
	bad=""
	for i in "${suspects[@]}"; do
		bad+="${names[i]}; "
	done
	exec 5>&- 6>&- 7>&-
	[ -z "$bad" ] || { echo "busy while waiting: $bad"; return 1; }
}

# raise_nofile N: a soft descriptor limit of at least N for this test
# and what it starts (skip if the hard limit does not allow it).
raise_nofile() {
	[ "$(ulimit -Sn)" = unlimited ] || [ "$(ulimit -Sn)" -ge "$1" ] ||
		ulimit -Sn "$1" 2>/dev/null ||
		skip "cannot raise the descriptor limit to $1 (hard: $(ulimit -Hn))"
}

# Catches: select() given a descriptor >= FD_SETSIZE (memory corruption,
# a crash or clients never served), clients beyond the limit left hanging
# or half-served instead of closed at once, served clients disturbed by
# the refusals.
@test "1,500 clients at once: echo --backend select serves up to its limit and closes the rest at once" {
	raise_nofile 4096
	start_server e echo --backend select 127.0.0.1:0
	run python3 "$PEERS/many_clients.py" "$ADDR" 1500 950 1020
	echo "$output"
	assert_success
	assert_output --regexp '^served [0-9]+ refused [0-9]+$'
	kill -0 "$PID"
}

# Catches: a limit that epoll should not have (FD_SETSIZE, a fixed
# table, RLIMIT_NOFILE not raised for --max-conns), a client starved.
@test "1,500 clients at once: echo --backend epoll --max-conns 2000 serves them all" {
	raise_nofile 4096
	start_server e echo --backend epoll --max-conns 2000 127.0.0.1:0
	run python3 "$PEERS/many_clients.py" "$ADDR" 1500 1500 1500
	echo "$output"
	assert_success
	assert_output "served 1500 refused 0"
}
