#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Connections that survive: --retry's backoff in the connector (send,
# relay's TARGET), --keepalive on the connections made and accepted
# (seen by ss, and a silent peer found dead inside a network namespace
# of the test's own), send --reconnect across server restarts, and
# happy eyeballs on a name with an IPv6 and an IPv4 address.

load test_helper

bats_require_minimum_version 1.5.0

# The pauses that -v logged, in ms, one a line.
pauses() {
	sed -n 's/.*trying again in \([0-9]*\) ms$/\1/p' "$1"
}

@test "send --retry connects to a server started after it, and sends once" {
	port=$(free_port)
	"$SOCKIT" send --retry -w 60s -v -m hello "127.0.0.1:$port" \
	    >"$T/send.out" 2>"$T/send.err" 3>&- &
	spid=$!
	echo "$spid" >>"$T/pids"
	wait_for 'grep -q "trying again" "$T/send.err"'
	start_server srv listen "127.0.0.1:$port"
	wait_exit "$spid" 30
	[ "$STATUS" -eq 0 ] || { cat "$T/send.err" >&2; false; }
	wait_for '[ "$(cat "$T/srv.out")" = hello ]'
	run grep -c "Connection refused; trying again in" "$T/send.err"
	[ "$output" -ge 1 ]
}

@test "send --retry=2 gives up after three tries with exit 1" {
	port=$(free_port)
	run -1 timeout 30 "$SOCKIT" send --retry=2 -v -m x "127.0.0.1:$port"
	assert_line --index 0 --regexp "^sockit: send: connect 127.0.0.1:$port: Connection refused; trying again in [0-9]+ ms$"
	assert_line --index 1 --regexp "; trying again in [0-9]+ ms$"
	assert_line --index 2 "sockit: send: connect 127.0.0.1:$port: Connection refused (3 tries)"
	[ "${#lines[@]}" -eq 3 ]
}

@test "--retry pauses 100ms doubling, each within 20 % jitter" {
	port=$(free_port)
	run -1 timeout 30 "$SOCKIT" send --retry=4 -v -m x "127.0.0.1:$port"
	echo "$output" >"$T/log"
	mapfile -t p < <(pauses "$T/log")
	[ "${#p[@]}" -eq 4 ]
	base=100
	for ms in "${p[@]}"; do
		[ "$ms" -ge $((base * 80 / 100)) ] && [ "$ms" -le $((base * 120 / 100)) ] ||
		    { echo "pause $ms not within 20 % of $base" >&2; false; }
		base=$((base * 2))
	done
}

@test "--retry-max caps the pause" {
	port=$(free_port)
	run -1 timeout 30 "$SOCKIT" send --retry=6 --retry-max 200ms -v -m x \
	    "127.0.0.1:$port"
	echo "$output" >"$T/log"
	mapfile -t p < <(pauses "$T/log")
	[ "${#p[@]}" -eq 6 ]
	for ms in "${p[@]:1}"; do
		[ "$ms" -ge 160 ] && [ "$ms" -le 240 ] ||
		    { echo "pause $ms not within 20 % of 200" >&2; false; }
	done
}

@test "--retry without N ends at -w, which bounds every try together" {
	port=$(free_port)
	run -1 timeout 30 "$SOCKIT" send --retry -w 1s -m x "127.0.0.1:$port"
	assert_output --regexp "^sockit: send: connect 127.0.0.1:$port: Connection refused \([0-9]+ tries\)$"
}

@test "--retry: a connect that hangs is bounded by -w too" {
	start_py srv blackhole.py
	run -1 timeout 30 "$SOCKIT" send --retry -w 500ms -m x "$ADDR"
	assert_output "sockit: send: connect $ADDR: Connection timed out"
}

@test "relay --retry holds the client until its target starts" {
	port=$(free_port)
	start_server relay relay --retry -v 127.0.0.1:0 "127.0.0.1:$port"
	raddr=$ADDR
	rpid=$PID
	py "$raddr" >"$T/client.out" 2>&1 3>&- <<'EOF' &
s = connect(sys.argv[1])
s.settimeout(60)
s.sendall(b"ping\n")
s.shutdown(socket.SHUT_WR)
print(recv_all(s).decode().strip())
EOF
	cpid=$!
	echo "$cpid" >>"$T/pids"
	wait_for 'grep -q "trying again" "$T/relay.err"'
	start_server echo echo "127.0.0.1:$port"
	wait_exit "$cpid" 30
	[ "$STATUS" -eq 0 ] || { cat "$T/client.out" >&2; false; }
	assert_equal "$(cat "$T/client.out")" ping
	kill -0 "$rpid"
}

