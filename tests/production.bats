#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Servers in production: access lists and limits per client address,
# checked where every server accepts.  Clients take 127.0.0.x sources
# (all of 127/8 is loopback) to look like different hosts.

load test_helper
bats_require_minimum_version 1.5.0

# from SOURCE: send a line to the echo server at $ADDR from SOURCE.
from() {
	run "$SOCKIT" send -w 10s -s "$1:0" "$ADDR" <<<"hello from $1"
}

@test "--allow and --deny: listed sources are served, others reset and logged" {
	start_server e echo -v --allow 127.0.0.0/29 --deny 127.0.0.2 --deny 127.0.0.6/31 127.0.0.1:0
	from 127.0.0.1
	assert_success
	assert_output "hello from 127.0.0.1"
	from 127.0.0.5
	assert_output "hello from 127.0.0.5"
	from 127.0.0.2
	assert_failure 1
	assert_output --partial "Connection reset by peer"
	from 127.0.0.7
	assert_failure 1
	from 127.0.0.9
	assert_failure 1
	assert_output --partial "Connection reset by peer"
	wait_for 'grep -q "127.0.0.9:[0-9]*: refused: not in --allow" "$T/e.err"'
	run grep -c "refused: in --deny" "$T/e.err"
	assert_output 2
	run ! grep -q "127.0.0.5.*refused" "$T/e.err"
}

@test "--deny alone lets everyone else in" {
	start_server e echo --deny 127.0.0.3/32 127.0.0.1:0
	from 127.0.0.4
	assert_success
	assert_output "hello from 127.0.0.4"
	from 127.0.0.3
	assert_failure 1
}

@test "--allow-file and --deny-file: one CIDR a line, comments, IPv4 and IPv6" {
	cat >"$T/allow" <<-'EOF2'
	# the lab
	127.0.0.8/29    # .8 to .15
	  ::1
	2001:db8::/32

	EOF2
	printf '127.0.0.9\n' >"$T/deny"
	start_server e echo --allow-file "$T/allow" --deny-file "$T/deny" 127.0.0.1:0
	from 127.0.0.10
	assert_output "hello from 127.0.0.10"
	from 127.0.0.9
	assert_failure 1
	from 127.0.0.1
	assert_failure 1
	start_server e6 echo --allow-file "$T/allow" '[::1]:0'
	run "$SOCKIT" send -w 10s "$ADDR" <<<"six"
	assert_success
	assert_output "six"
}

@test "--deny of an IPv6 prefix refuses ::1, --allow ::/0 takes every IPv6 client" {
	start_server e6 echo --deny ::/1 '[::1]:0'
	run "$SOCKIT" send -w 10s "$ADDR" <<<"six"
	assert_failure 1
	start_server e7 echo --allow ::/0 '[::1]:0'
	run "$SOCKIT" send -w 10s "$ADDR" <<<"six"
	assert_output "six"
}

@test "every stream server checks --deny at accept" {
	start_server t echo 127.0.0.1:0
	local target=$ADDR
	start_server l listen -v --deny 127.0.0.0/8 127.0.0.1:0
	from 127.0.0.3
	assert_failure 1
	start_server c clock -v --deny 127.0.0.0/8 127.0.0.1:0
	run "$SOCKIT" send -w 10s "$ADDR" </dev/null
	assert_failure 1
	start_server r relay -v --deny 127.0.0.0/8 127.0.0.1:0 "$target"
	from 127.0.0.3
	assert_failure 1
	start_server x exec -v --deny 127.0.0.0/8 127.0.0.1:0 -- cat
	from 127.0.0.3
	assert_failure 1
	mkdir "$T/root"
	start_server f ftp -v --deny 127.0.0.0/8 --root "$T/root" 127.0.0.1:0
	run "$SOCKIT" send -w 10s "$ADDR" </dev/null
	assert_failure 1
	for n in l c r x f; do
		wait_for "grep -q 'refused: in --deny' '$T/$n.err'"
	done
}

@test "--max-per-ip: a third client from one address is refused, others come in" {
	start_server e echo -v --max-per-ip 2 127.0.0.1:0
	run py "$ADDR" <<'PYEOF'
addr = sys.argv[1]
fam, sa = sockaddr(addr)
def client(src):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(10)
    s.bind((src, 0))
    s.connect(sa)
    return s
def echoes(s):
    try:
        s.sendall(b"ping\n")
        return recv_exactly(s, 5) == b"ping\n"
    except OSError:
        return False
def served(src):
    # A reset may come before connect() returns: refused all the same.
    try:
        s = client(src)
    except OSError:
        return None
    return s if echoes(s) else None
a, b = client("127.0.0.5"), client("127.0.0.5")
assert echoes(a) and echoes(b)
assert served("127.0.0.5") is None, "a third client from .5 was served"
assert served("127.0.0.6") is not None, "a client from .6 was refused"
a.close()
# The server lets a go on its own time: try until a slot is free.
for i in range(200):
    if served("127.0.0.5") is not None:
        break
    time.sleep(0.05)
else:
    raise SystemExit("no slot for .5 after one of its clients left")
print("ok")
PYEOF
	assert_success
	assert_output "ok"
	wait_for 'grep -q "127.0.0.5:[0-9]*: refused: as many clients from its address as --max-per-ip" "$T/e.err"'
}

