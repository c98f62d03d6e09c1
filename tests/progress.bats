#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# --progress: a line on a terminal stderr (a python pty here), plain
# lines with =always, nothing otherwise; the bytes are never touched.

load test_helper

bats_require_minimum_version 1.5.0

@test "send --progress on a terminal shows a rate and 100%, the bytes intact" {
	start_server e echo 127.0.0.1:0
	random_file "$T/in" 3000000
	py "$SOCKIT" "$ADDR" "$T/in" "$T/out" <<'PY'
import pty, subprocess
master, slave = pty.openpty()
src = open(sys.argv[3], "rb")
out = open(sys.argv[4], "wb")
p = subprocess.Popen([sys.argv[1], "send", "--progress", sys.argv[2]],
                     stdin=src, stdout=out, stderr=slave)
os.close(slave)
tty = b""
while True:
    try:
        b = os.read(master, 4096)
    except OSError:
        break
    if not b: break
    tty += b
rc = p.wait(timeout=20)
text = tty.decode()
last = text.replace("\r\n", "\n").split("\r")[-1]
if rc != 0: fail("exit %d" % rc)
if not re.search(r"2\.9 MiB sent, 2\.9 MiB received, [0-9.]+ [KMG]?i?B/s, 0:[0-9]{2}, 100%\x1b\[K\n$", last):
    fail("last line: %r" % last)
PY
	cmp "$T/in" "$T/out"
}

@test "send --progress is silent when stderr is not a terminal" {
	start_server e echo 127.0.0.1:0
	random_file "$T/in" 100000
	"$SOCKIT" send --progress "$ADDR" <"$T/in" >"$T/out" 2>"$T/err"
	cmp "$T/in" "$T/out"
	[ ! -s "$T/err" ]
}

@test "send --progress=always writes plain lines, the last with 100%" {
	start_server e echo 127.0.0.1:0
	random_file "$T/in" 100000
	"$SOCKIT" send --progress=always "$ADDR" <"$T/in" >"$T/out" 2>"$T/err"
	cmp "$T/in" "$T/out"
	run ! grep -q $'[\r\033]' "$T/err"
	[[ $(tail -1 "$T/err") =~ ^97\.7\ KiB\ sent,\ 97\.7\ KiB\ received,\ [0-9.]+\ [KMG]?i?B/s,\ 0:[0-9][0-9],\ 100%$ ]]
	run -2 "$SOCKIT" send --progress=sometimes "$ADDR"
	[[ ${lines[0]} == *"not 'always'"* ]]
}

@test "listen --progress=always counts what its client sent" {
	start_server l listen --once --progress=always 127.0.0.1:0
	random_file "$T/in" 100000
	timeout 20 nc -N 127.0.0.1 "$PORT" <"$T/in"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	cmp "$T/in" "$T/l.out"
	[[ $(tail -1 "$T/l.err") =~ ^0\ B\ sent,\ 97\.7\ KiB\ received,\ [0-9.]+\ [KMG]?i?B/s,\ 0:[0-9][0-9]$ ]]
}

@test "listen --progress counts time from the client's connect, not the server's start" {
	start_server l listen --once --progress=always 127.0.0.1:0
	# The idle before the client is what is under test, not a wait.
	sleep 3
	random_file "$T/in" 100000
	local t1 t2
	t1=$(date +%s%3N)
	timeout 20 nc -N 127.0.0.1 "$PORT" <"$T/in"
	wait_exit "$PID"
	t2=$(date +%s%3N)
	assert_equal "$STATUS" 0
	# The time shown lies within what the test saw of the client (and
	# so leaves out the 3 s before it), however loaded the machine.
	[[ $(tail -1 "$T/l.err") =~ ,\ ([0-9]+):([0-9][0-9])$ ]]
	local shown=$(( BASH_REMATCH[1] * 60 + 10#${BASH_REMATCH[2]} ))
	[ $(( shown * 1000 )) -le $(( t2 - t1 )) ]
}