@test "relay --retry=1: the client is reset and the reason logged" {
	port=$(free_port)
	start_server relay relay --retry=1 127.0.0.1:0 "127.0.0.1:$port"
	run py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
s.settimeout(30)
try:
    print("eof" if s.recv(10) == b"" else "data")
except ConnectionResetError:
    print("reset")
EOF
	assert_output reset
	wait_for 'grep -q "(2 tries)" "$T/relay.err"'
	run cat "$T/relay.err"
	assert_output --partial "connect 127.0.0.1:$port: Connection refused (2 tries)"
}

@test "bad --retry, --retry-max and --keepalive values are usage errors" {
	local bad n=0
	while IFS='|' read -r cmd bad msg; do
		run -2 "$SOCKIT" $cmd $bad 127.0.0.1:1 </dev/null
		assert_line --index 0 "sockit: ${cmd%% *}: $msg"
		n=$((n + 1))
	done <<'EOF'
send|--retry=0|--retry 0: not a number of tries from 1 to 1000000
send|--retry=x|--retry x: not a number of tries from 1 to 1000000
send|--retry=-1|--retry -1: not a number of tries from 1 to 1000000
send|--retry --retry-max 0|--retry-max 0: shorter than the first pause (100ms)
send|--retry --retry-max 50ms|--retry-max 50ms: shorter than the first pause (100ms)
send|--retry --retry-max x|--retry-max x: not a duration (say 2, 2s, 500ms, 1.5m or 1h)
send|--retry-max 1s|--retry-max: applies with --retry or --reconnect
relay 127.0.0.1:0|--retry-max 1s|--retry-max: applies with --retry
send|--keepalive=0|--keepalive 0: IDLE and INTVL are whole seconds from 1s to 32767s
send|--keepalive=1.5|--keepalive 1.5: IDLE and INTVL are whole seconds from 1s to 32767s
send|--keepalive=x|--keepalive x: not a duration (say 2, 2s, 500ms, 1.5m or 1h)
send|--keepalive=40000|--keepalive 40000: IDLE and INTVL are whole seconds from 1s to 32767s
send|--keepalive=5,2|--keepalive 5,2: not IDLE or IDLE,INTVL,COUNT
send|--keepalive=5,0,3|--keepalive 5,0,3: IDLE and INTVL are whole seconds from 1s to 32767s
send|--keepalive=5,2,0|--keepalive 5,2,0: COUNT is a number from 1 to 127
send|--keepalive=5,2,200|--keepalive 5,2,200: COUNT is a number from 1 to 127
send|--keepalive=5,2,3,4|--keepalive 5,2,3,4: COUNT is a number from 1 to 127
echo|--keepalive=,|--keepalive ,: not IDLE or IDLE,INTVL,COUNT
EOF
	[ "$n" -eq 18 ]
}

@test "commands that do not retry refuse --retry; wait refuses --keepalive" {
	run -2 "$SOCKIT" echo --retry 0
	assert_line --index 0 "sockit: echo: unknown option --retry"
	run -2 "$SOCKIT" wait --keepalive 127.0.0.1:1
	assert_line --index 0 "sockit: wait: unknown option --keepalive"
	run -2 "$SOCKIT" relay --reconnect 0 127.0.0.1:1
	assert_line --index 0 "sockit: relay: unknown option --reconnect"
}

# keepalive_timer FILTER: ss's line for the established TCP socket
# FILTER selects, with its timer.
keepalive_timer() {
	ss -tnoH state established "$1"
}

@test "send --keepalive: its socket has the keepalive timer (ss -o)" {
	start_server srv listen 127.0.0.1:0
	mkfifo "$T/in"
	exec 5<>"$T/in"
	"$SOCKIT" send --keepalive=7,3,2 -v "$ADDR" <"$T/in" >/dev/null \
	    2>"$T/send.err" 3>&- 5>&- &
	echo $! >>"$T/pids"
	wait_for 'grep -q "connected to" "$T/send.err"'
	run keepalive_timer "( dport = :$PORT )"
	assert_output --regexp "timer:\(keepalive,[0-9.]+m?s,0\)"
	exec 5>&-
}

