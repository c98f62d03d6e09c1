#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# The PROXY protocol both ways: servers that take the client's address
# from a header (--accept-proxy) and relay that sends one
# (--send-proxy), with haproxy as the real peer on either side, and the
# bytes of the headers checked against the spec by python.

load test_helper
bats_require_minimum_version 1.5.0

# start_haproxy NAME CONFIG: haproxy on a free port of 127.0.0.1, with
# CONFIG's @PORT@ replaced by it (haproxy cannot bind port 0 and say
# which it got); another free port is tried if one is taken meanwhile.
# Sets HAPORT and PID.
start_haproxy() {
	local name=$1 cfg=$2 try
	for try in 1 2 3 4 5; do
		HAPORT=$(free_port)
		printf '%s\n' "${cfg//@PORT@/$HAPORT}" >"$T/$name.cfg"
		haproxy -db -f "$T/$name.cfg" >"$T/$name.out" 2>"$T/$name.err" </dev/null 3>&- &
		PID=$!
		echo "$PID" >>"$T/pids"
		if "$SOCKIT" wait -t 20s "127.0.0.1:$HAPORT" 2>/dev/null &&
		    kill -0 "$PID" 2>/dev/null &&
		    [ "$(grep -c "cannot bind" "$T/$name.err")" = 0 ]; then
			return 0
		fi
		kill "$PID" 2>/dev/null || true
	done
	cat "$T/$name.err" >&2
	return 1
}

HAGLOBAL='global
	maxconn 100
defaults
	mode tcp
	timeout connect 10s
	timeout client 30s
	timeout server 30s'

@test "haproxy send-proxy-v2 in front of listen --accept-proxy -L: the label is the client's" {
	start_server l listen -v --accept-proxy -L 127.0.0.1:0
	local backend=$ADDR
	start_haproxy h "$HAGLOBAL
listen front
	bind 127.0.0.1:@PORT@
	server s $backend send-proxy-v2"
	run "$SOCKIT" send -w 10s -s 127.0.0.7:0 "127.0.0.1:$HAPORT" <<<"through haproxy"
	assert_success
	wait_for 'grep -q "through haproxy" "$T/l.out"'
	run cat "$T/l.out"
	assert_output --regexp '^127\.0\.0\.7:[0-9]+ through haproxy$'
	run grep -c "connection from 127.0.0.7:" "$T/l.err"
	assert_output 1
}

@test "haproxy send-proxy (v1) in front of echo --accept-proxy --deny: the carried address is checked" {
	start_server e echo -v --accept-proxy --deny 127.0.0.9 127.0.0.1:0
	local backend=$ADDR
	start_haproxy h "$HAGLOBAL
listen front
	bind 127.0.0.1:@PORT@
	server s $backend send-proxy"
	run "$SOCKIT" send -w 10s -s 127.0.0.8:0 "127.0.0.1:$HAPORT" <<<"allowed"
	assert_output "allowed"
	run "$SOCKIT" send -w 10s -s 127.0.0.9:0 "127.0.0.1:$HAPORT" <<<"denied"
	refute_output "denied"
	wait_for 'grep -q "127.0.0.9:[0-9]*: refused: in --deny" "$T/e.err"'
}

# relay --send-proxy=VERSION into haproxy's accept-proxy, which passes
# the address on to listen --accept-proxy -L: the label shows the
# client only if haproxy understood relay's header.
relay_through_haproxy() {
	start_server l listen --accept-proxy -L 127.0.0.1:0
	local backend=$ADDR
	start_haproxy h "$HAGLOBAL
listen front
	bind 127.0.0.1:@PORT@ accept-proxy
	server s $backend send-proxy-v2"
	start_server r relay "$1" 127.0.0.1:0 "127.0.0.1:$HAPORT"
	run "$SOCKIT" send -w 10s -s 127.0.0.6:0 "$ADDR" <<<"via relay"
	assert_success
	wait_for 'grep -q "via relay" "$T/l.out"'
	run cat "$T/l.out"
	assert_output --regexp '^127\.0\.0\.6:[0-9]+ via relay$'
}

