# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# ws-echo, ws-echo-p99, ws-idle (issue 19): WebSocket echo servers.
# loadgen wsping: WSE_C clients upgrade (the 101 and its accept value
# checked), then WSE_R rounds each of one masked 64-byte binary frame
# out and the same bytes back, every byte checked; round trips/s and
# p99.  ws-idle: the server's memory (RSS of its process group) with
# WSE_IDLE upgraded clients held, each after one checked echo, minus
# before.  sockit's `echo ws://127.0.0.1:0/` against Node's ws module
# (bench/ws_echo.js, the echo server of ws's README).

WSE_C=$(pick 100 900)
WSE_R=$(pick 50 200)
WSE_IDLE=$(pick 100 1000)

# ws_echo_server TOOL [SOCKIT-OPTION...]: sets SRV and SRV_ADDR
# (HOST:PORT), or fails.
ws_echo_server() {
	local tool=$1
	shift
	case $tool in
	sockit | base)
		sockit_server "$(skbin "$tool")" echo "$@" \
		    ws://127.0.0.1:0/ || return 1
		SRV_ADDR=127.0.0.1:$(ws_port "$SRV_ADDR") ;;
	node-ws)
		spawn -r "$tmp/ready" -- node "$here/ws_echo.js" 3
		SRV=$SPAWNED
		SRV_ERR=$SPAWN_ERR
		read_ready "$tmp/ready" "$SRV" || return 1
		SRV_ADDR=$READY_ADDR ;;
	esac
}

ws_echo_run() {
	local tool=$1 out=$tmp/wsping.out err=$tmp/wsping.err rc
	if ! ws_echo_server "$tool"; then
		fail ws-echo "$tool" "server did not start" "$SRV_ERR"
		STATE[ws-echo-p99|$tool]=FAIL
		stop "$SRV"
		return
	fi
	timeout -k 2 130 "$LOADGEN" wsping -c "$WSE_C" -r "$WSE_R" \
	    -s "$MSG" -t 120 "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	stop "$SRV"
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ] ||
	    [ "$(field round_trips "$out")" != $((WSE_C * WSE_R)) ]; then
		fail ws-echo "$tool" "wsping failed (rc $rc): $(cat "$out")" "$err"
		STATE[ws-echo-p99|$tool]=FAIL
		return
	fi
	add ws-echo "$tool" "$(field rtt_per_s "$out")"
	add ws-echo-p99 "$tool" "$(field p99_us "$out")"
}

# ws_idle_run TOOL: as hold_delta (memory.sh), over WebSocket.
ws_idle_run() {
	local tool=$1 before after hpid line
	local out=$tmp/wshold.out err=$tmp/wshold.err
	# --max-conns: room for WSE_IDLE clients whatever the default
	# (select's, about 1,000); the round trips run on the default.
	if ! ws_echo_server "$tool" --max-conns 20000; then
		fail ws-idle "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	before=$(group_mem_kb "$SRV")
	spawn -o "$out" -e "$err" -r "$tmp/ready2" -- "$LOADGEN" hold -w \
	    -c "$WSE_IDLE" -e -f 3 -r 300 "$SRV_ADDR"
	hpid=$SPAWNED
	read_ready "$tmp/ready2" "$hpid" 120
	line=$READY_ADDR
	after=$(group_mem_kb "$SRV")
	stop "$hpid"
	stop "$SRV"
	if [ "$line" != "held=$WSE_IDLE served=$WSE_IDLE" ] ||
	    [ "$(field errors "$out")" != 0 ]; then
		fail ws-idle "$tool" "not all $WSE_IDLE clients upgraded and echoed: ${line:-no answer}; $(cat "$out")" "$err"
		return
	fi
	add ws-idle "$tool" "$(awk -v a="${after% *}" -v b="${before% *}" \
	    'BEGIN { printf "%.2f", (a - b) / 1024 }')"
}

scenario_ws-echo() {
	sizes "ws-echo $WSE_C clients x $WSE_R rounds x $MSG B; ws-idle $WSE_IDLE clients"
	skrows ws-echo rtt/s
	row ws-echo node-ws rtt/s "r>=1.5"
	skrows ws-echo-p99 us
	row ws-echo-p99 node-ws us ""
	skrows ws-idle MiB "v<=8"
	row ws-idle node-ws MiB ""
	contenders "${SKS[@]}" node-ws
	alternate ws-echo ws_echo_run
	alternate ws-idle ws_idle_run
}
