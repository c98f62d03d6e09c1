#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit clock: format, delimiter, count, time zones, alignment of ticks
# on the wall clock, and clients that do not read.  Clients: nc, socat
# and inline python3.

load test_helper

bats_require_minimum_version 1.5.0

@test "clock: the default tick is the local time as HH:MM:SS and a newline, sent at once" {
	start_server k clock 127.0.0.1:0
	run py "$ADDR" <<'EOF'
before = time.time()
s = connect(sys.argv[1])
line, t = Lines(s).next()
if not re.fullmatch(rb"[0-9]{2}:[0-9]{2}:[0-9]{2}", line):
    fail("bad tick %r" % line)
if t - before > 1.0:
    fail("first tick took %.2f s" % (t - before))
# It is the current local time: one of the seconds from connect to arrival.
ok = {time.strftime("%H:%M:%S", time.localtime(sec)).encode()
      for sec in range(int(before), int(t) + 1)}
if line not in ok:
    fail("tick %r is not the time now %r" % (line, sorted(ok)))
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "clock -I 1h: the first tick comes at once on connect, not at the next interval" {
	start_server k clock -I 1h -f 'at once' 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1], 5)
try:
    line, _ = Lines(s).next()
except socket.timeout:
    fail("no tick within 5 s of connecting")
print(line.decode())
EOF
	assert_success
	assert_output "at once"
}

@test "clock: the byte stream is exactly HH:MM:SS followed by \\n per tick" {
	start_server k clock -c 2 -I 100ms 127.0.0.1:0
	timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null >"$T/out"
	[ "$(wc -c <"$T/out")" -eq 18 ]
	run cat "$T/out"
	[ "${#lines[@]}" -eq 2 ]
	assert_line --index 0 --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
	assert_line --index 1 --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
}

@test "clock -c 3 sends exactly 3 ticks, then closes the connection" {
	start_server k clock -c 3 -I 100ms 127.0.0.1:0
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
data = recv_all(s)            # until the server closes
lines = data.split(b"\n")
if lines[-1] != b"" or len(lines) != 4:
    fail("got %r" % data)
for l in lines[:3]:
    if not re.fullmatch(rb"[0-9]{2}:[0-9]{2}:[0-9]{2}", l):
        fail("bad tick %r" % l)
print("3 ticks, then EOF")
EOF
	assert_success
	assert_output "3 ticks, then EOF"
}

@test "clock -c 3 serves each client its own 3 ticks and keeps running" {
	start_server k clock -c 3 -I 100ms 127.0.0.1:0
	local i
	for i in 1 2; do
		timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null >"$T/out$i"
		run cat "$T/out$i"
		[ "${#lines[@]}" -eq 3 ]
	done
	kill -0 "$PID"
}

@test "clock -f '%Y %z' --utc gives this year in UTC whatever TZ says" {
	TZ=Asia/Kolkata start_server k clock --utc -f '%Y %z' -c 1 127.0.0.1:0
	local before after
	before=$(date -u +%Y)
	timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null >"$T/out"
	after=$(date -u +%Y)
	run cat "$T/out"
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "$before +0000" ] || [ "$output" = "$after +0000" ]
}

@test "clock honours TZ: UTC is +0000, Asia/Kolkata +0530, POSIX 'XYZ+03' -0300 XYZ" {
	[ -e /usr/share/zoneinfo/Asia/Kolkata ] || local kolkata='XYZ-05:30'
	local tz want
	while IFS='|' read -r tz want; do
		TZ=$tz start_server "k$RANDOM" clock -f '%z' -c 1 127.0.0.1:0
		run timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null
		assert_success
		[ "$output" = "$want" ] || { echo "TZ=$tz: got '$output', want '$want'"; return 1; }
	done <<-EOF
		UTC|+0000
		${kolkata:-Asia/Kolkata}|+0530
		XYZ+03|-0300
	EOF
	TZ=XYZ+03 start_server k9 clock -f '%Z' -c 1 127.0.0.1:0
	run timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null
	assert_output "XYZ"
}

@test "clock -d ';' ends each tick with ';' instead of a newline" {
	start_server k clock -d ';' -f '%s' -c 3 -I 100ms 127.0.0.1:0
	timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null >"$T/out"
	[[ $(cat "$T/out") =~ ^([0-9]+\;){3}$ ]]
	[ "$(wc -c <"$T/out")" -eq 33 ]      # 3 x (10 digits + ';')
}