@test "relay --send-proxy (v2) in front of haproxy accept-proxy" {
	relay_through_haproxy --send-proxy
}

@test "relay --send-proxy=v1 in front of haproxy accept-proxy" {
	relay_through_haproxy --send-proxy=v1
}

@test "relay --send-proxy=v1 sends the line of the spec, byte for byte, then the data" {
	start_py p report.py
	local target=$ADDR
	start_server r relay -v --send-proxy=v1 127.0.0.1:0 "$target"
	run "$SOCKIT" send -w 10s -s 127.0.0.5:0 "$ADDR" <<<"data"
	assert_success
	wait_for 'grep -q "^from" "$T/p.out"'
	local sport lport
	sport=$(sed -n 's/.*connection from 127\.0\.0\.5:\([0-9]*\)$/\1/p' "$T/r.err")
	lport=${ADDR##*:}
	[ -n "$sport" ]
	want=$(printf 'PROXY TCP4 127.0.0.5 127.0.0.1 %s %s\r\ndata\n' "$sport" "$lport" | od -An -tx1 | tr -d ' \n')
	run sed -n 2p "$T/p.out"
	assert_output "$want"
}

@test "relay --send-proxy sends a v2 header of the spec, byte for byte" {
	start_py p report.py
	start_server r relay -v --send-proxy '[::1]:0' "$ADDR"
	run "$SOCKIT" send -w 10s "$ADDR" <<<"six"
	assert_success
	wait_for 'grep -q "^from" "$T/p.out"'
	local sport
	sport=$(sed -n 's/.*connection from \[::1\]:\([0-9]*\)$/\1/p' "$T/r.err")
	run python3 -c '
import socket, struct, sys
sport, lport = int(sys.argv[1]), int(sys.argv[2])
one = socket.inet_pton(socket.AF_INET6, "::1")
h = b"\r\n\r\n\0\r\nQUIT\n" + bytes([0x21, 0x21]) + struct.pack("!H", 36)
print((h + one + one + struct.pack("!HH", sport, lport) + b"six\n").hex())' "$sport" "${ADDR##*:}"
	want=$output
	run sed -n 2p "$T/p.out"
	assert_output "$want"
}

@test "relay --send-proxy from a unix client says UNKNOWN (v1) and UNSPEC (v2)" {
	start_py p report.py
	start_server r relay --send-proxy=v1 "unix:$T/r.sock" "$ADDR"
	run "$SOCKIT" send -w 10s "unix:$T/r.sock" <<<"u"
	wait_for 'grep -q "^from" "$T/p.out"'
	run sed -n 2p "$T/p.out"
	assert_output "$(printf 'PROXY UNKNOWN\r\nu\n' | od -An -tx1 | tr -d ' \n')"
	start_py p2 report.py
	start_server r2 relay --send-proxy "unix:$T/r2.sock" "$ADDR"
	run "$SOCKIT" send -w 10s "unix:$T/r2.sock" <<<"u"
	wait_for 'grep -q "^from" "$T/p2.out"'
	run sed -n 2p "$T/p2.out"
	assert_output "0d0a0d0a000d0a515549540a21000000750a"
}

@test "--accept-proxy: exec sees the carried address in TCPREMOTEIP and TCPREMOTEPORT" {
	start_server x exec --accept-proxy 127.0.0.1:0 -- sh -c 'echo "$TCPREMOTEIP $TCPREMOTEPORT"'
	run py "$ADDR" <<'PYEOF'
s = connect(sys.argv[1])
s.sendall(b"PROXY TCP6 2001:db8::7 2001:db8::1 4242 80\r\n")
sys.stdout.write(recv_all(s).decode())
PYEOF
	assert_output "2001:db8::7 4242"
}

@test "--accept-proxy: a v2 header in pieces, with TLVs, and LOCAL (the real address)" {
	start_server l listen --accept-proxy -L 127.0.0.1:0
	run py "$ADDR" <<'PYEOF'
import struct
sig = b"\r\n\r\n\0\r\nQUIT\n"
tlv = b"\x04\x00\x05hello" * 300          # longer than sockit peeks at
h = sig + bytes([0x21, 0x11]) + struct.pack("!H", 12 + len(tlv)) + \
    socket.inet_aton("203.0.113.9") + socket.inet_aton("10.0.0.1") + \
    struct.pack("!HH", 777, 80) + tlv
s = connect(sys.argv[1])
for i in range(0, len(h), 7):             # a byte at a time would be slow
    s.sendall(h[i:i + 7])
    time.sleep(0.001)
s.sendall(b"pieces\n")
s.close()
s = connect(sys.argv[1])
s.sendall(sig + bytes([0x20, 0x00]) + struct.pack("!H", 0) + b"local\n")
s.close()
PYEOF
	assert_success
	wait_for 'grep -q "local" "$T/l.out"'
	run cat "$T/l.out"
	assert_line --index 0 "203.0.113.9:777 pieces"
	assert_line --index 1 --regexp '^127\.0\.0\.1:[0-9]+ local$'
}

@test "--accept-proxy: no header within -w, a bad one, or too long a line: closed and logged" {
	start_server e echo -v --accept-proxy -w 1s 127.0.0.1:0
	run py "$ADDR" <<'PYEOF'
def closed(data):
    s = connect(sys.argv[1], timeout=20)
    if data:
        s.sendall(data)
    try:
        return s.recv(100) == b""
    except ConnectionResetError:
        return True
print(closed(b""), closed(b"GET / HTTP/1.0\r\n\r\n"),
      closed(b"PROXY TCP4 " + b"1" * 120),
      closed(b"PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n"),
      closed(b"\r\n\r\n\0\r\nQUIT\n\x22\x11\0\x0c"),
      closed(b"PROXY UNKNOWN a\nb\r\nhi\n"))
PYEOF
	assert_output "True True True True True True"
	wait_for 'grep -q "refused: a PROXY v2 header of an unknown version or command" "$T/e.err"'
	run cat "$T/e.err"
	assert_output --partial "refused: no PROXY header within 1000 ms"
	assert_output --partial "refused: no PROXY protocol header"
	assert_output --partial "refused: no end to a PROXY v1 line within 107 bytes"
	assert_output --partial "refused: a bad PROXY v1 line"
}

@test "--accept-proxy on a unix socket takes --allow by the carried address" {
	start_server e echo --accept-proxy --allow 192.0.2.0/24 "unix:$T/e.sock"
	run py "unix:$T/e.sock" <<'PYEOF'
def say(line):
    s = connect(sys.argv[1])
    s.sendall(line + b"hi\n")
    try:
        return s.recv(10)
    except ConnectionResetError:
        return b""
print(say(b"PROXY TCP4 192.0.2.5 192.0.2.1 1 2\r\n"), say(b"PROXY TCP4 198.51.100.5 192.0.2.1 1 2\r\n"))
PYEOF
	assert_output "b'hi\\n' b''"
}

@test "bad --send-proxy values and --accept-proxy uses exit 2" {
	usage_fails relay "--send-proxy v3: not v1 or v2" --send-proxy=v3 127.0.0.1:0 127.0.0.1:1
	usage_fails relay "--send-proxy: not with a TLS TARGET" --send-proxy 127.0.0.1:0 tls:127.0.0.1:1
	usage_fails relay "--send-proxy: not with a datagram TARGET" --send-proxy -u 127.0.0.1:0 127.0.0.1:1
	usage_fails echo "--accept-proxy applies to stream servers" --accept-proxy -u 127.0.0.1:0
	usage_fails echo "unknown option --send-proxy" --send-proxy 127.0.0.1:0
}

# A client still owing its header is not served yet: a stop does not
# wait for it, and drops it cleanly (it used to crash the server).
@test "--accept-proxy: SIGTERM while a client's header is pending: exit 0, that client closed" {
	start_server e echo -v --accept-proxy 127.0.0.1:0
	py "$ADDR" "$PID" <<'EOF2'
import os, signal, sys
s = connect(sys.argv[1])
s.sendall(b"PROXY TCP4 ")	# a header begun, not ended
os.kill(int(sys.argv[2]), signal.SIGTERM)
expect_closed(s, "client with a pending header")
EOF2
	wait_exit "$PID" 20
	assert_equal "$STATUS" 0
}
