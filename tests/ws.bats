#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# WebSocket (RFC 6455): ws://, wss:// and ws+unix: on the commands that
# take them, against python's websockets (Debian's python3-websockets,
# under /usr/bin/python3) as client and server, websockify as the back
# half of a bridge, curl for plain HTTP, and a raw socket for the frames
# no library sends.

load test_helper
bats_require_minimum_version 1.5.0

PY3=/usr/bin/python3

setup_file() {
	local d=$BATS_FILE_TMPDIR/pki ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
	mkdir -p "$d"
	cd "$d"
	openssl req -x509 $ec -keyout ca.key -out ca.pem -days 30 \
	    -subj /CN=sockit-ws-ca 2>/dev/null
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >srv.ext
	openssl req $ec -keyout srv.key -out srv.csr -subj /CN=srv 2>/dev/null
	openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	    -days 30 -extfile srv.ext -out srv.pem 2>/dev/null
}

setup() {
	P=$BATS_FILE_TMPDIR/pki
}

# start_wspy NAME SCRIPT ARGS...: a python peer of tests/peers run by
# the python that has websockets; ADDR and PID as start_py sets them.
start_wspy() {
	local name=$1 script=$2 fifo=$T/$1.ready
	shift 2
	rm -f "$fifo"
	mkfifo "$fifo"
	PYTHONPATH=$PEERS "$PY3" "$PEERS/$script" "$@" 4>"$fifo" </dev/null \
		>"$T/$name.out" 2>"$T/$name.err" 3>&- &
	await_ready "$name" $!
}

# wspy ARGS...: the websockets client of ws_peer.py, in the foreground.
wspy() {
	"$PY3" "$PEERS/ws_peer.py" client "$@"
}

@test "echo ws:// answers python's websockets: binary, fragmented, ping, 4 MB" {
	start_server e echo ws://127.0.0.1:0/
	assert [ "${ADDR:0:5}" = "ws://" ]
	run wspy "$ADDR" text "héllo"
	assert_success
	assert_output "b'h\\xc3\\xa9llo'"	# binary by default
	run wspy "$ADDR" frag
	assert_success
	assert_output "b'abc'"
	run wspy "$ADDR" ping
	assert_output pong
	run wspy "$ADDR" big 4194304
	assert_success
	assert_output "same 4194304"
}

@test "echo --text answers text messages, and a server on a path takes only it" {
	start_server e echo --text ws://127.0.0.1:0/chat
	assert_equal "$ADDR" "ws://127.0.0.1:$(echo "$ADDR" | sed 's|.*:\([0-9]*\)/chat|\1|')/chat"
	run wspy "$ADDR" text "héllo"
	assert_success
	assert_output "'héllo'"
	run wspy "${ADDR%/chat}/other" text x
	assert_failure
	assert_output --partial 404
}

@test "send ws:// to a websockets server: bytes out as messages, messages back raw" {
	start_wspy srv ws_peer.py server log
	printf 'one\ntwo\n' >"$T/in"
	run "$SOCKIT" send --text "$ADDR" <"$T/in"
	assert_success
	wait_for '[ "$(cat "$T/srv.out")" = "$(printf "%s\n" "'"'one'"'" "'"'two'"'")" ]'
	run "$SOCKIT" send "$ADDR" <"$T/in"
	assert_success
	wait_for 'grep -qF "b'"'one\\\\ntwo\\\\n'"'" "$T/srv.out"'
	# python's websockets sends nothing after a Close: --recv-only
	# keeps ours until the server's.
	start_wspy hello ws_peer.py server hello
	run "$SOCKIT" send --recv-only "$ADDR"
	assert_success
	assert_output hello
}

@test "send ws:// carries 4 MB byte-exact to a websockets server" {
	random_file "$T/big" 4194304
	start_wspy srv ws_peer.py server sha
	run -0 timeout 60 "$SOCKIT" send "$ADDR" <"$T/big"
	wait_for '[ -s "$T/srv.out" ]'
	assert_equal "$(cat "$T/srv.out")" "$(sha256sum <"$T/big" | cut -d" " -f1)"
}

