# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# ws-bridge (issue 19): TCP carried over WebSocket and back.  iperf3
# -> front relay (TCP -> ws://) -> back half (ws:// -> TCP) -> iperf3
# -s -1; received Gbit/s.  The front of the WebSocket rows is always
# `sockit relay 127.0.0.1:0 ws://127.0.0.1:BACK/`, so they differ only
# in the back half: sockit's `relay ws://127.0.0.1:0/ 127.0.0.1:PORT`, or
# websockify (one Python process per connection).  The `plain` row is
# the same pair of sockit relays without WebSocket (TCP -> TCP ->
# TCP): its ratio is what the framing and masking cost.  Without
# iperf3, the same pairs carry loadgen gen | sockit send -> ... ->
# sockit listen --once | loadgen sink (relay_bulk_run), and the table
# says so; websockify cannot be measured that way (see below).

# ws_bridge_start TOOL FAM TARGETPORT: the back half for TOOL in front
# of 127.0.0.1:TARGETPORT, then sockit's front relay to it (for base:
# the baseline's pair).  Sets RELAY_PORT, RELAY_PIDS, RELAY_ERR, as
# relay_start does for relay_run and relay_bulk_run.
ws_bridge_start() {
	local tool=$1 tport=$3 bin=$SOCKIT back port
	RELAY_PIDS=()
	RELAY_PORT=
	RELAY_ERR=
	case $tool in
	sockit | base)
		bin=$(skbin "$tool")
		sockit_server "$bin" relay ws://127.0.0.1:0/ \
		    127.0.0.1:"$tport" || return 1
		RELAY_PIDS+=("$SRV")
		back=ws://127.0.0.1:$(ws_port "$SRV_ADDR")/ ;;
	plain)
		sockit_server "$bin" relay 127.0.0.1:0 127.0.0.1:"$tport" ||
		    return 1
		RELAY_PIDS+=("$SRV")
		back=127.0.0.1:$(ws_port "$SRV_ADDR") ;;
	websockify)
		# It cannot report a port: one found free, and the kernel's
		# tables polled (no probe connection).
		port=$(free_port)
		spawn -- websockify 127.0.0.1:"$port" 127.0.0.1:"$tport"
		RELAY_PIDS+=("$SPAWNED")
		RELAY_ERR=$SPAWN_ERR
		wait_listen "$SPAWNED" tcp "$port" || return 1
		back=ws://127.0.0.1:$port/ ;;
	esac
	sockit_server "$bin" relay 127.0.0.1:0 "$back" || return 1
	RELAY_PIDS+=("$SRV")
	RELAY_PORT=$(ws_port "$SRV_ADDR")
}

scenario_ws-bridge() {
	local run=relay_run anchors=(websockify plain)
	sizes "ws-bridge $(have iperf3 && echo "iperf3 ${IPERF[*]}" ||
	    echo "$((BULK >> 20)) MiB")"
	skrows ws-bridge Gbit/s
	row ws-bridge websockify Gbit/s "r>=5.0"
	# The ratio on this row is sockit-over-WebSocket / plain TCP pair.
	row ws-bridge plain Gbit/s "r>=0.5"
	if ! have iperf3; then
		run=relay_bulk_run
		NOTE[ws-bridge|sockit]="iperf3 missing: measured with loadgen gen | sockit send -> relay pair -> sockit listen | loadgen sink, $((BULK >> 20)) MiB"
		say "ws-bridge: iperf3 is missing; driving the pairs with loadgen gen/sink"
		# websockify 0.10 drops what it still holds for the target
		# when the client's Close arrives (do_proxy raises at once),
		# so a stream that ends with the sender's Close arrives short
		# (64 MiB: 55,296 bytes missing, here).  iperf3 counts what
		# arrived before its own end; a checked byte count cannot.
		anchors=(plain)
		if have websockify; then
			NOTE[ws-bridge|websockify]="not run without iperf3: websockify drops the data it holds for the target when the Close comes, so a checked gen/sink transfer arrives short"
		fi
	fi
	contenders "${SKS[@]}" "${anchors[@]}"
	# After contenders, which would take an installed one as present.
	[ "$run" = relay_bulk_run ] && missing websockify ws-bridge
	alternate ws-bridge "$run" ws-bridge tcp ws_bridge_start
}
