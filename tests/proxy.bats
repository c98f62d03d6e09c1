#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# --proxy: send (and relay's TARGET) through SOCKS5 and HTTP CONNECT
# proxies: microsocks and tinyproxy from Debian, and a python SOCKS5
# peer that records the request it got.

load test_helper

bats_require_minimum_version 1.5.0

# start_microsocks [ARGS...]: microsocks on loopback; sets SOCKS.
start_microsocks() {
	command -v microsocks >/dev/null || skip "microsocks is not installed"
	local port
	port=$(free_port)
	microsocks -i 127.0.0.1 -p "$port" "$@" >"$T/socks.log" 2>&1 3>&- &
	echo $! >>"$T/pids"
	wait_for nc -z 127.0.0.1 "$port"
	SOCKS=127.0.0.1:$port
}

# start_tinyproxy: tinyproxy in the foreground on loopback, with no
# ConnectPort line, so CONNECT goes to any port; sets HTTPPROXY.
start_tinyproxy() {
	command -v tinyproxy >/dev/null || skip "tinyproxy is not installed"
	local port
	port=$(free_port)
	printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nMaxClients 10\n' \
		"$port" >"$T/tinyproxy.conf"
	tinyproxy -d -c "$T/tinyproxy.conf" >"$T/tinyproxy.log" 2>&1 3>&- &
	echo $! >>"$T/pids"
	wait_for nc -z 127.0.0.1 "$port"
	HTTPPROXY=127.0.0.1:$port
}