@test "clock -d '\\r\\n' ends each tick with both bytes" {
	start_server k clock -d '\r\n' -f 'T%Y' -c 2 -I 100ms 127.0.0.1:0
	timeout 10 nc -N 127.0.0.1 "$PORT" </dev/null >"$T/out"
	local y
	y=$(date +%Y)
	printf 'T%s\r\nT%s\r\n' "$y" "$y" >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "clock over a unix path socket (socat client)" {
	start_server k clock -f 'tick %Y' -c 2 -I 100ms "unix:$T/k.sock"
	[ -S "$T/k.sock" ]
	timeout 10 socat -u "UNIX-CONNECT:$T/k.sock" - >"$T/out"
	printf 'tick %s\ntick %s\n' "$(date +%Y)" "$(date +%Y)" >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "clock -I 200ms: first tick at once, later ticks on whole multiples of 0.2 s of the wall clock" {
	start_server k clock -I 200ms -f '%s' 127.0.0.1:0
	run py "$ADDR" <<'EOF'
t0 = time.time()
s = connect(sys.argv[1])
r = Lines(s)
ticks = [r.next() for _ in range(5)]
line, t = ticks[0]
if t - t0 > 1.0:
    fail("first tick %.3f s after connect" % (t - t0))
if abs(int(line) - t) > 1.5:
    fail("first tick says %s at %.3f" % (line, t))
last = None
for line, t in ticks[1:]:
    off = t % 0.2
    if not (off <= 0.06 or off >= 0.2 - 0.06):
        fail("tick at %.3f is %.3f s off a multiple of 0.2 s" % (t, off))
    k = round(t / 0.2)                  # which multiple it is
    if last is not None and k <= last:
        fail("two ticks on the same multiple: %r" % ticks)
    last = k
    if int(line) != k * 200 // 1000:    # named by its own multiple
        fail("tick at %.3f says %s" % (t, line))
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "clock: a client that does not read misses ticks and never holds back another client" {
	# Big ticks often on a unix socket, so that the non-reader's socket
	# buffer fills within a fraction of a second.
	local pad
	pad=$(printf 'x%.0s' {1..1000})
	start_server k clock -I 5ms -f "%s$pad" "unix:$T/k.sock"
	run py "$ADDR" <<'EOF'
addr = sys.argv[1]
tick = re.compile(rb"[0-9]+" + b"x" * 1000)
lazy = connect(addr)                  # never reads for 1.5 s
reader = connect(addr)
t0 = time.time()
r = Lines(reader)
got = []
while time.time() - t0 < 1.5:
    line, t = r.next()
    if not tick.fullmatch(line):
        fail("reader: torn tick %r" % line[:40])
    got.append(t - t0)
if got[-1] < 1.0:
    fail("reader got no tick after %.2f s: held back" % got[-1])
# What the lazy client can read now is what was queued for it: whole
# ticks only, and fewer than were sent meanwhile (it missed some).
lazy.setblocking(False)
data = b""
while True:
    try:
        b = lazy.recv(65536)
    except BlockingIOError:
        break
    if not b:
        fail("lazy client was closed")
    data += b
parts = data.split(b"\n")
for p in parts[:-1]:
    if not tick.fullmatch(p):
        fail("lazy: torn tick %r" % p[:40])
# After the last newline, at most the start of a tick still being written.
if not re.fullmatch(rb"([0-9]+x{0,1000})?", parts[-1]):
    fail("lazy: bad tail %r" % parts[-1][:40])
queued = len(parts) - 1
if queued == 0 or queued >= len(got):
    fail("lazy client had %d ticks queued, reader got %d" % (queued, len(got)))
# And it still gets whole ticks now that it reads.
lazy.setblocking(True)
lazy.settimeout(10)
rest = Lines(lazy)
rest.buf = parts[-1]
for _ in range(5):
    line, _ = rest.next()
    if not tick.fullmatch(line):
        fail("lazy after reading: torn tick %r" % line[:40])
print("ok")
EOF
	assert_success
	assert_output "ok"
}

@test "clock: SIGTERM closes the clients, exits 0 and removes the socket file" {
	start_server k clock -I 100ms "unix:$T/k.sock"
	run py "$ADDR" "$PID" <<'EOF'
s = connect(sys.argv[1])
r = Lines(s)
r.next()
os.kill(int(sys.argv[2]), signal.SIGTERM)
try:
    while True:
        r.next()
except EOFError:
    pass
print("eof")
EOF
	assert_success
	assert_output "eof"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ ! -e "$T/k.sock" ]
}

@test "clock: -I 0, -I abc, -c 0 and -f '' are usage errors (exit 2)" {
	local args
	for args in "-I 0" "-I abc" "-c 0" "-c -1" "-f "; do
		# shellcheck disable=SC2086
		run --separate-stderr "$SOCKIT" clock ${args%% *} "${args#* }" 127.0.0.1:0
		[ "$status" -eq 2 ] || { echo "$args: status $status"; return 1; }
		[ -z "$output" ]
		[[ ${stderr_lines[0]} == "sockit: clock: "* ]]
		[ "${stderr_lines[-1]}" = "Try 'sockit clock --help'." ]
	done
}

@test "clock --max-conns 2: clients that have left free their slots for the next" {
	start_server k clock -vv -x 2 -I 1h 127.0.0.1:0
	local i
	for i in 1 2; do	# one tick, then gone
		run py "$ADDR" <<'EOF2'
s = connect(sys.argv[1]); print(s.recv(100).decode(), end=""); s.close()
EOF2
		assert_success
		assert_output --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
	done
	wait_for '[ "$(grep -c "end of data" "$T/k.err")" -eq 2 ]'
	run py "$ADDR" <<'EOF2'
s = connect(sys.argv[1])
try:
    b = s.recv(100)
except ConnectionResetError:
    fail("third client refused")
print("served" if b else "third client closed")
EOF2
	assert_output "served"
}

@test "clock: a unix client that has gone is let go at once" {
	start_server k clock -v -x 1 -I 1h "$T/k.sock"
	run py "$ADDR" <<'EOF2'
s = connect(sys.argv[1]); print(s.recv(100).decode(), end=""); s.close()
EOF2
	assert_output --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
	wait_for 'grep -q "closed: gone" "$T/k.err"'
	run py "$ADDR" <<'EOF2'
s = connect(sys.argv[1]); print(s.recv(100).decode(), end=""); s.close()
EOF2
	assert_output --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
}