@test "send receives a fragmented message whole, and a server's close ends it" {
	start_wspy srv ws_peer.py server frag
	run --separate-stderr "$SOCKIT" send -v --text --recv-only "$ADDR"
	assert_success
	assert_output "one,two,three"
	assert [ "${stderr/WebSocket Close 1000/}" != "$stderr" ]
	start_wspy srv2 ws_peer.py server close4001
	run "$SOCKIT" send -v --recv-only "$ADDR"
	assert_success
	assert_line --partial "WebSocket Close 4001: bye"
}

@test "send --ws-protocol offers a subprotocol the server picks" {
	start_wspy srv ws_peer.py server protocol
	run "$SOCKIT" send --text --recv-only --ws-protocol chat "$ADDR"
	assert_success
	assert_output chat
	run "$SOCKIT" send --text --recv-only "$ADDR"
	assert_output none
}

@test "send -H adds request headers; the path and Host are the URL's" {
	start_wspy srv ws_peer.py server headers
	run "$SOCKIT" send --text --recv-only -H 'X-Test: yes it is' \
	    "${ADDR}room?id=7"
	assert_success
	assert_output "/room?id=7 yes it is 127.0.0.1:${PORT%/}"
}

@test "send --text refuses input that is not UTF-8: exit 1, one line" {
	start_server e echo ws://127.0.0.1:0/
	run --separate-stderr "$SOCKIT" send --text "$ADDR" < <(printf 'ok\n\xff\xfe\n')
	assert_failure 1
	assert_equal "$stderr" "sockit: send: $ADDR: WebSocket: --text: a message not UTF-8"
}

@test "relay ws:// -> TCP and TCP -> ws:// carry 4 MB byte-exact both ways" {
	random_file "$T/big" 4194304
	start_server back echo 127.0.0.1:0
	start_server wsr relay ws://127.0.0.1:0/ "$ADDR"
	local ws=$ADDR
	start_server front relay 127.0.0.1:0 "$ws"
	timeout 60 "$SOCKIT" send "$ADDR" <"$T/big" >"$T/big.out"
	cmp "$T/big" "$T/big.out"
	# And a python client straight into the ws:// side.
	run wspy "$ws" big 4194304
	assert_output "same 4194304"
}

@test "relay TCP -> ws:// talks to websockify's back half, both ways" {
	random_file "$T/data" 1048576
	start_server back echo 127.0.0.1:0
	start_wspy wsk websockify_inetd.py "$ADDR"
	start_server front relay 127.0.0.1:0 "$ADDR"
	# websockify drops what it holds at the first Close (no half-close):
	# the client reads the whole echo before it ends its side.
	run py "$ADDR" "$T/data" <<-'EOF'
	d = open(sys.argv[2], "rb").read()
	s = connect(sys.argv[1], timeout=60)
	threading.Thread(target=s.sendall, args=(d,)).start()
	got = recv_exactly(s, len(d))
	print("same" if got == d else "differ", len(got))
	EOF
	assert_output "same 1048576"
}

@test "relay ws:// LISTEN is a websockify: a websockets client reaches a TCP service" {
	start_wspy srv ws_peer.py server echo	# any TCP service would do
	start_server back echo 127.0.0.1:0
	start_server wsr relay ws://127.0.0.1:0/ "$ADDR"
	run wspy "$ADDR" text "to tcp"
	assert_success
	assert_output "b'to tcp'"
}

@test "listen ws:// writes what a websockets client sends" {
	start_server l listen ws://127.0.0.1:0/
	printf 'first\nsecond\n' | wspy "$ADDR" send
	wait_for '[ "$(cat "$T/l.out")" = "$(printf "firstsecond")" ]'
	# --text: each message ends with the delimiter, -d's here.
	start_server l2 listen --text -d ';' "ws+unix:@sockit-ws-$$"
	run -0 "$SOCKIT" send --text -d ';' "$ADDR" < <(printf 'one;two;')
	wait_for '[ "$(cat "$T/l2.out")" = "one;two;" ]'
}