# through ARGS...: run `sockit send ARGS` as ssh runs a ProxyCommand:
# 100 KiB of random bytes on a pipe that stays open until they all came
# back on the other pipe; then stdin is closed and the exit status is
# sockit's.  (Proxies close both ways at the first half-close, so a
# reply after our EOF would be lost to them, not to sockit.)
through() {
	py "$SOCKIT" "$@" <<'PY'
import subprocess
data = os.urandom(100000)
p = subprocess.Popen([sys.argv[1], "send"] + sys.argv[2:],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def feed():
    p.stdin.write(data); p.stdin.flush()
threading.Thread(target=feed, daemon=True).start()
got = b""
while len(got) < len(data):
    b = p.stdout.read1(65536)
    if not b: break
    got += b
p.stdin.close()
rc = p.wait(timeout=20)
if got != data: fail("got %d bytes back, not the %d sent" % (len(got), len(data)))
sys.exit(rc)
PY
}

@test "send --proxy socks5h:// through microsocks is binary-clean both ways" {
	start_microsocks
	start_server e echo 127.0.0.1:0
	through --proxy "socks5h://$SOCKS" localhost "$PORT"
	through --proxy "socks5://$SOCKS" "127.0.0.1:$PORT"
}

@test "socks5:// resolves the name itself, socks5h:// hands it to the proxy" {
	start_py p socks_peer.py 0
	run -0 "$SOCKIT" send --proxy "socks5://$ADDR" -m abc localhost:7
	[ "$(cat "$T/p.out")" = "cmd 1 atyp 1 127.0.0.1 7" ]
	# The target's first bytes came with the proxy's reply: none is lost.
	[ "$output" = "$(printf 'target here\n\ncba')" ]
	start_py p socks_peer.py 0
	run -0 "$SOCKIT" send --proxy "socks5h://$ADDR" -m abc localhost:7
	[ "$(cat "$T/p.out")" = "cmd 1 atyp 3 localhost 7" ]
}

@test "socks5h:// reaches a name only the proxy knows; socks5:// cannot" {
	start_py p socks_peer.py 0
	run -0 "$SOCKIT" send --proxy "socks5h://$ADDR" -m hi only-the-proxy.invalid:ssh
	[ "$(cat "$T/p.out")" = "cmd 1 atyp 3 only-the-proxy.invalid 22" ]
	[ "$output" = "$(printf 'target here\n\nih')" ]
	run -1 "$SOCKIT" send --proxy "socks5://$ADDR" -m hi only-the-proxy.invalid:22
	[[ $output == "sockit: send: only-the-proxy.invalid: "* ]]
}

@test "as ssh's ProxyCommand: the target's end reaches stdout, and sockit exits" {
	start_microsocks
	start_py b banner.py
	py "$SOCKIT" "socks5h://$SOCKS" "$PORT" <<'PY'
import subprocess
# ssh keeps its end of the pipe open: EOF must come from the target.
p = subprocess.Popen([sys.argv[1], "send", "--proxy", sys.argv[2],
                      "localhost", sys.argv[3]],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
got, end = b"", time.time() + 20
while True:
    if not select.select([p.stdout], [], [], max(0, end - time.time()))[0]:
        p.kill()
        fail("no EOF on stdout within 20 s, after %r" % got)
    b = os.read(p.stdout.fileno(), 65536)
    if not b: break
    got += b
p.stdin.close()
rc = p.wait(timeout=20)
if got != b"SSH-2.0-banner\r\n" + bytes(range(256)) or rc != 0:
    fail("got %r, exit %d" % (got, rc))
PY
}

@test "socks5 with a wrong password fails clearly with exit 1, the right one works" {
	start_microsocks -u bob -P s3cret
	start_server e echo 127.0.0.1:0
	run -1 "$SOCKIT" send --proxy "socks5h://bob:wrong@$SOCKS" -m x "localhost:$PORT"
	[[ $output == "sockit: send: proxy socks5h://$SOCKS: authentication as bob failed (status "[1-9]*")" ]]
	run -1 "$SOCKIT" send --proxy "socks5h://$SOCKS" -m x "localhost:$PORT"
	[[ $output == *"takes none of our authentication methods"*"user:password@"* ]]
	through --proxy "socks5h://bob:s3cret@$SOCKS" "localhost:$PORT"
}

@test "send --proxy http:// goes through tinyproxy's CONNECT" {
	start_tinyproxy
	start_server e echo 127.0.0.1:0
	through --proxy "http://$HTTPPROXY" "localhost:$PORT"
}

@test "a proxy that refuses: exit 1 with its reply code" {
	start_py p socks_peer.py 2
	run -1 "$SOCKIT" send --proxy "socks5://$ADDR" -m x 127.0.0.1:9
	[ "$output" = "sockit: send: proxy socks5://$ADDR: CONNECT 127.0.0.1:9: reply 2: connection not allowed by ruleset" ]
	start_tinyproxy
	run -1 "$SOCKIT" send --proxy "http://$HTTPPROXY" -m x "127.0.0.1:$(free_port)"
	[[ $output == "sockit: send: proxy http://$HTTPPROXY: CONNECT 127.0.0.1:"[0-9]*": 5"[0-9][0-9]" "* ]]
}

@test "-w covers the proxy's handshake, not just its connect" {
	start_py m mute.py
	run -1 timeout 20 "$SOCKIT" send -w 300ms --proxy "socks5h://$ADDR" -m x example.invalid:80
	[ "$output" = "sockit: send: proxy socks5h://$ADDR: Connection timed out" ]
}

@test "--proxy: a bad URL or a unix target is a usage error" {
	run -2 "$SOCKIT" send --proxy ftp://127.0.0.1:21 -m x 127.0.0.1:9
	[[ ${lines[0]} == "sockit: send: --proxy ftp://127.0.0.1:21: not socks5://, socks5h:// or http://" ]]
	run -2 "$SOCKIT" send --proxy socks5://127.0.0.1:1080 -m x unix:/tmp/x.sock
	[[ ${lines[0]} == "sockit: send: --proxy: the target must be TCP"* ]]
}

# echo_through ADDR: a client that sends 100 KiB at once (before any
# tunnel can be up) and must get them back exactly, while still sending.
echo_through() {
	py "$1" <<'PY'
s = connect(sys.argv[1], timeout=20)
data = os.urandom(100000)
threading.Thread(target=s.sendall, args=(data,), daemon=True).start()
got = recv_exactly(s, len(data))
if got != data: fail("got %d bytes back, not the %d sent" % (len(got), len(data)))
PY
}

@test "relay --proxy http:// reaches TARGET through tinyproxy, client after client" {
	start_tinyproxy
	start_server e echo 127.0.0.1:0
	local target=localhost:$PORT
	start_server r relay --proxy "http://$HTTPPROXY" 127.0.0.1:0 "$target"
	echo_through "$ADDR"
	echo_through "$ADDR"
	echo_through "$ADDR"
	[ ! -s "$T/r.err" ]
}

@test "relay --proxy socks5h:// with a password, through microsocks" {
	start_microsocks -u bob -P s3cret
	start_server e echo 127.0.0.1:0
	local target=localhost:$PORT
	start_server r relay --proxy "socks5h://bob:s3cret@$SOCKS" 127.0.0.1:0 "$target"
	echo_through "$ADDR"
	echo_through "$ADDR"
}

@test "relay: a proxy that refuses closes that client only, with the reply logged" {
	start_py p socks_peer.py 5
	local proxy=$ADDR
	start_server r relay --proxy "socks5://$proxy" 127.0.0.1:0 127.0.0.1:9
	py "$ADDR" <<'PY'
try:    # a refused client is reset, maybe before connect() returns
    s = connect(sys.argv[1])
    s.sendall(b"never delivered")
    got = s.recv(100)
except (ConnectionResetError, BrokenPipeError):
    got = b""
if got: fail("got %r" % got)
PY
	wait_for 'grep -q "CONNECT 127.0.0.1:9: reply 5: connection refused" "$T/r.err"'
	kill -0 "$PID"
	# The client's bytes never reached the proxy as a request.
	[ "$(cat "$T/p.out")" = "cmd 1 atyp 1 127.0.0.1 9" ]
}

@test "relay -w covers the proxy's handshake" {
	start_py m mute.py
	local proxy=$ADDR
	start_server r relay -w 300ms --proxy "socks5h://$proxy" 127.0.0.1:0 example.invalid:80
	py "$ADDR" <<'PY'
s = connect(sys.argv[1], timeout=20)
try:
    got = s.recv(100)
except ConnectionResetError:
    got = b""
if got: fail("got %r" % got)
PY
	grep -q "proxy socks5h://$proxy: Connection timed out" "$T/r.err"
}

@test "wait --proxy: an address the proxy can reach is ready; one it cannot, is not" {
	# a name only the proxy knows: ready through it, never without it
	start_py p socks_peer.py 0
	run timeout 20 "$SOCKIT" wait -v -t 10 --proxy "socks5h://$ADDR" \
		only-the-proxy.invalid:80
	assert_success
	assert_output --partial "only-the-proxy.invalid:80 ready after"
	[ "$(cat "$T/p.out")" = "cmd 1 atyp 3 only-the-proxy.invalid 80" ]
	start_microsocks
	local closed
	closed=127.0.0.1:$(free_port)
	run timeout 20 "$SOCKIT" wait -t 1 --proxy "socks5h://$SOCKS" "$closed"
	assert_failure 1
	assert_output --partial "timed out after 1 s: $closed ("
	assert_output --partial "not ready"
}

@test "wait --proxy: a bad proxy URL is a usage error" {
	run "$SOCKIT" wait --proxy "ftp://127.0.0.1:1" 127.0.0.1:9
	assert_failure 2
}

@test "-s binds the connection to the proxy, for send and relay" {
	local src
	src=$(free_port)
	start_py p socks_peer.py 0
	run -0 timeout 20 "$SOCKIT" send -s "127.0.0.1:$src" --proxy "socks5://$ADDR" -m abc 127.0.0.1:7
	wait_for 'grep -q "^from " "$T/p.err"'
	assert_equal "$(cat "$T/p.err")" "from 127.0.0.1:$src"
	src=$(free_port)
	start_py p socks_peer.py 0
	start_server r relay -s "127.0.0.1:$src" --proxy "socks5://$ADDR" 127.0.0.1:0 127.0.0.1:7
	printf 'abc' | timeout 20 "$SOCKIT" send "$ADDR" >/dev/null
	wait_for 'grep -q "^from " "$T/p.err"'
	assert_equal "$(cat "$T/p.err")" "from 127.0.0.1:$src"
}

@test "send: an HTTP proxy's status line with a tab is refused, no crash" {
	start_py p http_proxy_reply.py 'HTTP/1.1\t407'
	run -1 "$SOCKIT" send --proxy "http://$ADDR" -m x 127.0.0.1:9
	assert_output "sockit: send: proxy http://$ADDR: not an HTTP reply: HTTP/1.1?407"
	start_py p http_proxy_reply.py 'HTTP/1.1 407'
	run -1 "$SOCKIT" send --proxy "http://$ADDR" -m x 127.0.0.1:9
	assert_output "sockit: send: proxy http://$ADDR: CONNECT 127.0.0.1:9: 407 (give user:password@ in the URL)"
}

@test "relay survives an HTTP proxy's status line with a tab" {
	start_py p http_proxy_reply.py 'HTTP/1.1\t407'
	local proxy=$ADDR
	start_server r relay --proxy "http://$proxy" 127.0.0.1:0 127.0.0.1:9
	for i in 1 2; do
		py "$ADDR" <<'PY'
try:
    s = connect(sys.argv[1])
    got = s.recv(100)
except (ConnectionResetError, BrokenPipeError):
    got = b""
if got: fail("got %r" % got)
PY
	done
	wait_for '[ "$(grep -c "not an HTTP reply" "$T/r.err")" = 2 ]'
	kill -0 "$PID"
}
