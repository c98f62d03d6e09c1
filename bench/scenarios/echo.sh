# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# echo, echo-p99, echo-setup, echo-cpu: loadgen pingpong, ECHO_C
# clients x ECHO_R round trips of 64 bytes, every byte checked: round
# trips/s, p99 latency, setup time, and for the one-process servers
# their own CPU time (user + system, setup included) per round trip.

ECHO_C=$(pick 100 900)
ECHO_R=$(pick 50 200)

# echo_run TOOL: one pingpong run against a fresh echo_server.
echo_run() {
	local tool=$1 out=$tmp/pingpong.out err=$tmp/pingpong.err c0 c1 rt rc
	if ! echo_server "$tool"; then
		fail echo "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	c0=$(cpu_ticks "$SRV")
	timeout -k 2 310 "$LOADGEN" pingpong -c "$ECHO_C" -r "$ECHO_R" \
	    -s "$MSG" -t 300 "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	c1=$(cpu_ticks "$SRV")
	stop "$SRV"
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ]; then
		fail echo "$tool" "pingpong failed (rc $rc): $(cat "$out")" "$err"
		STATE[echo-p99|$tool]=FAIL
		STATE[echo-setup|$tool]=FAIL
		return
	fi
	add echo "$tool" "$(field rtt_per_s "$out")"
	add echo-p99 "$tool" "$(field p99_us "$out")"
	add echo-setup "$tool" "$(field setup_ms "$out")"
	# The server's own CPU per round trip: what the machine's load does
	# not change.  One process only: socat and ncat spend theirs in
	# children.
	rt=$(field round_trips "$out")
	case $tool in
	sockit | base | select)
		[ -n "$c0" ] && [ -n "$c1" ] && add echo-cpu "$tool" "$(awk \
		    -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$rt" \
		    'BEGIN { printf "%.3f", c / hz * 1e6 / n }')" ;;
	esac
}

scenario_echo() {
	local s
	sizes "echo $ECHO_C clients x $ECHO_R rounds x $MSG B"
	skrows echo rtt/s
	row echo socat rtt/s "r>=3.0"
	row echo ncat rtt/s ""
	row echo select rtt/s "r>=1.0"
	for s in echo-p99:us echo-setup:ms; do
		skrows "${s%:*}" "${s#*:}"
		row "${s%:*}" socat "${s#*:}" ""
		row "${s%:*}" ncat "${s#*:}" ""
		row "${s%:*}" select "${s#*:}" ""
	done
	skrows echo-cpu us/rtt
	row echo-cpu select us/rtt ""
	contenders "${SKS[@]}" select socat ncat
	alternate echo echo_run
}
