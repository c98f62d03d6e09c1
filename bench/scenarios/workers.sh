# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# workers-relay, workers-echo (issue 22): --workers 2 against
# --workers 1, same run, A B A B.  The rows named sockit are
# --workers 2, the rows named w1 --workers 1, so the ratio is w2/w1.
# No target: on 2 cores shared with the load generators little is to
# be gained (sockit(1), Workers); what scales is the CPU cost, so each
# run also reports the CPU time of the server's whole process group
# (parent and workers: group_cpu_ns) per GiB relayed and per echo
# round trip, from which a machine with more cores can be reasoned.
#
# relay: iperf3 -P 4 (4 streams at once, so both workers get clients)
# through sockit relay --workers N to iperf3 -s -1; received Gbit/s
# from iperf3's JSON (checked: bytes received, none beyond those sent).
# echo: loadgen pingpong -c WK_C -r WK_R -s 64, every byte checked.

WK_IPERF=($(pick "-n 128M" "-t 3"))
WK_C=$(pick 100 400)
WK_R=$(pick 50 250)

# wk_n TOOL: the number of workers of a contender.
wk_n() { [ "$1" = w1 ] && echo 1 || echo 2; }

workers_relay_run() {
	local tool=$1 iport ipid out=$tmp/wk-iperf.json c0 c1 rc res
	iport=$(free_port)
	spawn -- iperf3 -s -1 -B 127.0.0.1 -p "$iport"
	ipid=$SPAWNED
	if ! wait_listen "$ipid" tcp "$iport"; then
		fail workers-relay "$tool" "iperf3 server did not start" "$SPAWN_ERR"
		stop "$ipid"
		return
	fi
	if ! sockit_server "$SOCKIT" relay --workers "$(wk_n "$tool")" \
	    127.0.0.1:0 127.0.0.1:"$iport"; then
		fail workers-relay "$tool" "relay did not start" "$SRV_ERR"
		stop "$ipid"
		return
	fi
	c0=$(group_cpu_ns "$SRV")
	timeout -k 2 60 iperf3 -c 127.0.0.1 -p "${SRV_ADDR##*:}" -P 4 \
	    "${WK_IPERF[@]}" -J >"$out" 2>"$tmp/wk-iperf.err"
	rc=$?
	c1=$(group_cpu_ns "$SRV")
	stop "$SRV"
	wait_for "$ipid" 10
	# "Gbit/s bytes", from the sum over the 4 streams.
	if [ "$rc" != 0 ] || ! res=$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
if "error" in j:
    sys.exit("iperf3: " + j["error"])
s, r = j["end"]["sum_sent"], j["end"]["sum_received"]
if r["bytes"] <= 0 or r["bytes"] > s["bytes"]:
    sys.exit("iperf3: sent %d bytes, received %d" % (s["bytes"], r["bytes"]))
print("%.3f %d" % (r["bits_per_second"] / 1e9, r["bytes"]))' "$out" \
	    2>>"$tmp/wk-iperf.err"); then
		fail workers-relay "$tool" "iperf3 through the relay failed (rc $rc)" \
		    "$tmp/wk-iperf.err"
		STATE[workers-relay-cpu|$tool]=FAIL
		return
	fi
	add workers-relay "$tool" "${res% *}"
	# CPU seconds per GiB received.
	add workers-relay-cpu "$tool" "$(awk -v c=$((c1 - c0)) -v b="${res#* }" \
	    'BEGIN { printf "%.3f", c / 1e9 / (b / 2^30) }')"
}

workers_echo_run() {
	local tool=$1 out=$tmp/wk-pp.out err=$tmp/wk-pp.err c0 c1 rc n
	if ! sockit_server "$SOCKIT" echo --workers "$(wk_n "$tool")" \
	    127.0.0.1:0; then
		fail workers-echo "$tool" "echo did not start" "$SRV_ERR"
		return
	fi
	c0=$(group_cpu_ns "$SRV")
	timeout -k 2 130 "$LOADGEN" pingpong -c "$WK_C" -r "$WK_R" -s "$MSG" \
	    -t 120 "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	c1=$(group_cpu_ns "$SRV")
	stop "$SRV"
	n=$((WK_C * WK_R))
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ] ||
	    [ "$(field round_trips "$out")" != "$n" ]; then
		fail workers-echo "$tool" "pingpong failed (rc $rc): $(cat "$out")" "$err"
		STATE[workers-echo-cpu|$tool]=FAIL
		return
	fi
	add workers-echo "$tool" "$(field rtt_per_s "$out")"
	# Server CPU (setup included) per measured round trip, in us.
	add workers-echo-cpu "$tool" "$(awk -v c=$((c1 - c0)) -v n="$n" \
	    'BEGIN { printf "%.2f", c / 1e3 / n }')"
}

scenario_workers() {
	local s u
	sizes "workers: relay iperf3 -P 4 ${WK_IPERF[*]}, echo $WK_C clients x $WK_R rounds"
	for s in workers-relay workers-relay-cpu workers-echo workers-echo-cpu; do
		case $s in
		workers-relay) u=Gbit/s ;;
		workers-relay-cpu) u=cpu-s/GiB ;;
		workers-echo) u=rtt/s ;;
		workers-echo-cpu) u=cpu-us/rt ;;
		esac
		row "$s" sockit "$u" ""
		row "$s" w1 "$u" ""
	done
	NOTE[workers-relay|sockit]="sockit = --workers 2, w1 = --workers 1 (ratio w2/w1); CPU: the server's process group, parent and workers"
	# Both contenders are this sockit (a baseline may have no --workers).
	TOOLS=(sockit w1)
	if have iperf3; then
		alternate workers-relay workers_relay_run
	else
		missing sockit workers-relay
		missing w1 workers-relay
	fi
	alternate workers-echo workers_echo_run
}
