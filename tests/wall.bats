#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit wall: the clock wall of several servers.  Sources are real
# `sockit clock` servers in different time zones and python peers
# (tests/peers/wall_source.py); the terminal is a real pseudo-terminal
# (tests/peers/wall_tty.py).

load test_helper

TIME='[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'

# start_clock NAME TZ [ARGS...]: a sockit clock in time zone TZ.
start_clock() {
	local name=$1 tz=$2
	shift 2
	TZ=$tz start_server "$name" clock "$@" 127.0.0.1:0
}

# wall ARGS...: sockit wall, its stdout a pipe, at most 20 s.
wall() {
	run timeout 20 "$SOCKIT" wall "$@"
}

@test "not a terminal: a header of NAMEs, then -c rows of tab-separated values" {
	start_clock ny America/New_York -f %Z
	ny=$ADDR
	start_clock ldn Europe/London -f %Z
	ldn=$ADDR
	start_clock tyo Asia/Tokyo -f %Z
	tyo=$ADDR
	wall -c 3 NewYork="$ny" London="$ldn" Tokyo="$tyo"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "$(printf 'NewYork\tLondon\tTokyo')" ]
	want=$(printf '%s\t%s\t%s' "$(TZ=America/New_York date +%Z)" \
	    "$(TZ=Europe/London date +%Z)" "$(TZ=Asia/Tokyo date +%Z)")
	# (a zone may change its abbreviation between date and the row)
	for i in 1 2 3; do
		[ "${lines[$i]}" = "$want" ]
	done
}

@test "the Go book's wall: three clocks, the hours as their zones say" {
	start_clock ny America/New_York -f '%H:%M:%S %z'
	ny=$ADDR
	start_clock tyo Asia/Tokyo -f '%H:%M:%S %z'
	tyo=$ADDR
	wall -c 2 NewYork="$ny" Tokyo="$tyo"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	for i in 1 2; do
		[[ ${lines[$i]} =~ ^($TIME)\ ([-+][0-9]{4})$'\t'($TIME)\ ([-+][0-9]{4})$ ]]
		[ "${BASH_REMATCH[2]}" = "$(TZ=America/New_York date +%z)" ]
		[ "${BASH_REMATCH[4]}" = "+0900" ]
	done
}

@test "the heading defaults to the address as given" {
	start_clock c UTC
	wall -c 1 "$ADDR" Named="$ADDR"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf '%s\tNamed' "$ADDR")" ]
	[[ ${lines[1]} =~ ^$TIME$'\t'$TIME$ ]]
}