@test "without --keepalive no keepalive timer runs (the test above can fail)" {
	start_server srv listen 127.0.0.1:0
	mkfifo "$T/in"
	exec 5<>"$T/in"
	"$SOCKIT" send -v "$ADDR" <"$T/in" >/dev/null 2>"$T/send.err" 3>&- 5>&- &
	echo $! >>"$T/pids"
	wait_for 'grep -q "connected to" "$T/send.err"'
	run keepalive_timer "( dport = :$PORT )"
	assert_output --partial "127.0.0.1:$PORT"
	refute_output --partial keepalive
	exec 5>&-
}

@test "listen and relay --keepalive: accepted and dialed sockets have the timer" {
	start_server echo echo 127.0.0.1:0
	eport=$PORT
	start_server relay relay --keepalive=9 127.0.0.1:0 "$ADDR"
	rport=$PORT
	py "$ADDR" "$T/held" 3>&- <<'EOF' &
s = connect(sys.argv[1])
s.sendall(b"x\n")
s.recv(10)
open(sys.argv[2], "w").close()
signal.pause()
EOF
	echo $! >>"$T/pids"
	wait_for '[ -e "$T/held" ]'
	# The relay's accepted client, and its own connection to echo.
	run keepalive_timer "( sport = :$rport )"
	assert_output --regexp "timer:\(keepalive,"
	run keepalive_timer "( dport = :$eport )"
	assert_output --regexp "timer:\(keepalive,"
	# echo was given no --keepalive: its accepted socket has none.
	run keepalive_timer "( sport = :$eport )"
	refute_output --partial keepalive
}

@test "a peer gone silent is found dead by --keepalive: send exits 1" {
	unshare -rn true 2>/dev/null || skip "no user namespaces here"
	command -v nft >/dev/null || skip "nft is not installed"
	# In a network namespace of its own: a server, send to it, then
	# every packet on loopback dropped, as when a peer's host dies.
	run timeout 60 unshare -rn bash -c '
		set -e
		ip link set lo up
		exec 3>&-
		mkfifo "$2/ready"
		"$1" listen --ready-fd 4 127.0.0.1:0 4>"$2/ready" >/dev/null \
		    2>/dev/null </dev/null &
		lpid=$!
		trap "kill $lpid" EXIT
		read -r addr <"$2/ready"
		mkfifo "$2/in"
		exec 5<>"$2/in"
		"$1" send --keepalive=1,1,2 -v "$addr" <"$2/in" >/dev/null \
		    2>"$2/send.err" &
		spid=$!
		until grep -q "connected to" "$2/send.err"; do sleep 0.05; done
		nft add table inet t
		nft add chain inet t c "{ type filter hook input priority 0; }"
		nft add rule inet t c drop
		st=0
		wait $spid || st=$?
		cat "$2/send.err"
		echo "status $st"
	' bash "$SOCKIT" "$T"
	assert_success
	assert_line "status 1"
	assert_line --regexp "^sockit: send: 127\.0\.0\.1:[0-9]+: Connection timed out"
	refute_output --partial stdout
}

# relisten NAME ADDR: sockit listen again on ADDR, a port a server before
# it had (the earlier one is gone).
relisten() {
	start_server "$1" listen "$2" 5>&-
}

@test "send --reconnect: three server restarts, line by line, nothing duplicated" {
	start_server s0 listen 127.0.0.1:0 5>&-
	addr=$ADDR
	mkfifo "$T/in"
	exec 5<>"$T/in"
	"$SOCKIT" send --reconnect -d '\n' -v "$addr" <"$T/in" \
	    >"$T/send.out" 2>"$T/send.err" 3>&- 5>&- &
	spid=$!
	echo "$spid" >>"$T/pids"
	for i in 0 1 2 3; do
		echo "line $i" >&5
		wait_for "grep -qx 'line $i' '$T/s$i.out'"
		[ "$i" -lt 3 ] || break
		kill "$PID"
		wait_for "[ \$(grep -c 'connecting again' '$T/send.err') -gt $i ]"
		relisten "s$((i + 1))" "$addr"
		wait_for "[ \$(grep -c 'connected again' '$T/send.err') -gt $i ]"
	done
	exec 5>&-
	wait_exit "$spid" 30
	cat "$T/send.err" >&2
	[ "$STATUS" -eq 0 ]
	run cat "$T/s0.out" "$T/s1.out" "$T/s2.out" "$T/s3.out"
	assert_output "$(printf 'line %d\n' 0 1 2 3)"
	run grep -c "the peer closed; connecting again (0 bytes may be lost" "$T/send.err"
	assert_output 3
}

