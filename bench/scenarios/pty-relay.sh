# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# pty-relay (issue 21): bulk bytes through a virtual serial port.  A
# writer opens the port's link and writes PTYR_BULK bytes of loadgen's
# pattern into it (loadgen gen >LINK); the relay carries them to a TCP
# sink, sockit listen --once | head -c BULK | loadgen sink -n BULK,
# which checks every byte and the count.  The clock runs from the
# writer's start until the sink has all the bytes.  MB/s (10^6).
#
# sockit relay pty:LINK holds its terminal open itself, so the writer's
# close ends nothing: the sink stops at BULK bytes (head -c), the same
# for both tools.  socat's pty is raw only when told (raw,echo=0);
# sockit makes its own raw.  Not socat's wait-slave: it polls for the
# writer's open, and that poll's period (about a second) showed as
# socat's time (7 MB/s against 45 without it).  Without it socat (1.7.4
# here) waits for a writer all the same, and stays after the writer's
# close, as sockit does: tried by hand, 2 s before the first writer and
# after it.  So for both the sink's count ends the run.

PTYR_BULK=$(pick $((8 << 20)) $((128 << 20)))

# pty_relay_start TOOL LINK TARGETPORT: sets PTYR_PID, or returns 1.
pty_relay_start() {
	local tool=$1 link=$2 i
	if [ "$tool" = sockit ] || [ "$tool" = base ]; then
		# The ready line is the link, once it is made.
		sockit_server "$(skbin "$tool")" relay "pty:$link" \
		    127.0.0.1:"$3" || return 1
		PTYR_PID=$SRV
		PTYR_ERR=$SRV_ERR
		return 0
	fi
	spawn -- socat PTY,link="$link",raw,echo=0 \
	    TCP:127.0.0.1:"$3"
	PTYR_PID=$SPAWNED
	PTYR_ERR=$SPAWN_ERR
	# socat cannot report its link: poll for it (30 s at most).
	for ((i = 0; i < 600; i++)); do
		[ -L "$link" ] && return 0
		kill -0 "$PTYR_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

pty_relay_run() {
	local tool=$1 pipe=$tmp/ptyr.pipe out=$tmp/ptyr.out link=$tmp/ttyV
	local err=$tmp/ptyr.err lpid spid t0 t1 rc
	rm -f "$pipe" "$link"
	mkfifo "$pipe"
	spawn -i "$pipe" -o "$out" -e "$err" -- sh -c \
	    'head -c "$1" | "$2" sink -n "$1"' sh "$PTYR_BULK" "$LOADGEN"
	spid=$SPAWNED
	spawn -o "$pipe" -r "$tmp/ready" -- "$SOCKIT" listen --once \
	    --ready-fd 3 127.0.0.1:0
	lpid=$SPAWNED
	if ! read_ready "$tmp/ready" "$lpid"; then
		fail pty-relay "$tool" "the sink's listener did not start"
		stop "$lpid"; stop "$spid"
		return
	fi
	if ! pty_relay_start "$tool" "$link" "${READY_ADDR##*:}"; then
		fail pty-relay "$tool" "the relay did not make its pty" "$PTYR_ERR"
		stop "$PTYR_PID"; stop "$lpid"; stop "$spid"
		return
	fi
	t0=$(now_ns)
	# The writer: opens the link (the pty's slave) and writes, then
	# closes it.
	timeout -k 2 300 "$LOADGEN" gen -n "$PTYR_BULK" >"$link" 2>>"$err"
	rc=($?)
	wait_for "$spid" 120
	rc+=($?)
	t1=$(now_ns)
	stop "$PTYR_PID"
	stop "$lpid"
	if [ "${rc[*]}" != "0 0" ] || [ "$(field bytes "$out")" != "$PTYR_BULK" ]; then
		fail pty-relay "$tool" "transfer failed (writer, sink: ${rc[*]}; sink: $(tr '\n' ' ' <"$out"))" "$err"
		return
	fi
	add pty-relay "$tool" "$(awk -v b="$PTYR_BULK" -v t=$((t1 - t0)) \
	    'BEGIN { printf "%.1f", b * 1000 / t }')"
}

scenario_pty-relay() {
	sizes "pty-relay $((PTYR_BULK >> 20)) MiB"
	skrows pty-relay MB/s
	row pty-relay socat MB/s "r>=1.5"
	contenders "${SKS[@]}" socat
	alternate pty-relay pty_relay_run
}
