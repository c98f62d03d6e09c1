#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit nc against netcat-openbsd: the same command line run with
# Debian's nc.openbsd and with sockit called as nc, each against a fresh
# peer of the same kind, must give the same stdout, exit status, stderr
# (the -v lines) and the same bytes at the peer.  Ports differ from one
# run to the other and are written PORT before comparing.  Flags sockit
# refuses, and ncat's -e and -c, are tested against what sockit-nc(1)
# says, since netcat-openbsd has no such behaviour to compare with.

load test_helper

bats_require_minimum_version 1.5.0

setup() {
	command -v nc.openbsd >/dev/null ||
		skip "netcat-openbsd (nc.openbsd) is not installed"
	mkdir -p "$T/ref" "$T/sut"
	ln -sf "$(command -v nc.openbsd)" "$T/ref/nc"
	ln -sf "$(realpath "$SOCKIT")" "$T/sut/nc"
	: >"$T/in"
}

# nc_run IMPL ARGS...: nc (ref: netcat-openbsd, sut: sockit) on stdin
# $T/in; its stdout, stderr and status in $T/IMPL.out, .err, .status.
nc_run() {
	local impl=$1 st=0
	shift
	PATH=$T/$impl:$PATH timeout 60 nc "$@" <"$T/in" >"$T/$impl.out" \
	    2>"$T/$impl.err" 3>&- || st=$?
	echo "$st" >"$T/$impl.status"
}

