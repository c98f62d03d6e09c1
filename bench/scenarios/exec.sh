# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# exec, exec-p99: a process per connection.  loadgen conns, EXEC_N
# connections 8 at a time, each sending 64 bytes through cat(1) and
# reading them back (checked), ending at the client's half-close:
# connections/s and p99 connect-to-reply latency.

EXEC_N=$(pick 100 2000)

exec_server() {
	local port
	if [ "$1" = sockit ] || [ "$1" = base ]; then
		# --ready-fd before the "--": after it, it would be cat's.
		spawn -r "$tmp/ready" -- "$(skbin "$1")" exec --ready-fd 3 \
		    127.0.0.1:0 -- cat
		SRV=$SPAWNED
		SRV_ERR=$SPAWN_ERR
		read_ready "$tmp/ready" "$SRV" || return 1
		SRV_ADDR=$READY_ADDR
		return
	fi
	port=$(free_port)
	case $1 in
	tcpserver)	# no DNS or ident lookups, as a benchmark of it would
		spawn -- tcpserver -q -HRl0 -c 40 -b 64 127.0.0.1 "$port" cat ;;
	socat)
		spawn -- socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr,backlog=4096 \
		    EXEC:cat ;;
	ncat)
		spawn -- ncat -l -k 127.0.0.1 "$port" --exec /bin/cat ;;
	esac
	SRV=$SPAWNED
	SRV_ERR=$SPAWN_ERR
	SRV_ADDR=127.0.0.1:$port
	wait_listen "$SRV" tcp "$port"
}

exec_run() {
	local tool=$1 out=$tmp/conns.out err=$tmp/conns.err rc k=
	if ! exec_server "$tool"; then
		fail exec "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	# ncat --exec stops the program at the client's half-close, before
	# its reply: its clients close after the reply instead.
	if [ "$tool" = ncat ]; then
		k=-k
		NOTE[exec|ncat]="no half-close (ncat --exec ends cat at the client's EOF, before the reply): each client closes once its reply is in"
	fi
	timeout -k 2 130 "$LOADGEN" conns $k -n "$EXEC_N" -p 8 -s "$MSG" \
	    -t 120 "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	stop "$SRV"
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ] ||
	    [ "$(field conns "$out")" != "$EXEC_N" ]; then
		fail exec "$tool" "conns failed (rc $rc): $(cat "$out")" "$err"
		STATE[exec-p99|$tool]=FAIL
		return
	fi
	add exec "$tool" "$(field conns_per_s "$out")"
	add exec-p99 "$tool" "$(field p99_us "$out")"
}

scenario_exec() {
	local tool
	sizes "exec $EXEC_N connections x $MSG B, 8 at a time"
	skrows exec conn/s
	row exec tcpserver conn/s "r>=1.2"
	row exec socat conn/s "r>=2.0"
	row exec ncat conn/s ""
	skrows exec-p99 us
	for tool in tcpserver socat ncat; do
		row exec-p99 "$tool" us ""
	done
	contenders "${SKS[@]}" tcpserver socat ncat
	alternate exec exec_run
}
