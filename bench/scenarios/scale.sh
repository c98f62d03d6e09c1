# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# scale-echo, scale-echo-rss, scale-clock-rss: SCALE_C clients at once.
# echo: pingpong -c SCALE_C -r SCALE_R, all served (errors=0): round
# trips/s and sockit's peak RSS (VmHWM).  clock: hold -c SCALE_C -R,
# every client gets its first tick and one more, then CLOCK_HOLD s of
# ticks; peak RSS.  No anchor: socat and ncat would fork SCALE_C
# processes, select_echo stops at FD_SETSIZE.

SCALE_C=$(pick 1000 10000)
SCALE_R=$(pick 5 10)
CLOCK_HOLD=$(pick 1 2)	# seconds of clock ticks watched
CLOCK_EVERY=200ms	# clock interval

scale_echo_run() {
	local tool=$1 out=$tmp/scale.out err=$tmp/scale.err rc hwm
	if ! sockit_server "$(skbin "$tool")" echo --max-conns 20000 \
	    127.0.0.1:0; then
		fail scale-echo "$tool" "server did not start" "$SRV_ERR"
		return
	fi
	timeout -k 2 310 "$LOADGEN" pingpong -c "$SCALE_C" -r "$SCALE_R" \
	    -s "$MSG" -t 300 "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	hwm=$(peak_rss_kb "$SRV")
	stop "$SRV"
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ]; then
		fail scale-echo "$tool" "not all $SCALE_C clients served (rc $rc): $(cat "$out")" "$err"
		STATE[scale-echo-rss|$tool]=FAIL
		return
	fi
	add scale-echo "$tool" "$(field rtt_per_s "$out")"
	add scale-echo-rss "$tool" "$(awk -v k="$hwm" 'BEGIN { printf "%.2f", k / 1024 }')"
}

scale_clock_run() {
	local tool=$1 out=$tmp/hold.out err=$tmp/hold.err rc hwm hpid line min
	# Each tick is "HH:MM:SS\n": 9 bytes.  Every client must get the one
	# at connect and at least one more.  loadgen waits for that (-m)
	# however long a loaded machine takes, so the check does not
	# depend on how fast ticks go out, only on whether they do.
	local least=18
	if ! sockit_server "$(skbin "$tool")" clock --max-conns 20000 \
	    -I "$CLOCK_EVERY" 127.0.0.1:0; then
		fail scale-clock-rss "$tool" "server did not start" "$SRV_ERR"
		return
	fi
	spawn -o "$out" -e "$err" -r "$tmp/ready2" -- "$LOADGEN" hold \
	    -c "$SCALE_C" -R -m "$least" -f 3 -r 300 "$SRV_ADDR"
	hpid=$SPAWNED
	read_ready "$tmp/ready2" "$hpid" 240
	line=$READY_ADDR
	if [ "$line" != "held=$SCALE_C served=$SCALE_C" ]; then
		stop "$hpid"
		stop "$SRV"
		fail scale-clock-rss "$tool" "not all $SCALE_C clients got two ticks: ${line:-no answer}" "$err"
		return
	fi
	sleep "$CLOCK_HOLD"	# more ticks to everybody for the RSS, not a wait
	hwm=$(peak_rss_kb "$SRV")
	stop "$hpid"
	stop "$SRV"
	min=$(field min_bytes_in "$out")
	if [ "$(field held "$out")" != "$SCALE_C" ] ||
	    [ "$(field errors "$out")" != 0 ] || [ "${min:-0}" -lt "$least" ]; then
		fail scale-clock-rss "$tool" "clients dropped or starved: $(cat "$out")" "$err"
		return
	fi
	add scale-clock-rss "$tool" "$(awk -v k="$hwm" 'BEGIN { printf "%.2f", k / 1024 }')"
}

scenario_scale() {
	sizes "scale $SCALE_C clients"
	skrows scale-echo rtt/s
	skrows scale-echo-rss MiB "v<=64"
	skrows scale-clock-rss MiB "v<=64"
	contenders "${SKS[@]}"
	alternate scale-echo scale_echo_run
	alternate scale-clock-rss scale_clock_run
}