@test "send --reconnect -d: a reset with bytes unacknowledged counts them lost, exit 1, the cut message sent whole" {
	# Lines of 1 KiB, numbered; far more than the peer's small window.
	awk 'BEGIN { x = sprintf("%1017s", ""); gsub(/ /, "x", x)
	    for (i = 0; i < 3000; i++) printf "%06d %s\n", i, x }' >"$T/lines"
	start_py rst reset_when_full.py
	addr=$ADDR
	rpid=$PID
	"$SOCKIT" send --reconnect -d '\n' -v "$addr" <"$T/lines" \
	    >/dev/null 2>"$T/send.err" 3>&- &
	spid=$!
	echo "$spid" >>"$T/pids"
	wait_for 'grep -q "connecting again" "$T/send.err"'
	wait_exit "$rpid"
	relisten s1 "$addr"
	wait_exit "$spid" 60
	cat "$T/send.err" >&2
	[ "$STATUS" -eq 1 ]
	run grep -E "^sockit: send: $addr: Connection reset by peer; connecting again \([1-9][0-9]* bytes may be lost" "$T/send.err"
	assert_success
	run grep -E "^sockit: send: $addr: [1-9][0-9]* bytes may have been lost over 1 reconnects$" "$T/send.err"
	assert_success
	# What the new server got: whole lines only, in order, none twice,
	# up to the last.
	run awk -v want="$(head -c 1017 /dev/zero | tr '\0' x)" '
	    $2 != want || length($0) != 1024 || ($1 + 0) <= prev { bad = NR }
	    { prev = $1 + 0; last = $1 }
	    END { if (bad) print "bad line " bad; else print last }' "$T/s1.out"
	assert_output 002999
}

@test "--reconnect is refused with -z, --recv-only and datagrams" {
	run -2 "$SOCKIT" send --reconnect -z 127.0.0.1:1
	assert_line --index 0 "sockit: send: --reconnect: not with -z"
	run -2 "$SOCKIT" send --reconnect --recv-only 127.0.0.1:1
	assert_line --index 0 "sockit: send: --reconnect: not with --recv-only (no input to go on with)"
	run -2 "$SOCKIT" send --reconnect udp:127.0.0.1:1
	assert_line --index 0 "sockit: send: --reconnect is for streams, not datagrams"
	run -2 "$SOCKIT" send --reconnect -u 127.0.0.1:1
	assert_line --index 0 "sockit: send: --reconnect is for streams, not datagrams"
}

@test "send --reconnect --retry=1: a server that does not come back ends it with exit 1" {
	start_server s0 listen 127.0.0.1:0 5>&-
	addr=$ADDR
	mkfifo "$T/in"
	exec 5<>"$T/in"
	"$SOCKIT" send --reconnect --retry=1 -v "$addr" <"$T/in" \
	    >/dev/null 2>"$T/send.err" 3>&- 5>&- &
	spid=$!
	echo "$spid" >>"$T/pids"
	echo hello >&5
	wait_for 'grep -qx hello "$T/s0.out"'
	kill "$PID"
	wait_exit "$spid" 30
	exec 5>&-
	[ "$STATUS" -eq 1 ]
	run cat "$T/send.err"
	assert_line --regexp "^sockit: send: connect $addr: Connection refused \(2 tries\)$"
}

# check_pauses LOG MAX: the pauses LOG has are 100 ms doubling up to MAX,
# each within 20 % of jitter.
check_pauses() {
	local base=100 ms n=0
	for ms in $(pauses "$1"); do
		[ "$ms" -ge $((base * 80 / 100)) ] && [ "$ms" -le $((base * 120 / 100)) ] ||
		    { echo "pause $ms not within 20 % of $base" >&2; return 1; }
		base=$((base * 2 > $2 ? $2 : base * 2))
		n=$((n + 1))
	done
	[ "$n" -ge 4 ]
}

