# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# relay-tcp, relay-unix: iperf3 through one relay (relay_start in
# bench/servers.sh) to iperf3 -s -1; received Gbit/s.  relay-unix is
# TCP -> relay -> unix socket -> a second relay of the same tool -> TCP.
# direct (no relay) is the ceiling.  Without iperf3 the same relays
# carry BULK bytes from loadgen gen | sockit send to sockit listen
# --once | loadgen sink instead, and the table says so.

# relay_bulk_run SCEN FAM START TOOL: the iperf3-less measure, checked.
relay_bulk_run() {
	local scen=$1 fam=$2 tool=$4 pipe=$tmp/rbulk.pipe out=$tmp/rbulk.out
	local lpid spid t0 t1 rc err=$tmp/rbulk.err
	rm -f "$pipe"
	mkfifo "$pipe"
	spawn -i "$pipe" -o "$out" -- "$LOADGEN" sink -n "$BULK"
	spid=$SPAWNED
	spawn -o "$pipe" -r "$tmp/ready" -- "$SOCKIT" listen --once \
	    --ready-fd 3 127.0.0.1:0
	lpid=$SPAWNED
	if ! read_ready "$tmp/ready" "$lpid" ||
	    ! relay_start "$tool" "$fam" "${READY_ADDR##*:}"; then
		fail "$scen" "$tool" "relay or its target did not start" \
		    "${RELAY_ERR:-$SRV_ERR}"
		relay_stop; stop "$lpid"; stop "$spid"
		return
	fi
	t0=$(now_ns)
	timeout -k 2 300 "$LOADGEN" gen -n "$BULK" |
	    timeout -k 2 300 "$SOCKIT" send 127.0.0.1:"$RELAY_PORT" \
	    >/dev/null 2>"$err"
	rc=("${PIPESTATUS[@]}")
	wait_for "$lpid" 30
	rc+=($?)
	wait_for "$spid" 30
	rc+=($?)
	t1=$(now_ns)
	relay_stop
	if [ "${rc[*]}" != "0 0 0 0" ] || [ "$(field bytes "$out")" != "$BULK" ]; then
		fail "$scen" "$tool" "transfer through the relay failed (gen, send, listen, sink: ${rc[*]}; sink: $(tr '\n' ' ' <"$out"))" "$err"
		return
	fi
	add "$scen" "$tool" "$(gbits "$BULK" $((t1 - t0)))"
}

scenario_relay() {
	local fam run=relay_run
	sizes "relay $(have iperf3 && echo "iperf3 ${IPERF[*]}" ||
	    echo "$((BULK >> 20)) MiB")"
	for fam in tcp unix; do
		skrows "relay-$fam" Gbit/s
		row "relay-$fam" direct Gbit/s ""
		row "relay-$fam" socat Gbit/s "r>=2.0"
		row "relay-$fam" haproxy Gbit/s "r>=1.5"
		row "relay-$fam" ncat Gbit/s ""
	done
	if ! have iperf3; then
		# Not faked: the same relays, measured another way, and said so.
		run=relay_bulk_run
		for fam in tcp unix; do
			NOTE[relay-$fam|sockit]="iperf3 missing: measured with loadgen gen | sockit send -> relay -> sockit listen | loadgen sink, $((BULK >> 20)) MiB"
		done
		say "relay: iperf3 is missing; driving the relays with loadgen gen/sink"
	fi
	contenders "${SKS[@]}" direct socat haproxy ncat
	for fam in tcp unix; do
		alternate "relay-$fam" "$run" "relay-$fam" "$fam" relay_start
	done
}