@test "--max-per-ip counts IPv6 clients too (by /64: tests/unit/test_acl)" {
	start_server e echo --max-per-ip 1 '[::1]:0'
	run py "$ADDR" <<'PYEOF'
fam, sa = sockaddr(sys.argv[1])
a = socket.create_connection(sa[:2], 10)
a.sendall(b"x\n")
assert recv_exactly(a, 2) == b"x\n"
try:
    b = socket.create_connection(sa[:2], 10)
    b.sendall(b"y\n")
    got = b.recv(10)
except OSError:
    got = b""
assert got == b"", got
print("ok")
PYEOF
	assert_output "ok"
}

@test "bad --allow, --deny, --allow-file, --deny-file and --max-per-ip exit 2" {
	usage_fails echo "--allow nope: not an IPv4 or IPv6 address" --allow nope 127.0.0.1:0
	usage_fails echo "--deny 10.0.0.0/33: the prefix length is not 0 to 32" --deny 10.0.0.0/33 127.0.0.1:0
	usage_fails echo "--allow ::/129: the prefix length is not 0 to 128" --allow ::/129 127.0.0.1:0
	usage_fails echo "--allow 10.0.0.0/: the prefix length" --allow 10.0.0.0/ 127.0.0.1:0
	usage_fails echo "--allow 10.0.0.0/-1: the prefix length" --allow 10.0.0.0/-1 127.0.0.1:0
	usage_fails echo "--allow-file $T/none: No such file or directory" --allow-file "$T/none" 127.0.0.1:0
	printf '10.0.0.0/8\n\n10.1.2.3/40 # oops\n' >"$T/bad"
	usage_fails relay "--deny-file $T/bad: line 3: 10.1.2.3/40: the prefix length is not 0 to 32" --deny-file "$T/bad" 127.0.0.1:0 127.0.0.1:1
	usage_fails echo "--deny-file $T: Is a directory" --deny-file "$T" 127.0.0.1:0
	usage_fails echo "--max-per-ip 0:" --max-per-ip 0 127.0.0.1:0
	usage_fails echo "--max-per-ip x:" --max-per-ip x 127.0.0.1:0
	usage_fails echo "--allow applies to TCP servers (a unix client has no IP address)" --allow 127.0.0.1 "$T/s.sock"
	usage_fails echo "--max-per-ip applies to TCP servers (a datagram has no connection)" --max-per-ip 3 -u 127.0.0.1:0
	usage_fails echo "--deny applies to TCP servers" --deny ::1 -u 127.0.0.1:0
	usage_fails listen "unknown option --allow-u (did you mean --allow-uid?)" --allow-u 0 "$T/s.sock"
	usage_fails echo "unknown option --max-per (did you mean --max-per-ip?)" --max-per 3 127.0.0.1:0
}

# Every line of FILE a JSON object with time (RFC 3339, ms), level, cmd
# and event; prints the events, one a line, with their peer or reason.
json_lines() {
	python3 - "$1" <<'PYEOF'
import json, re, sys
for raw in open(sys.argv[1], "rb").read().decode("ascii").splitlines():
    o = json.loads(raw)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["time"]), o
    assert o["level"] in ("error", "info", "debug"), o
    assert o["cmd"] and o["msg"], o
    ev = o["event"]
    if ev in ("connect", "refuse", "close"):
        assert o["peer"] and o["local"], o
    if ev == "close" and "bytes_in" in o:
        assert o["bytes_in"] >= 0 and o["duration_ms"] >= 0, o
        ev += " %d %d" % (o["bytes_in"], o["bytes_out"])
    if ev == "refuse":
        ev += " " + o["reason"]
    print(ev)
PYEOF
}

@test "--log-format json: every stderr line is a JSON object, events with their fields" {
	start_server e echo -vv --log-format json --deny 127.0.0.9 127.0.0.1:0
	from 127.0.0.1
	assert_output "hello from 127.0.0.1"
	from 127.0.0.9
	assert_failure 1
	"$SOCKIT" send -v --log-format json -w 10s "$ADDR" 2>"$T/send.err" >"$T/send.out" <<<"abc"
	run cat "$T/send.out"
	assert_output "abc"
	kill "$PID"
	wait_exit "$PID"
	run json_lines "$T/e.err"
	assert_success
	assert_line --index 0 "listening"
	assert_line "connect"
	assert_line "close 21 21"
	assert_line "close 4 4"
	assert_line "refuse in --deny"
	run json_lines "$T/send.err"
	assert_success
	assert_line "log"
}

@test "--log-format json: errors, and strings with quotes and control bytes escaped" {
	local odd=$T/$'q"u\to\\te.sock'
	start_server r relay -v --log-format json "unix:$odd" "unix:$T/none.sock"
	run "$SOCKIT" send -w 10s "$ADDR" </dev/null
	wait_for 'grep -q "\"event\":\"close\"" "$T/r.err"'
	run json_lines "$T/r.err"
	assert_success
	assert_line --index 0 "listening"
	assert_line --index 1 "connect"
	assert_line --index 2 "error"
	assert_line --index 3 "close 0 0"
	run python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["local"])' "$T/r.err"
	assert_output "unix:$odd"
	run python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readlines()[2])["msg"])' "$T/r.err"
	assert_output --partial "none.sock"
}

@test "--log-format json: a usage error after the options is one JSON line; a bad value is text" {
	run "$SOCKIT" echo --log-format json --allow 10.0.0.0/8 "unix:$T/x.sock"
	assert_failure 2
	[ "${#lines[@]}" -eq 1 ]
	run python3 -c 'import json, sys; o = json.loads(sys.argv[1]); print(o["level"], o["event"])' "$output"
	assert_output "error error"
	usage_fails echo "--log-format xml: not text or json" --log-format xml 127.0.0.1:0
	usage_fails send "--log-format : not text or json" --log-format '' 127.0.0.1:1
}