@test "wait probes again with the same backoff, up to 1 s" {
	port=$(free_port)
	"$SOCKIT" wait -vv "127.0.0.1:$port" 2>"$T/wait.err" 3>&- &
	echo $! >>"$T/pids"
	wait_for '[ "$(pauses "$T/wait.err" | wc -l)" -ge 6 ]'
	check_pauses "$T/wait.err" 1000
}

@test "wall tries a source again with the same backoff, up to -w" {
	port=$(free_port)
	"$SOCKIT" wall -vv -w 400ms "a=127.0.0.1:$port" >/dev/null \
	    2>"$T/wall.err" 3>&- &
	echo $! >>"$T/pids"
	wait_for '[ "$(pauses "$T/wall.err" | wc -l)" -ge 5 ]'
	check_pauses "$T/wall.err" 400
	run grep -c "retrying, pausing up to 400 ms" "$T/wall.err"
	assert_output 1
}

# in_netns SCRIPT: run SCRIPT in a network and mount namespace of its
# own, where surv.test is ::1 and 127.0.0.1 (a private /etc/hosts), lo
# is up, and nft drops what "$NFT_DROP" matches ("meta nfproto ipv6").
# The script gets sockit as $1 and $T as $2, and a function serve that
# starts sockit listen on its argument and sets addr.
in_netns() {
	unshare -rmn true 2>/dev/null || skip "no user namespaces here"
	command -v nft >/dev/null || skip "nft is not installed"
	printf '::1 surv.test\n127.0.0.1 surv.test\n' >"$T/hosts"
	run timeout 60 unshare -rmn bash -c '
		set -e
		exec 3>&-
		mount --bind "$2/hosts" /etc/hosts
		ip link set lo up
		nft add table inet t
		nft add chain inet t c "{ type filter hook input priority 0; }"
		nft add rule inet t c $3 drop
		serve() {
			mkfifo "$T/ready"
			"$S" listen --ready-fd 4 "$1" 4>"$T/ready" \
			    >"$T/srv.out" 2>/dev/null </dev/null &
			trap "kill $!" EXIT
			read -r addr <"$T/ready"
		}
		S=$1 T=$2
		'"$1" bash "$SOCKIT" "$T" "$NFT_DROP"
}

@test "happy eyeballs: ::1 never answers, 127.0.0.1 is connected 250 ms on" {
	NFT_DROP="meta nfproto ipv6" in_netns '
		getent ahosts surv.test | head -1
		serve 127.0.0.1:0
		"$S" send -vv -m hello "surv.test:${addr##*:}"
		echo "status $?"
		cat "$T/srv.out"
	'
	assert_success
	# The resolver puts ::1 first; its SYNs are dropped, not refused.
	assert_line --index 0 --regexp '^::1 +STREAM surv.test$'
	# Both tried, ::1 first; the second without the first failing.
	assert_line --index 1 --regexp '^sockit: send: connect \[::1\]:[0-9]+: Operation now in progress$'
	assert_line --index 2 --regexp '^sockit: send: connect 127\.0\.0\.1:[0-9]+: Operation now in progress$'
	assert_line --index 3 --regexp '^sockit: send: connected to surv\.test:[0-9]+$'
	refute_output --partial "Connection timed out"
	assert_line "status 0"
	assert_line hello
}

@test "happy eyeballs: -6 keeps to IPv6, and -w bounds the connect" {
	NFT_DROP="meta nfproto ipv6" in_netns '
		serve 127.0.0.1:0
		"$S" send -6 -w 700ms -m hello "surv.test:${addr##*:}" || echo "status $?"
		"$S" send -4 -m hello "surv.test:${addr##*:}" && echo "status4 $?"
	'
	assert_success
	assert_line --regexp '^sockit: send: connect \[::1\]:[0-9]+: Connection timed out$'
	assert_line "status 1"
	assert_line "status4 0"
}

@test "happy eyeballs: 127.0.0.1 silent, ::1 listening, connects over IPv6" {
	NFT_DROP="meta nfproto ipv4" in_netns '
		serve "[::1]:0"
		"$S" send -v -m hello "surv.test:${addr##*:}"
		echo "status $?"
		cat "$T/srv.out"
	'
	assert_success
	assert_line "status 0"
	assert_line hello
}

