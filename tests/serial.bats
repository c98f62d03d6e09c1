#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# serial:DEVICE for send and as relay's TARGET.  No hardware: a python3
# pty pair stands in for the device (tests/peers/fake_serial.py), its
# master answering each line with the settings the line has.

load test_helper

bats_require_minimum_version 1.5.0

setup() {
	export SOCKIT_LOCK_DIR=$BATS_TEST_TMPDIR/lock
	mkdir -p "$SOCKIT_LOCK_DIR"
	start_py dev fake_serial.py
	DEV=$ADDR
	LOCK=$SOCKIT_LOCK_DIR/LCK..${DEV#/dev/}
	LOCK=${LOCK//pts\//pts_}
}

# sockit send serial:$1 in the background, its stdin a fifo on fd 5.
start_send() {
	mkfifo "$T/in"
	"$SOCKIT" send -v "serial:$1" <"$T/in" >"$T/send.out" \
		2>"$T/send.err" 3>&- &
	SEND=$!
	echo "$SEND" >>"$T/pids"
	exec 5>"$T/in"
}

@test "send serial:DEVICE,BAUD talks to the device in raw mode; the line's hangup ends it" {
	start_send "$DEV,115200"
	echo hello >&5
	wait_for "grep -q 'got: hello' '$T/send.out'"
	echo hangup >&5
	wait_exit "$SEND" 60
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$T/send.out")" \
		'got: hello speed=115200 stop=1 flow=none raw'
	assert [ ! -e "$LOCK" ]
}

@test "send serial: takes the frame and flow control, in any order" {
	# a pty keeps the speed, stop bits and flow control, not the
	# data bits nor the parity: those are only parsed here
	start_send "$DEV,7E2,9600,xonxoff"
	echo one >&5
	wait_for "grep -q 'got: one' '$T/send.out'"
	echo hangup >&5
	wait_exit "$SEND" 60
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$T/send.out")" \
		'got: one speed=9600 stop=2 flow=xonxoff raw'
}

@test "send serial: rtscts, and the speed left as it was when none is given" {
	local speed
	speed=$(stty -F "$DEV" speed)
	start_send "$DEV,rtscts,5O1"
	echo two >&5
	wait_for "grep -q 'got: two' '$T/send.out'"
	echo hangup >&5
	wait_exit "$SEND" 60
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$T/send.out")" \
		"got: two speed=$speed stop=1 flow=rtscts raw"
}

@test "send serial: the lock file holds our pid; SIGTERM puts the settings back and removes it" {
	local before
	before=$(stty -F "$DEV" -g)
	start_send "$DEV,1200,7O1"
	echo hello >&5
	wait_for "grep -q 'got: hello' '$T/send.out'"
	assert_equal "$(tr -d ' ' <"$LOCK")" "$SEND"
	refute [ "$(stty -F "$DEV" -g)" = "$before" ]
	kill -TERM "$SEND"
	wait_exit "$SEND" 60
	assert_equal "$STATUS" 0
	assert [ ! -e "$LOCK" ]
	assert_equal "$(stty -F "$DEV" -g)" "$before"
}

@test "send serial: a device in use is refused with exit 1, naming the holder" {
	start_send "$DEV"
	echo hello >&5
	wait_for "grep -q 'got: hello' '$T/send.out'"
	run --separate-stderr "$SOCKIT" send "serial:$DEV" </dev/null
	assert_failure 1
	assert_equal "$stderr" \
		"sockit: send: $DEV: in use by pid $SEND (lock file $LOCK)"
	# the holder was not disturbed
	echo again >&5
	wait_for "grep -q 'got: again' '$T/send.out'"
}

@test "send serial: without a lock directory, flock still keeps the device to one user" {
	export SOCKIT_LOCK_DIR=$BATS_TEST_TMPDIR/none
	start_send "$DEV"
	echo hello >&5
	wait_for "grep -q 'got: hello' '$T/send.out'"
	run --separate-stderr "$SOCKIT" send "serial:$DEV" </dev/null
	assert_failure 1
	assert_equal "$stderr" \
		"sockit: send: $DEV: in use (another program holds its flock)"
}

@test "send serial: a stale lock file of a dead pid is taken over" {
	local dead
	dead=$(sh -c 'echo $$')
	printf '%10d\n' "$dead" >"$LOCK"
	start_send "$DEV"
	echo hi >&5
	wait_for "grep -q 'got: hi' '$T/send.out'"
	assert_equal "$(tr -d ' ' <"$LOCK")" "$SEND"
	echo hangup >&5
	wait_exit "$SEND" 60
	assert_equal "$STATUS" 0
	grep -q "$LOCK: stale lock file of pid $dead taken over" "$T/send.err"
	assert [ ! -e "$LOCK" ]
}

@test "send serial: a lock file that is not ours is never removed" {
	printf '%10d\n' 1 >"$LOCK"
	run --separate-stderr "$SOCKIT" send "serial:$DEV" </dev/null
	assert_failure 1
	assert_equal "$stderr" "sockit: send: $DEV: in use by pid 1 (lock file $LOCK)"
	assert_equal "$(cat "$LOCK")" "         1"
}

@test "serial: bad settings, devices and uses are one-line usage errors" {
	local -a cases=(
		"serial:$DEV,115201|serial:$DEV,115201: baud rate 115201: not one termios knows (the nearest is 115200)"
		"serial:$DEV,1000|serial:$DEV,1000: baud rate 1000: not one termios knows (the nearest is 1200)"
		"serial:$DEV,fast|serial:$DEV,fast: fast: not a serial setting (BAUD, 8N1 or 7E1..., rtscts or xonxoff)"
		"serial:$DEV,0|serial:$DEV,0: baud rate 0: not one termios knows (the nearest is 50)"
		"serial:$DEV,99999999999|serial:$DEV,99999999999: baud rate 99999999999: far too high"
		"serial:$DEV,9X1|serial:$DEV,9X1: 9X1: not a serial setting (BAUD, 8N1 or 7E1..., rtscts or xonxoff)"
		"serial:$DEV,8N3|serial:$DEV,8N3: 8N3: not a serial setting (BAUD, 8N1 or 7E1..., rtscts or xonxoff)"
		"serial:$DEV,4N1|serial:$DEV,4N1: 4N1: not a serial setting (BAUD, 8N1 or 7E1..., rtscts or xonxoff)"
		"serial:$DEV,9600,4800|serial:$DEV,9600,4800: 4800: a second baud rate"
		"serial:$DEV,8N1,7E1|serial:$DEV,8N1,7E1: 7E1: a second frame (8N1...)"
		"serial:$DEV,rtscts,xonxoff|serial:$DEV,rtscts,xonxoff: xonxoff: a second flow control"
		"serial:$DEV,,9600|serial:$DEV,,9600: empty serial setting"
		"serial:|serial:: serial: needs a DEVICE (serial:/dev/ttyUSB0,115200)"
		"serial:,9600|serial:,9600: serial: needs a DEVICE (serial:/dev/ttyUSB0,115200)"
		"serial:$BATS_TEST_TMPDIR/nodev|$BATS_TEST_TMPDIR/nodev: No such file or directory"
		"serial:/dev/null|/dev/null: not a serial device (a terminal)"
		"tls:serial:$DEV|tls:serial:$DEV: TLS is for sockets, not terminals"
	)
	local c
	for c in "${cases[@]}"; do
		run --separate-stderr "$SOCKIT" send "${c%%|*}" </dev/null
		assert_failure 2
		assert_equal "${stderr%%$'\n'*}" "sockit: send: ${c#*|}"
	done
	run --separate-stderr "$SOCKIT" send -u "serial:$DEV" </dev/null
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" \
		"sockit: send: serial:$DEV: -u (datagrams) is for sockets, not terminals"
	run --separate-stderr "$SOCKIT" send -z "serial:$DEV" </dev/null
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" \
		"sockit: send: serial:$DEV: -z is for sockets: a serial device cannot be probed"
	run --separate-stderr "$SOCKIT" send --proxy socks5://127.0.0.1:1 "serial:$DEV" </dev/null
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" "sockit: send: serial:$DEV: --proxy is for sockets"
	local o
	for o in --reconnect --retry=3 --keepalive=5; do
		run --separate-stderr "$SOCKIT" send "$o" "serial:$DEV" </dev/null
		assert_failure 2
		assert_equal "${stderr%%$'\n'*}" "sockit: send: serial:$DEV: ${o%%=*} is for sockets"
	done
	# TLS and WebSocket options need their address: serial: is not one
	run --separate-stderr "$SOCKIT" send --ws-protocol x "serial:$DEV" </dev/null
	assert_failure 2
	run --separate-stderr "$SOCKIT" send --cacert /dev/null "serial:$DEV" </dev/null
	assert_failure 2
	run --separate-stderr "$SOCKIT" listen "serial:$DEV"
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" \
		"sockit: listen: serial:$DEV: listen does not take a serial device"
	run --separate-stderr "$SOCKIT" relay "serial:$DEV" 127.0.0.1:1
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" \
		"sockit: relay: serial:$DEV: relay does not take a serial device as LISTEN"
	run --separate-stderr "$SOCKIT" relay 127.0.0.1:0 "serial:$BATS_TEST_TMPDIR/nodev"
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" \
		"sockit: relay: $BATS_TEST_TMPDIR/nodev: No such file or directory"
	for o in --send-proxy --retry; do
		run --separate-stderr "$SOCKIT" relay "$o" 127.0.0.1:0 "serial:$DEV"
		assert_failure 2
		assert_equal "${stderr%%$'\n'*}" "sockit: relay: serial:$DEV: $o is for sockets"
	done
	run --separate-stderr "$SOCKIT" relay --workers 2 127.0.0.1:0 "serial:$DEV"
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" \
		"sockit: relay: --workers: not with serial:$DEV (one client at a time has the device)"
}

# A python3 client of relay $1: "say LINE" sends it and reads the answer
# line, printed; then it waits for the relay to close.
client_lines() {
	py "$1" "${@:2}" <<'PY'
s = connect(sys.argv[1], timeout=60)
f = s.makefile("rb")
for line in sys.argv[2:]:
    s.sendall(line.encode() + b"\n")
    print(f.readline().decode().rstrip("\n"))
PY
}

@test "relay to serial: one client owns the device; the others are refused and logged" {
	start_server r relay -v 127.0.0.1:0 "serial:$DEV,9600,7E1"
	run py "$ADDR" <<'PY'
first = connect(sys.argv[1], timeout=60)
f = first.makefile("rb")
first.sendall(b"one\n")
print(f.readline().decode().rstrip("\n"))
# the device is the first client's: a second gets no byte, only the end
try:
    second = connect(sys.argv[1], timeout=60)
    got = second.recv(100)
except ConnectionResetError:
    got = b""
print("second got %r" % got)
first.sendall(b"two\n")
print(f.readline().decode().rstrip("\n"))
first.close()
PY
	assert_success
	assert_line --index 0 'got: one speed=9600 stop=1 flow=none raw'
	assert_line --index 1 "second got b''"
	assert_line --index 2 'got: two speed=9600 stop=1 flow=none raw'
	grep -q "refused: $DEV is in use by 127.0.0.1:" "$T/r.err"
	# once the first has gone, the device is free for the next
	wait_for "grep -q 'closed: ' '$T/r.err'"
	run client_lines "$ADDR" three
	assert_success
	assert_output 'got: three speed=9600 stop=1 flow=none raw'
	assert [ ! -e "$LOCK" ]
}

@test "relay to serial: the line hanging up ends the client's connection" {
	start_server r relay 127.0.0.1:0 "serial:$DEV"
	run py "$ADDR" <<'PY'
s = connect(sys.argv[1], timeout=60)
f = s.makefile("rb")
s.sendall(b"one\n")
print(f.readline().decode().rstrip("\n"))
s.sendall(b"hangup\n")
print("then %r" % f.read())
PY
	assert_success
	assert_line --index 0 --partial 'got: one'
	assert_line --index 1 "then b''"
}

@test "relay to serial: SIGTERM puts the device's settings back and removes the lock" {
	local before
	before=$(stty -F "$DEV" -g)
	start_server r relay 127.0.0.1:0 "serial:$DEV,300"
	py "$ADDR" "$T" <<'PY' &
s = connect(sys.argv[1], timeout=60)
s.sendall(b"x\n")
s.makefile("rb").readline()
open(sys.argv[2] + "/held", "w").close()
s.recv(1)
PY
	wait_for "[ -e '$T/held' ]"
	refute [ "$(stty -F "$DEV" -g)" = "$before" ]
	kill -TERM "$PID"
	wait_exit "$PID" 60
	assert_equal "$STATUS" 0
	assert [ ! -e "$LOCK" ]
	assert_equal "$(stty -F "$DEV" -g)" "$before"
}