# both MODE ARGS...: for each nc, a fresh nc_peer.py MODE (none: no
# peer; a MODE ending in .sock: a unix one at $T/p.sock), then nc ARGS
# with @P@ the peer's port, @S@ its socket path and @Q@ a free port (SRC
# in what the peer got); then the results are compared.
both() {
	local mode=$1 impl a src
	local -a args
	shift
	for impl in ref sut; do
		rm -f "$T/p.sock"
		PORT=
		case $mode in
		none) ;;
		*.sock) start_py peer nc_peer.py "${mode%.sock}" "$T/p.sock" ;;
		*) start_py peer nc_peer.py "$mode" ;;
		esac
		# A source port of its own for each run: the other's may be
		# in TIME_WAIT still, and the two set different SO_REUSE*.
		src=$(free_port)
		args=()
		for a in "$@"; do
			a=${a//@P@/$PORT}
			a=${a//@Q@/$src}
			args+=("${a//@S@/$T/p.sock}")
		done
		nc_run "$impl" "${args[@]}"
		if [ "$mode" != none ]; then
			wait_exit "$PID" 30
			sed "s/\\b$src\\b/SRC/g" "$T/peer.out" >"$T/$impl.peer"
		else
			: >"$T/$impl.peer"
		fi
		[[ ! $PORT =~ ^[0-9]+$ ]] ||
			sed -i "s/\\b$PORT\\b/PORT/g" "$T/$impl.err"
	done
	same_results
}

# same_results: fail, showing the differences, unless both nc did the same.
same_results() {
	local f bad=
	for f in out status err peer; do
		if ! cmp -s "$T/ref.$f" "$T/sut.$f"; then
			echo "$f differs: netcat-openbsd (<) sockit nc (>)" >&2
			[ "$f" = err ] || cat "$T/sut.err" >&2
			diff "$T/ref.$f" "$T/sut.$f" >&2 || true
			bad=1
		fi
	done
	[ -z "$bad" ]
}

# ref FILE WANT: what netcat-openbsd gave, so that no case passes by both
# failing alike.
ref() {
	assert_equal "$(cat "$T/ref.$1")" "$2"
}

@test "nc: bytes both ways, and -N ends the request" {
	printf 'hello\nworld\n' >"$T/in"
	both upper -N 127.0.0.1 @P@
	ref out "$(printf 'HELLO\nWORLD')"
	ref status 0
}

@test "nc -v: the connection line, with no service for the port" {
	echo hi >"$T/in"
	both upper -v -N 127.0.0.1 @P@
	ref err "Connection to 127.0.0.1 PORT port [tcp/*] succeeded!"
}

@test "nc -v with a name: HOST (ADDRESS) in the line" {
	echo hi >"$T/in"
	both upper -vN localhost @P@
	ref err "Connection to localhost (127.0.0.1) PORT port [tcp/*] succeeded!"
}

@test "nc -vn: numeric, the same line" {
	echo hi >"$T/in"
	both upper -vnN 127.0.0.1 @P@
	ref out HI
}

@test "nc -n refuses a host name" {
	both none -n localhost 80
	ref status 1
	ref err 'nc: getaddrinfo for host "localhost" port 80: Name or service not known'
}

@test "nc -C sends CRLF line ends" {
	printf 'a\nb\n' >"$T/in"
	both upper -C -N 127.0.0.1 @P@
	ref peer "b'a\\r\\nb\\r\\n'"
}

@test "nc -d reads no stdin, prints what the peer sends" {
	echo ignored >"$T/in"
	both greet -d 127.0.0.1 @P@
	ref out hello
	ref peer ""
}

@test "nc -q: the end of stdin is sent, replies read until the peer closes" {
	echo bye >"$T/in"
	both upper -q 20 127.0.0.1 @P@
	ref peer "b'bye\\n'"
	ref out BYE
}

@test "nc -w: a timeout that does not run out changes nothing" {
	echo x >"$T/in"
	both upper -w 20 -N 127.0.0.1 @P@
	ref out X
}

@test "nc -4 to 127.0.0.1" {
	echo four >"$T/in"
	both upper -4 -N 127.0.0.1 @P@
	ref out FOUR
}

@test "nc -6 to ::1, with -v" {
	echo six >"$T/in"
	both upper6 -6 -v -N ::1 @P@
	ref out SIX
	ref err "Connection to ::1 PORT port [tcp/*] succeeded!"
}

@test "nc -s: the source address" {
	both from -d -s 127.0.0.2 127.0.0.1 @P@
	ref out ok
	ref peer 127.0.0.2
}

@test "nc -p: the source port" {
	both fromport -d -p @Q@ 127.0.0.1 @P@
	ref peer "127.0.0.1 SRC"
}

@test "nc to a closed port: exit 1, silent" {
	local p
	p=$(free_port)
	both none 127.0.0.1 "$p"
	ref status 1
	ref err ""
}

@test "nc -v to a closed port: netcat's failure line" {
	local p
	p=$(free_port)
	both none -v 127.0.0.1 "$p"
	ref status 1
	ref err "nc: connect to 127.0.0.1 port $p (tcp) failed: Connection refused"
}

@test "nc -v to a closed port of a name: HOST (ADDRESS) in the failure" {
	local p
	p=$(free_port)
	both none -v localhost "$p"
	ref status 1
	grep -qF "nc: connect to localhost (" "$T/ref.err"
}

@test "nc -U: a unix socket" {
	echo unix >"$T/in"
	both upper.sock -U -N @S@
	ref out UNIX
}

@test "nc -U to a missing path: the same error" {
	both none -Uv "$T/nothing.sock"
	ref status 1
}

@test "nc -u: a datagram and its answer, until -w runs out" {
	echo ping >"$T/in"
	both udp -u -w 2 127.0.0.1 @P@
	ref out PING
	ref peer "b'ping\\n'"
}

@test "nc -z: an open port, silently" {
	both accept.sock -zU @S@
	ref status 0
}

@test "nc -zv: an open port" {
	start_py acc nc_peer.py accept
	local open=$PORT
	for impl in ref sut; do
		nc_run "$impl" -zv 127.0.0.1 "$open"
		: >"$T/$impl.peer"
	done
	same_results
	ref err "Connection to 127.0.0.1 $open port [tcp/*] succeeded!"
}

@test "nc -zv over a range: each port, closed ones failed, exit 0" {
	start_py acc nc_peer.py accept
	local open=$PORT lo=$((PORT - 2))
	for impl in ref sut; do
		nc_run "$impl" -zv 127.0.0.1 "$lo-$open"
		: >"$T/$impl.peer"
	done
	same_results
	ref status 0
	grep -qF "$open port [tcp/*] succeeded" "$T/ref.err"
}

@test "nc -zv with a range written high-low and a list of ports" {
	start_py acc nc_peer.py accept
	local open=$PORT
	for impl in ref sut; do
		nc_run "$impl" -zvn 127.0.0.1 "$open-$((open - 1))" "$open"
		: >"$T/$impl.peer"
	done
	same_results
	[ "$(grep -c succeeded "$T/ref.err")" -eq 2 ]
}

@test "nc -zv: every port closed is exit 1" {
	local p
	p=$(free_port)
	both none -zv 127.0.0.1 "$p"
	ref status 1
}

@test "nc -zv: a service name is looked up and shown as its number" {
	both none -zv 127.0.0.1 tcpmux
	grep -q "port 1 (tcp) failed" "$T/ref.err"
}

@test "nc -zv localhost: the name and its address" {
	start_py acc nc_peer.py accept
	local open=$PORT
	for impl in ref sut; do
		nc_run "$impl" -zv localhost "$open"
		: >"$T/$impl.peer"
	done
	same_results
	ref err "Connection to localhost (127.0.0.1) $open port [tcp/*] succeeded!"
}

@test "nc -zr -i 0: random order, every port probed" {
	start_py acc nc_peer.py accept
	local open=$PORT
	for impl in ref sut; do
		nc_run "$impl" -zvr -i 0 127.0.0.1 "$open" "$open"
		sort -o "$T/$impl.err" "$T/$impl.err"
		: >"$T/$impl.peer"
	done
	same_results
	[ "$(grep -c succeeded "$T/ref.err")" -eq 2 ]
}

@test "nc -X 5 -x: through microsocks (SOCKS5)" {
	command -v microsocks >/dev/null || skip "microsocks is not installed"
	local sp
	sp=$(free_port)
	microsocks -i 127.0.0.1 -p "$sp" >"$T/socks.log" 2>&1 3>&- &
	echo $! >>"$T/pids"
	wait_for nc.openbsd -z 127.0.0.1 "$sp"
	both greet -d -X 5 -x "127.0.0.1:$sp" 127.0.0.1 @P@
	ref out hello
}

@test "nc -X connect -x: through tinyproxy (HTTP CONNECT)" {
	command -v tinyproxy >/dev/null || skip "tinyproxy is not installed"
	local hp
	hp=$(free_port)
	printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nMaxClients 10\n' \
		"$hp" >"$T/tinyproxy.conf"
	tinyproxy -d -c "$T/tinyproxy.conf" >"$T/tinyproxy.log" 2>&1 3>&- &
	echo $! >>"$T/pids"
	wait_for nc.openbsd -z 127.0.0.1 "$hp"
	both greet -d -X connect -x "127.0.0.1:$hp" 127.0.0.1 @P@
	ref out hello
}

@test "nc: netcat's errors for bad values, word for word, exit 1" {
	local a
	for a in "-w abc h 1" "-q x h 1" "-i x h 1" "-l -z 1" "-k h 1" \
	    "h" "-l" "h x" "h 70000" "-z 127.0.0.1 1-x" "-z 127.0.0.1 0" \
	    "-X 7 -x 127.0.0.1 h 1"; do
		# shellcheck disable=SC2086
		both none $a
		ref status 1
		[ -s "$T/ref.err" ]
	done
}

@test "nc: an unknown flag and no arguments: usage, exit 1" {
	both none -Q
	ref status 1
	# The usage lists sockit's -e and -c too: the first lines compare.
	for impl in ref sut; do
		head -2 "$T/$impl.err" >"$T/$impl.err2"
	done
	cmp "$T/ref.err2" "$T/sut.err2"
	run -1 "$T/sut/nc"
	assert_output --partial "usage: nc"
}

# listen_both ARGS...: nc -l ARGS (with -v, so that it says its port)
# for each nc; a python client sends "hi\n" and reads until it has
# "reply\n" or EOF; then the results are compared, ports written N.
listen_both() {
	local impl pid port
	for impl in ref sut; do
		rm -f "$T/l.sock"
		PATH=$T/$impl:$PATH timeout 60 nc "$@" <"$T/in" >"$T/$impl.out" \
		    2>"$T/$impl.err" 3>&- &
		pid=$!
		echo "$pid" >>"$T/pids"
		wait_for "grep -qE '^(Listening|Bound) on' '$T/$impl.err'"
		port=$(awk 'NR == 1 { print $NF }' "$T/$impl.err")
		py "$port" "$T/l.sock" >"$T/$impl.peer" <<'PY'
addr = sys.argv[2] if sys.argv[1].startswith("/") else "127.0.0.1:" + sys.argv[1]
s = connect(addr, 30)
s.sendall(b"hi\n")
s.shutdown(socket.SHUT_WR)
got = b""
while not got.endswith(b"reply\n"):
    b = s.recv(100)
    if not b: break
    got += b
print(repr(got))
s.close()
PY
		wait_exit "$pid" 30
		echo "$STATUS" >"$T/$impl.status"
		sed -i -E 's/ [0-9]+$/ N/' "$T/$impl.err"
	done
	same_results
}

@test "nc -lvn: one client, its bytes out, the lines of netcat" {
	listen_both -lvn 127.0.0.1 0
	ref out hi
	ref err "$(printf 'Listening on 127.0.0.1 N\nConnection received on 127.0.0.1 N')"
}

@test "nc -lv: names from the resolver" {
	listen_both -lv 127.0.0.1 0
	ref status 0
	grep -q "^Connection received on" "$T/ref.err"
}

@test "nc -l -p PORT -s ADDR" {
	listen_both -lvn -s 127.0.0.1 -p 0
	ref out hi
}

@test "nc -l: stdin goes to the client" {
	echo reply >"$T/in"
	listen_both -lvn 127.0.0.1 0
	ref peer "b'reply\\n'"
}

@test "nc -ld: stdin is not read" {
	echo reply >"$T/in"
	listen_both -lvnd 127.0.0.1 0
	ref peer "b''"
}

@test "nc -lU: a unix listener" {
	listen_both -lvU "$T/l.sock"
	ref out hi
}

@test "nc -lk: client after client, until stopped" {
	local impl pid port n
	for impl in ref sut; do
		PATH=$T/$impl:$PATH nc -lkvn 127.0.0.1 0 </dev/null \
		    >"$T/$impl.out" 2>"$T/$impl.err" 3>&- &
		pid=$!
		echo "$pid" >>"$T/pids"
		wait_for "grep -q '^Listening on' '$T/$impl.err'"
		port=$(awk 'NR == 1 { print $NF }' "$T/$impl.err")
		for n in one two; do
			py "$port" "$n" <<'PY'
s = connect("127.0.0.1:" + sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
s.close()
PY
			wait_for "grep -q '^$n\$' '$T/$impl.out'"
		done
		kill "$pid"
		wait_exit "$pid"
	done
	cmp "$T/ref.out" "$T/sut.out"
	[ "$(cat "$T/sut.out")" = "$(printf 'one\ntwo')" ]
}

# sockit nc's own: what netcat-openbsd does not have to compare with.

@test "sockit nc: called as nc, netcat or nc.sockit, or as sockit nc" {
	start_py acc nc_peer.py accept
	local name
	for name in nc netcat nc.sockit; do
		ln -sf "$(realpath "$SOCKIT")" "$T/$name"
		run -0 "$T/$name" -zv 127.0.0.1 "$PORT"
		assert_output "Connection to 127.0.0.1 $PORT port [tcp/*] succeeded!"
	done
	run -0 "$SOCKIT" nc -zv 127.0.0.1 "$PORT"
	assert_output "Connection to 127.0.0.1 $PORT port [tcp/*] succeeded!"
}

@test "sockit nc -v: the service name from /etc/services" {
	local p=8080
	grep -qE '^http-alt[[:space:]]+8080/tcp' /etc/services ||
		skip "no http-alt in /etc/services"
	# 8080 may be taken: the failure line names no service, so use -z
	# against whatever is there, and check the name on success only.
	run "$T/sut/nc" -zv 127.0.0.1 "$p"
	if [ "$status" -eq 0 ]; then
		assert_output "Connection to 127.0.0.1 8080 port [tcp/http-alt] succeeded!"
	else
		assert_output "nc: connect to 127.0.0.1 port 8080 (tcp) failed: Connection refused"
	fi
}

@test "sockit nc -lk -e and -c run a program for each client" {
	start_server_nc() {
		"$T/sut/nc" "$@" </dev/null >"$T/e.out" 2>"$T/e.err" 3>&- &
		echo $! >>"$T/pids"
		wait_for "grep -q '^Listening on' '$T/e.err'"
		PORT=$(awk 'NR == 1 { print $NF }' "$T/e.err")
	}
	start_server_nc -lkvn -c 'tr a-z A-Z' 127.0.0.1 0
	run -0 py "$PORT" <<'PY'
s = connect("127.0.0.1:" + sys.argv[1]); s.sendall(b"abc\n")
s.shutdown(socket.SHUT_WR); print(recv_all(s).decode(), end="")
PY
	assert_output ABC
	kill_servers
	start_server_nc -lkvn -e /bin/cat 127.0.0.1 0
	run -0 py "$PORT" <<'PY'
s = connect("127.0.0.1:" + sys.argv[1]); s.sendall(b"abc\n")
s.shutdown(socket.SHUT_WR); print(recv_all(s).decode(), end="")
PY
	assert_output abc
}

@test "sockit nc: -e and -c need -l and -k, and not both" {
	run -1 "$T/sut/nc" -e /bin/cat 127.0.0.1 1
	assert_output "nc: -e: sockit nc runs a program for listeners only (-l)"
	run -1 "$T/sut/nc" -l -c true 127.0.0.1 0
	assert_output "nc: -c: sockit nc runs it for client after client: add -k"
	run -1 "$T/sut/nc" -lk -e /bin/cat -c true 127.0.0.1 0
	assert_output "nc: cannot use -e and -c"
}

@test "sockit nc: each flag it cannot honour is an error naming it" {
	local f
	for f in "-b" "-D" "-F" "-I 1" "-O 1" "-M 1" "-m 1" "-P u" "-S" \
	    "-T lowdelay" "-t" "-V 1" "-W 1" "-Z"; do
		# shellcheck disable=SC2086
		run -1 "$T/sut/nc" $f 127.0.0.1 1
		assert_output --regexp "^nc: ${f% *}: .* by sockit nc\$"
	done
	run -1 "$T/sut/nc" -X 4 -x 127.0.0.1 127.0.0.1 1
	assert_output "nc: -X 4: SOCKS4 is not supported by sockit nc"
	run -1 "$T/sut/nc" -l -q 1 127.0.0.1 0
	assert_output "nc: -q: not supported with -l by sockit nc"
	run -1 "$T/sut/nc" -l -C 127.0.0.1 0
	assert_output "nc: -C: not supported with -l by sockit nc"
	run -1 "$T/sut/nc" -i 1 127.0.0.1 1
	assert_output --partial "nc: -i: a delay between lines is not supported"
	run -1 "$T/sut/nc" -zu 127.0.0.1 1
	assert_output "nc: -z: UDP probes are not supported by sockit nc"
	run -1 "$T/sut/nc" -z -x 127.0.0.1 127.0.0.1 1
	assert_output "nc: -z: probes through a proxy are not supported by sockit nc"
}

@test "sockit nc: sockit's own address forms are not hosts" {
	run -1 "$T/sut/nc" tls:127.0.0.1 443
	assert_output 'nc: getaddrinfo for host "tls:127.0.0.1" port 443: Name or service not known'
}

@test "sockit nc: -h and --help print the help, exit 0" {
	run -0 "$T/sut/nc" -h
	assert_line --index 0 --partial "usage: sockit nc"
	run -0 "$SOCKIT" nc --help
	assert_line --partial "  -z                        probe each port, send nothing"
}