@test "relay --keepalive: peers gone silent are found dead, the pair closed and logged" {
	NFT_DROP="meta mark 0x5ca1ab1e" in_netns '
		mkfifo "$T/r1" "$T/r2"
		"$S" echo --ready-fd 4 127.0.0.1:0 4>"$T/r1" </dev/null \
		    >/dev/null 2>&1 &
		epid=$!
		read -r eaddr <"$T/r1"
		"$S" relay -v --keepalive=1,1,2 --ready-fd 4 127.0.0.1:0 "$eaddr" \
		    4>"$T/r2" </dev/null >/dev/null 2>"$T/relay.err" &
		rpid=$!
		trap "kill $epid $rpid" EXIT
		read -r raddr <"$T/r2"
		python3 -c "
import socket, sys, time
h, p = sys.argv[1].rsplit(\":\", 1)
s = socket.create_connection((h, int(p)))
s.sendall(b\"x\n\")
s.recv(10)
open(sys.argv[2], \"w\").close()
time.sleep(120)
" "$raddr" "$T/echoed" &
		cpid=$!
		trap "kill $epid $rpid $cpid" EXIT
		until [ -e "$T/echoed" ]; do sleep 0.05; done
		nft add rule inet t c drop
		i=0
		until grep -q "resetting the other side" "$T/relay.err"; do
			[ $i -lt 800 ] || break
			sleep 0.05
			i=$((i + 1))
		done
		cat "$T/relay.err"
		kill -0 $rpid && echo "relay still serving"
	'
	assert_success
	assert_line --regexp "^sockit: relay: 127\.0\.0\.1:[0-9]+: Connection timed out: resetting the other side$"
	assert_line "relay still serving"
}

@test "send -z --retry probes until the port opens, then exits 0" {
	port=$(free_port)
	"$SOCKIT" send -z --retry -w 60s -v "127.0.0.1:$port" \
	    2>"$T/probe.err" 3>&- &
	ppid_=$!
	echo "$ppid_" >>"$T/pids"
	wait_for 'grep -q "trying again" "$T/probe.err"'
	start_server srv listen "127.0.0.1:$port"
	wait_exit "$ppid_" 30
	[ "$STATUS" -eq 0 ]
	run tail -1 "$T/probe.err"
	assert_output "sockit: send: 127.0.0.1:$port: open"
}

@test "listen --keepalive: the accepted socket has the keepalive timer" {
	start_server srv listen --keepalive=20 127.0.0.1:0
	py "$ADDR" "$T/held" 3>&- <<'PYEOF' &
s = connect(sys.argv[1])
s.sendall(b"x\n")
open(sys.argv[2], "w").close()
signal.pause()
PYEOF
	echo $! >>"$T/pids"
	wait_for '[ -e "$T/held" ] && grep -q x "$T/srv.out"'
	run keepalive_timer "( sport = :$PORT )"
	assert_output --regexp "timer:\(keepalive,"
}

@test "happy eyeballs: the addresses of a name take turns by family, each started 250 ms on" {
	unshare -rmn true 2>/dev/null || skip "no user namespaces here"
	printf '::1 surv.test\n::2 surv.test\n127.0.0.2 surv.test\n127.0.0.3 surv.test\n' \
	    >"$T/hosts4"
	# Nothing answers (all dropped): every try starts, none fails first.
	run timeout 60 unshare -rmn bash -c '
		set -e
		mount --bind "$2/hosts4" /etc/hosts
		ip link set lo up
		ip addr add ::2/128 dev lo
		nft add table inet t
		nft add chain inet t c "{ type filter hook input priority 0; }"
		nft add rule inet t c drop
		getent ahosts surv.test | awk "\$2 == \"STREAM\" { print \$1 }"
		"$1" send -vv -w 1500ms -m x surv.test:9 || echo "status $?"
	' bash "$SOCKIT" "$T"
	assert_success
	# The resolver's order: IPv6 first.
	assert_line --index 0 "::1"
	assert_line --index 1 "::2"
	assert_line "sockit: send: connect [::1]:9: Connection timed out"
	assert_line "status 1"
	run grep "Operation now in progress" <<<"$output"
	assert_line --index 0 "sockit: send: connect [::1]:9: Operation now in progress"
	assert_line --index 1 --regexp '^sockit: send: connect 127\.0\.0\.[23]:9: Operation now in progress$'
	assert_line --index 2 "sockit: send: connect [::2]:9: Operation now in progress"
	assert_line --index 3 --regexp '^sockit: send: connect 127\.0\.0\.[23]:9: Operation now in progress$'
}
