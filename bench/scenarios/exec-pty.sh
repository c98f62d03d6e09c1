# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# exec-pty (issue 21): a program on a pseudo-terminal per connection.
# bench/connread makes EXPTY_N connections, 8 at a time; each sends
# nothing and reads to the end, and must get exactly the one line the
# program printed, as the terminal's line discipline passes it
# ("\n" becomes "\r\n": both tools leave the terminal cooked).
# Connections/s and p99 connect-to-end latency.  The client sends no
# byte and no half-close, which a terminal would take for ^D.

EXPTY_N=$(pick 100 1000)
EXPTY_LINE=sockit-pty-bench

exec_pty_server() {
	local port
	if [ "$1" = sockit ] || [ "$1" = base ]; then
		# --ready-fd before the "--": after it, it would be echo's.
		spawn -r "$tmp/ready" -- "$(skbin "$1")" exec --pty --ready-fd 3 \
		    127.0.0.1:0 -- echo "$EXPTY_LINE"
		SRV=$SPAWNED
		SRV_ERR=$SPAWN_ERR
		read_ready "$tmp/ready" "$SRV" || return 1
		SRV_ADDR=$READY_ADDR
		return
	fi
	port=$(free_port)
	# socat's pty option: the program on a pseudo-terminal, cooked as
	# sockit's (socat's default terminal settings).
	spawn -- socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr,backlog=4096 \
	    EXEC:"echo $EXPTY_LINE",pty
	SRV=$SPAWNED
	SRV_ERR=$SPAWN_ERR
	SRV_ADDR=127.0.0.1:$port
	wait_listen "$SRV" tcp "$port"
}

exec_pty_run() {
	local tool=$1 out=$tmp/connread.out err=$tmp/connread.err rc
	if ! exec_pty_server "$tool"; then
		fail exec-pty "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	timeout -k 2 130 "$CONNREAD" -n "$EXPTY_N" -p 8 -t 120 \
	    -e "$EXPTY_LINE\\r\\n" "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	stop "$SRV"
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ] ||
	    [ "$(field conns "$out")" != "$EXPTY_N" ]; then
		fail exec-pty "$tool" "connread failed (rc $rc): $(cat "$out")" "$err"
		STATE[exec-pty-p99|$tool]=FAIL
		return
	fi
	add exec-pty "$tool" "$(field conns_per_s "$out")"
	add exec-pty-p99 "$tool" "$(field p99_us "$out")"
}

scenario_exec-pty() {
	sizes "exec-pty $EXPTY_N connections, one line each, 8 at a time"
	skrows exec-pty conn/s
	row exec-pty socat conn/s "r>=2.0"
	skrows exec-pty-p99 us
	row exec-pty-p99 socat us ""
	contenders "${SKS[@]}" socat
	alternate exec-pty exec_pty_run
}