@test "'-' before a first message, 'down' for a source that cannot be reached" {
	start_py s wall_source.py silent
	port=$(free_port)
	wall -c 2 -I 200ms Quiet="$ADDR" Gone=127.0.0.1:"$port"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'Quiet\tGone')" ]
	[ "${lines[1]}" = "$(printf -- '-\tdown')" ]
	[ "${lines[2]}" = "$(printf -- '-\tdown')" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "a source that comes up later is retried and shows up; the others go on" {
	start_clock c UTC
	clock=$ADDR
	port=$(free_port)
	"$SOCKIT" wall -I 200ms -w 200ms Up="$clock" Late=127.0.0.1:"$port" \
	    >"$T/w.out" 2>"$T/w.err" 3>&- &
	wall=$!
	echo "$wall" >>"$T/pids"
	wait_for "grep -qE \$'^$TIME\\tdown\$' '$T/w.out'"
	TZ=UTC start_server late clock 127.0.0.1:"$port"
	wait_for "grep -qE \$'^$TIME\\t$TIME\$' '$T/w.out'"
	kill -TERM "$wall"
	wait_exit "$wall"
	[ "$STATUS" -eq 0 ]
}

@test "a source that closes shows 'down', then comes back" {
	start_py b wall_source.py bounce "$T/go"
	"$SOCKIT" wall -I 100ms -w 100ms B="$ADDR" >"$T/w.out" 2>&1 3>&- &
	wall=$!
	echo "$wall" >>"$T/pids"
	wait_for "grep -qx one '$T/w.out'"
	wait_for "grep -qx down '$T/w.out'"
	touch "$T/go"
	wait_for "grep -qx two '$T/w.out'"
	kill -TERM "$wall"
	wait_exit "$wall"
	[ "$STATUS" -eq 0 ]
	# in that order, and nothing else in the rows
	[ "$(sed 1d "$T/w.out" | uniq | grep -v -- '^-$' | tr '\n' ' ')" = \
	    "one down two " ]
}

@test "the first row comes once every source has spoken, not after -I" {
	start_clock a UTC
	a=$ADDR
	start_clock b Asia/Tokyo
	b=$ADDR
	port=$(free_port)
	start=$(date +%s%N)
	wall -c 1 -I 30s A="$a" B="$b" C=127.0.0.1:"$port"
	[ "$status" -eq 0 ]
	[ "$(( ($(date +%s%N) - start) / 1000000000 ))" -lt 20 ]
	[[ ${lines[1]} =~ ^$TIME$'\t'$TIME$'\t'down$ ]]
}

@test "-c N: exactly N rows, then exit 0; SIGTERM exits 0 too" {
	start_clock c UTC
	wall -c 5 -I 50ms "$ADDR"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	"$SOCKIT" wall "$ADDR" >"$T/w.out" 3>&- &
	wall=$!
	echo "$wall" >>"$T/pids"
	wait_for "[ \$(wc -l <'$T/w.out') -ge 2 ]"
	kill -TERM "$wall"
	wait_exit "$wall"
	[ "$STATUS" -eq 0 ]
}

@test "binary from a source: control bytes and invalid UTF-8 escaped, one row" {
	start_py s wall_source.py send "$(printf 'a\tb\033[31mc\r\377\376 d\n' | od -An -v -tx1 | tr -d ' \n')"
	LC_ALL=C.UTF-8 wall -c 1 Bin="$ADDR"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = 'a\x09b\x1b[31mc\x0d\xff\xfe d' ]
}

@test "a 1 MB line is cut with an ellipsis; a 64 MB one costs no memory" {
	start_py s wall_source.py big "$T/sent"
	LC_ALL=C.UTF-8 "$SOCKIT" wall -I 100ms Big="$ADDR" >"$T/w.out" 3>&- &
	wall=$!
	echo "$wall" >>"$T/pids"
	LC_ALL=C.UTF-8 wait_for "grep -qx \"\$(printf 'A%.0s' {1..127})…\" '$T/w.out'"
	wait_for "[ -e '$T/sent' ]"
	wait_for "grep -qx \"\$(printf 'B%.0s' {1..127})…\" '$T/w.out'"
	# (under valgrind the RSS is valgrind's own)
	if [ -z "${VG_LOG_DIR:-}" ]; then
		hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$wall/status")
		echo "peak RSS: $hwm kB"
		[ "$hwm" -lt 16000 ]
	fi
	kill -TERM "$wall"
	wait_exit "$wall"
}

@test "a flood of lines: rows still come each interval, memory stays small" {
	start_py f wall_source.py flood
	flood=$ADDR
	start_clock c UTC
	wall -c 4 -I 200ms Flood="$flood" Clock="$ADDR"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	for i in 1 2 3 4; do
		[[ ${lines[$i]} =~ ^[0-9]+$'\t'$TIME$ ]]
	done
}