@test "wss:// with --cacert, and a server with --self-signed" {
	start_wspy srv ws_peer.py server hello "$P/srv.pem" "$P/srv.key"
	assert [ "${ADDR:0:6}" = "wss://" ]
	run "$SOCKIT" send --recv-only --cacert "$P/ca.pem" "$ADDR"
	assert_success
	assert_output hello
	# Verification is on by default: no CA, no connection.
	run "$SOCKIT" send --recv-only "$ADDR"
	assert_failure 1
	assert_output --partial "certificate verify failed"
	start_server e echo --cert "$P/srv.pem" --key "$P/srv.key" wss://127.0.0.1:0/
	assert [ "${ADDR:0:6}" = "wss://" ]
	CAFILE=$P/ca.pem run wspy "$ADDR" text "over tls"
	assert_output "b'over tls'"
	start_server s echo --self-signed wss://127.0.0.1:0/
	run --separate-stderr "$SOCKIT" send --insecure "$ADDR" <<<"self"
	assert_success
	assert_output self
}

@test "ws+unix: serves and dials over a unix socket, with a URL path" {
	start_server e echo "ws+unix:$T/ws.sock:/x"
	assert_equal "$ADDR" "ws+unix:$T/ws.sock:/x"
	run "$SOCKIT" send "$ADDR" <<<"over unix"
	assert_success
	assert_output "over unix"
	run "$SOCKIT" send "ws+unix:$T/ws.sock:/y" <<<"lost"
	assert_failure 1
	assert_output --partial "404"
}

@test "a server answers plain HTTP with an error and goes on" {
	start_server e echo -v ws://127.0.0.1:0/app
	local http=http://${ADDR#ws://}
	run curl -s -o /dev/null -w '%{http_code}' "$http"
	assert_output 400
	run curl -s -o /dev/null -w '%{http_code}' "${http%/app}/nope"
	assert_output 404
	run curl -s -o /dev/null -w '%{http_code}' -H 'Upgrade: websocket' \
	    -H 'Connection: Upgrade' -H 'Sec-WebSocket-Version: 8' \
	    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$http"
	assert_output 426
	run curl -s -o /dev/null -w '%{http_code}' \
	    -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' x)" "$http"
	assert_output 400
	run wspy "$ADDR" text "still here"
	assert_output "b'still here'"
	run grep -c "refused: HTTP" "$T/e.err"
	assert_output 4
}

# upgrade_status ADDR ORIGIN: the status line a server answers an
# upgrade request from ORIGIN with.
upgrade_status() {
	py "$1" "$2" <<-'EOF'
	s = connect(sys.argv[1].split("//")[1].rstrip("/"))
	s.sendall(("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Origin: %s\r\n\r\n" % sys.argv[2]).encode())
	print(s.makefile("rb").readline().decode().strip())
	EOF
}

@test "--ws-origin refuses other Origins with 403" {
	start_server e echo --ws-origin https://good.example \
	    --ws-origin https://also.example ws://127.0.0.1:0/
	run upgrade_status "$ADDR" https://evil.example
	assert_output "HTTP/1.1 403 Forbidden"
	run upgrade_status "$ADDR" https://good.example
	assert_output "HTTP/1.1 101 Switching Protocols"
	run upgrade_status "$ADDR" https://also.example
	assert_output "HTTP/1.1 101 Switching Protocols"
}

