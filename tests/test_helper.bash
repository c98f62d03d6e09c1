# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Shared by every tests/*.bats: start real sockit servers on port 0 or a
# unix path in $BATS_TEST_TMPDIR, learn their address from --ready-fd
# (no sleeps, no fixed ports), and kill them by pid in teardown.

# bats (1.7 and later) sets BATS_LIB_PATH to /usr/lib/bats when it is
# unset, where Debian's bats-support and bats-assert live; a local
# install (make install of bats-core's helpers) is searched after it.
BATS_LIB_PATH=${BATS_LIB_PATH:+$BATS_LIB_PATH:}/usr/lib/bats:/usr/local/lib/bats
bats_load_library bats-support
bats_load_library bats-assert

SOCKIT=${SOCKIT:-$BATS_TEST_DIRNAME/../src/sockit}
T=$BATS_TEST_TMPDIR
# The python3 peers, and sockpeer.py, the module of socket helpers they
# and the inline scripts of `py` import.
PEERS=$(cd "$BATS_TEST_DIRNAME/peers" && pwd)
# No __pycache__ in the source tree (nor in a dist tarball).
export PYTHONDONTWRITEBYTECODE=1

# start_server NAME COMMAND ARGS...
# Runs `sockit COMMAND --ready-fd 4 ARGS` in the background with stdin from
# $SERVER_STDIN (default /dev/null), stdout to $T/NAME.out and stderr to
# $T/NAME.err.  Sets ADDR (as the server wrote it), PORT (TCP) and PID.
start_server() {
	local name=$1 fifo
	shift
	fifo=$T/$name.ready
	rm -f "$fifo"
	mkfifo "$fifo"
	# --ready-fd right after COMMAND: exec's PROGRAM ARGS come last
	"$SOCKIT" "$1" --ready-fd 4 "${@:2}" 4>"$fifo" <"${SERVER_STDIN:-/dev/null}" \
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

# usage_fails CMD "expected text" ARGS...: exit 2, one error line naming
# the command, then the pointer to --help.
usage_fails() {
	local cmd=$1 want=$2
	shift 2
	run "$SOCKIT" "$cmd" "$@"
	assert_failure 2
	assert_line --index 0 --partial "sockit: $cmd: "
	assert_line --index 0 --partial "$want"
	assert_line --index 1 "Try 'sockit $cmd --help'."
	[ "${#lines[@]}" -eq 2 ]
}

# A file of N random bytes.
random_file() {
	head -c "$2" /dev/urandom >"$1"
}

# start_py NAME SCRIPT [ARGS...]
# Runs the python3 peer tests/peers/SCRIPT in the background; it
# announces its address with ready() from sockpeer.py.  Stdout goes to
# $T/NAME.out, stderr to $T/NAME.err.  Sets ADDR, PORT and PID like
# start_server.
start_py() {
	local name=$1 script=$2 fifo
	shift 2
	fifo=$T/$name.ready
	rm -f "$fifo"
	mkfifo "$fifo"
	python3 "$PEERS/$script" "$@" 4>"$fifo" </dev/null \
		>"$T/$name.out" 2>"$T/$name.err" 3>&- &
	await_ready "$name" $!
}

# A port with nothing listening on it (bound, then closed).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# py ARGS... <<'EOF' ... EOF: run an inline python3 script with the
# helpers of tests/peers/sockpeer.py imported.  ADDRs are as --ready-fd
# writes them.
py() {
	PYTHONPATH=$PEERS${PYTHONPATH:+:$PYTHONPATH} python3 -c "from sockpeer import *
$(cat)" "$@"
}