@test "a terminal: header, then the row redrawn in place, aligned by display width" {
	start_py s wall_source.py send "$(printf '東京🙂\n' | od -An -v -tx1 | tr -d ' \n')"
	cjk=$ADDR
	start_clock c UTC -f 'tick'
	LC_ALL=C.UTF-8 run python3 "$PEERS/wall_tty.py" "$T/tty" 60 none \
	    "$SOCKIT" wall -c 3 -I 100ms cjk="$cjk" clock="$ADDR"
	[ "$output" = 0 ]
	python3 - "$T/tty" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
print(repr(b))
hide, show = b"\x1b[?25l", b"\x1b[?25h"
assert b.startswith(hide + b"\x1b[K"), "cursor hidden first"
assert b.endswith(show + b"\r\n"), "cursor shown and the line ended at exit"
body = b[len(hide):-len(show) - 2]
header, rows = body.split(b"\r\r\n") if b"\r\r\n" in body else body.split(b"\r\n")
# one line for the header; the rows overwrite each other on the next
assert b"\n" not in rows
draws = rows.split(b"\r")
assert header == b"\x1b[Kcjk     clock", header
row = "東京🙂  tick".encode()
assert draws[0] == b"\x1b[K" + row, draws
assert all(d == b"\x1b[K" + row for d in draws[1:]) and len(draws) == 3, draws
PY
}

@test "a terminal narrower than the values: cut with an ellipsis, one line" {
	start_py s wall_source.py send "$(printf 'x%.0s' {1..300} | od -An -v -tx1 | tr -d ' \n')0a"
	LC_ALL=C.UTF-8 run python3 "$PEERS/wall_tty.py" "$T/tty" 30 none \
	    "$SOCKIT" wall -c 2 -I 100ms L="$ADDR" R="$ADDR"
	[ "$output" = 0 ]
	python3 - "$T/tty" <<'PY'
import sys
b = open(sys.argv[1], "rb").read().decode()
row = "\x1b[K" + "x" * 12 + "…" + "  " + "x" * 12 + "…"
assert ("\r" + row + "\x1b[?25h") in b, repr(b)
assert len("x" * 12 + "…" + "  " + "x" * 12 + "…") < 30
PY
}

@test "Ctrl-C on a terminal: the cursor is shown again, then death by SIGINT" {
	start_clock c UTC
	run python3 "$PEERS/wall_tty.py" "$T/tty" 80 INT "$SOCKIT" wall \
	    -I 100ms "$ADDR"
	[ "$output" = -2 ]
	python3 - "$T/tty" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
assert b.endswith(b"\x1b[?25h\r\n"), repr(b)
PY
	run python3 "$PEERS/wall_tty.py" "$T/tty" 80 TERM "$SOCKIT" wall \
	    -I 100ms "$ADDR"
	[ "$output" = 0 ]
	tail -c 8 "$T/tty" | od -c | grep -q '\[   ?   2   5   h'
}

@test "usage errors: no ADDRESS, an empty NAME, a bad address, -I 0" {
	run "$SOCKIT" wall
	[ "$status" -eq 2 ]
	assert_output --partial "sockit: wall: missing ADDRESS"
	run "$SOCKIT" wall =127.0.0.1:1
	[ "$status" -eq 2 ]
	assert_output --partial "empty NAME"
	run "$SOCKIT" wall A=nohost:
	[ "$status" -eq 2 ]
	assert_output --partial "Try 'sockit wall --help'."
	run "$SOCKIT" wall -I 0 127.0.0.1:1
	[ "$status" -eq 2 ]
}

@test "a unix path with '=' in it is an address, not NAME=ADDRESS" {
	mkdir -p "$T/a=b"
	start_server c clock "$T/a=b/c.sock"
	wall -c 1 "$T/a=b/c.sock"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$T/a=b/c.sock" ]
	[[ ${lines[1]} =~ ^$TIME$ ]]
}

@test "-i: a source silent that long is closed (down) and tried again" {
	start_py s wall_source.py silent
	wall -c 1 -I 300ms -i 200ms -w 1m -v Quiet="$ADDR"
	[ "$status" -eq 0 ]
	assert_line down
	assert_output --partial "$ADDR: idle"
	wall -c 1 -I 300ms Quiet="$ADDR"
	assert_line --index 1 -- -
}