@test "bad frames are closed with 1002 and the server goes on" {
	start_server e echo -v ws://127.0.0.1:0/
	local c
	for c in unmasked bigping rsv huge; do
		run "$PY3" "$PEERS/ws_raw.py" "$ADDR" "$c"
		assert_output "close 1002"
	done
	run "$PY3" "$PEERS/ws_raw.py" "$ADDR" badutf8
	assert_output "close 1007"
	run wspy "$ADDR" text "fine"
	assert_output "b'fine'"
	run grep -c "closing with 1002" "$T/e.err"
	assert_output 4
}

@test "--ws-max-message closes a longer message with 1009" {
	start_server e echo --ws-max-message 1K ws://127.0.0.1:0/
	run "$PY3" "$PEERS/ws_raw.py" "$ADDR" toolong 1025
	assert_output "close 1009"
	run "$PY3" "$PEERS/ws_raw.py" "$ADDR" toolong 1024
	assert_output "data 1024"
}

@test "--hexdump shows the payload, --progress counts it" {
	start_server e echo ws://127.0.0.1:0/
	run "$SOCKIT" send --hexdump "$ADDR" <<<"payload"
	assert_success
	assert_line --partial "payload"
	refute_output --partial "HTTP/1.1"
	# 100000 bytes of payload, not a byte of frame or handshake more.
	start_server l listen --once --progress=always ws://127.0.0.1:0/
	random_file "$T/in" 100000
	run -0 timeout 20 "$SOCKIT" send "$ADDR" <"$T/in"
	wait_exit "$PID"
	assert_equal "$STATUS" 0
	cmp "$T/in" "$T/l.out"
	[[ $(tail -1 "$T/l.err") =~ ^0\ B\ sent,\ 97\.7\ KiB\ received, ]]
}

@test "bad WebSocket addresses and options: one line, exit 2" {
	local c
	for c in "ws://" "ws://host@x:80/" "ws://h:80/a b" "ws://h:80/#f" \
	    "ws://h:99999/" "ws+unix:" ; do
		run "$SOCKIT" send "$c"
		assert_failure 2
		assert_line --index 0 --regexp "^sockit: send: "
	done
	run "$SOCKIT" send -u ws://127.0.0.1:80/
	assert_failure 2
	assert_output --partial "WebSocket is for streams"
	run "$SOCKIT" send --text 127.0.0.1:80
	assert_failure 2
	assert_output --partial "--text: needs a ws:// address"
	run "$SOCKIT" send -H 'bad header' ws://127.0.0.1:80/
	assert_failure 2
	assert_output --partial "not 'Name: value'"
	run "$SOCKIT" send -H 'Host: x' ws://127.0.0.1:80/
	assert_failure 2
	assert_output --partial "sets that header itself"
	run "$SOCKIT" send --ws-protocol 'a b' ws://127.0.0.1:80/
	assert_failure 2
	assert_output --partial "not a token"
	for c in 0 x 12Q 2G; do
		run "$SOCKIT" echo --ws-max-message "$c" ws://127.0.0.1:0/
		assert_failure 2
		assert_output --partial "--ws-max-message $c:"
	done
	run "$SOCKIT" echo --ws-origin '' ws://127.0.0.1:0/
	assert_failure 2
	run "$SOCKIT" relay --ws-origin x 127.0.0.1:0 ws://127.0.0.1:80/
	assert_failure 2
	assert_output --partial "--ws-origin: applies to a WebSocket server"
	run "$SOCKIT" relay -H 'X-A: b' ws://127.0.0.1:0/ 127.0.0.1:80
	assert_failure 2
	assert_output --partial "-H: applies to a WebSocket client"
}

@test "a server closes a client that does not finish its upgrade within -w" {
	start_server e echo -v -w 1 ws://127.0.0.1:0/
	run py "$ADDR" <<-'EOF'
	s = connect(sys.argv[1].split("//")[1].rstrip("/"), timeout=20)
	s.sendall(b"GET / HTTP/1.1\r\n")
	print(repr(recv_all(s)))
	EOF
	assert_output "b''"
	run grep -c "WebSocket handshake timed out: closing" "$T/e.err"
	assert_output 1
}

