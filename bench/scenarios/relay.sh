# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# relay-tcp, relay-unix: iperf3 through one relay (relay_start in
# bench/servers.sh) to iperf3 -s -1; received Gbit/s.  relay-unix is
# TCP -> relay -> unix socket -> a second relay of the same tool -> TCP.
# direct (no relay) is the ceiling.  Without iperf3 the same relays
# carry BULK bytes from loadgen gen | sockit send to sockit listen
# --once | loadgen sink instead, and the table says so.

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