@test "a client whose server does not answer the upgrade: exit 1 at -w" {
	start_server l listen 127.0.0.1:0 </dev/null
	run timeout 20 "$SOCKIT" send -w 3 "ws://$ADDR/" </dev/null
	assert_failure 1
	assert_output "sockit: send: ws://$ADDR/: WebSocket handshake timed out"
	# What it got was the request, and nothing of ours after it.
	wait_for 'grep -q "^Sec-WebSocket-Version: 13" "$T/l.out"'
}

@test "exec ws:// runs a program per WebSocket client (websocketd's job)" {
	start_server x exec ws://127.0.0.1:0/ -- tr a-z A-Z
	run "$SOCKIT" send "$ADDR" <<<"shout"
	assert_success
	assert_output SHOUT
	# -i and --hexdump apply: sockit carries the bytes, as with TLS.
	start_server x2 exec -i 5 ws://127.0.0.1:0/ -- cat
	run "$SOCKIT" send "$ADDR" <<<"kept"
	assert_output kept
}

# A terminal in a browser's WebSocket (ttyd's and gotty's job).
@test "exec --pty ws://: the program runs on a terminal of its own, for a websockets client" {
	start_server x exec --pty ws://127.0.0.1:0/ -- tty
	run wspy "$ADDR" closecode
	assert_success
	# tty(1) names its terminal (the line end cooked by it), then exits:
	# the server closes the WebSocket cleanly
	assert_line --index 0 --regexp "^b'/dev/pts/[0-9]+\\\\r\\\\n'$"
	assert_line --index 1 "closed 1000"
}

@test "clock ws:// ticks to a websockets client, and wall shows ws:// sources" {
	start_server c clock --text -c 2 ws://127.0.0.1:0/
	run wspy "$ADDR" closecode
	assert_success
	assert_line --index 0 --regexp "^'[0-9]{2}:[0-9]{2}:[0-9]{2}'$"
	assert_line --index 2 "closed 1000"
	start_server c2 clock ws://127.0.0.1:0/
	run timeout 20 "$SOCKIT" wall -c 2 "t=$ADDR"
	assert_success
	assert_line --index 0 t
	assert_line --index 1 --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
}

@test "wait ws:// is ready once the upgrade succeeds, not at the TCP connect" {
	start_server e echo ws://127.0.0.1:0/app
	run "$SOCKIT" wait -t 10 "$ADDR" -- echo up
	assert_success
	assert_output up
	# A listener that is no WebSocket server is not ready.
	start_server l listen --recv-only 127.0.0.1:0
	run "$SOCKIT" wait -t 2 -w 1 "ws://$ADDR/" -- echo up
	assert_failure 1
	refute_output up
}

@test "--proxy reaches ws:// and wss:// through tinyproxy (HTTP CONNECT)" {
	local port
	port=$(free_port)
	printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nMaxClients 10\n' \
		"$port" >"$T/tinyproxy.conf"
	tinyproxy -d -c "$T/tinyproxy.conf" >"$T/tinyproxy.log" 2>&1 3>&- &
	echo $! >>"$T/pids"
	wait_for nc -z 127.0.0.1 "$port"
	start_wspy srv ws_peer.py server hello
	run "$SOCKIT" send --recv-only --proxy "http://127.0.0.1:$port" "$ADDR"
	assert_success
	assert_output hello
	start_wspy srv2 ws_peer.py server hello "$P/srv.pem" "$P/srv.key"
	run "$SOCKIT" send --recv-only --cacert "$P/ca.pem" \
	    --proxy "http://127.0.0.1:$port" "$ADDR"
	assert_success
	assert_output hello
}

# --keepalive on WebSocket adds pings, answered by the peer itself: a
# peer stopped with SIGSTOP still has its kernel acknowledge TCP (so TCP
# keepalive would never find it), but answers no ping.
@test "send --keepalive pings a ws:// server; one that stops answering is found dead: exit 1" {
	start_wspy srv ws_peer.py server echo
	local srv=$PID
	mkfifo "$T/in"
	"$SOCKIT" send -vv --keepalive=1,1,2 "$ADDR" <"$T/in" >"$T/out" \
		2>"$T/send.err" 3>&- &
	local pid=$!
	echo "$pid" >>"$T/pids"
	exec 5>"$T/in"
	# answered pings keep the connection up, and data still flows
	wait_for '[ "$(grep -c "WebSocket pong" "$T/send.err")" -ge 2 ]'
	echo hi >&5
	wait_for 'grep -q hi "$T/out"'
	kill -STOP "$srv"
	wait_exit "$pid" 20
	kill -CONT "$srv"
	exec 5>&-
	assert_equal "$STATUS" 1
	run cat "$T/send.err"
	assert_line --partial "WebSocket: no answer to a ping in 2"
	assert_line --partial "ms: the peer is dead"
}

@test "echo ws:// --keepalive drops a client that answers no ping, and goes on" {
	start_server e echo -vv --keepalive=1,1,1 ws://127.0.0.1:0/
	"$PY3" "$PEERS/ws_peer.py" client "$ADDR" closecode >"$T/c.out" \
		2>"$T/c.err" 3>&- &
	local client=$!
	echo "$client" >>"$T/pids"
	wait_for '[ "$(grep -c "WebSocket pong" "$T/e.err")" -ge 2 ]'
	kill -STOP "$client"
	wait_for 'grep -q "no answer to a ping in .* ms: the peer is dead" "$T/e.err"'
	kill -CONT "$client"
	# the server goes on
	run wspy "$ADDR" text again
	assert_success
	assert_output "b'again'"
}

@test "send --reconnect ws://: a new upgrade after the server restarts, each line once" {
	start_server e echo ws://127.0.0.1:0/
	local addr=$ADDR port=${ADDR##*:}
	port=${port%/}
	mkfifo "$T/in"
	"$SOCKIT" send -v --reconnect -d '\n' --retry-max 200ms "$addr" \
		<"$T/in" >"$T/out" 2>"$T/send.err" 3>&- &
	local pid=$!
	echo "$pid" >>"$T/pids"
	exec 5>"$T/in"
	echo one >&5
	wait_for 'grep -qx one "$T/out"'
	kill "$PID"
	wait_for 'grep -q "connecting again" "$T/send.err"'
	start_server e2 echo "ws://127.0.0.1:$port/" 5>&-	# not a writer of $T/in
	echo two >&5
	wait_for 'grep -qx two "$T/out"'
	exec 5>&-
	wait_exit "$pid" 20
	assert_equal "$STATUS" 0
	run cat "$T/out"
	assert_output "$(printf 'one\ntwo')"
	run grep -c "WebSocket open" "$T/send.err"
	assert_output 2
}

# A reader held back by its own output reads no pong for a while: what
# waits unread in the socket shows the peer is alive all the same.
@test "send --keepalive ws://: a stdout that blocks for seconds is no dead peer" {
	random_file "$T/big" 20000000
	SERVER_STDIN=$T/big start_server l listen --once ws://127.0.0.1:0/
	mkfifo "$T/out"
	"$SOCKIT" send -vv --recv-only --keepalive=1,1,1 "$ADDR" >"$T/out" \
		2>"$T/send.err" 3>&- &
	local pid=$!
	echo "$pid" >>"$T/pids"
	# nobody reads stdout yet: three pings go, the pongs stay unread
	exec 6<"$T/out"
	wait_for '[ "$(grep -c "WebSocket ping" "$T/send.err")" -ge 3 ]'
	cat <&6 >"$T/got"
	exec 6<&-
	wait_exit "$pid" 60
	assert_equal "$STATUS" 0
	run cmp "$T/big" "$T/got"
	assert_success
	run grep -c "the peer is dead" "$T/send.err"
	assert_output 0
}
