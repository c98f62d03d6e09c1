# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# mem-idle, mem-relay (and -pss): the memory of the server's process
# group with MEM_C connections held after one checked echo each, minus
# before; RSS (VmRSS summed) and PSS (smaps_rollup, fairer to forking
# servers).  mem-relay: the relay in front of a sockit echo whose
# memory is not counted.

MEM_C=$(pick 100 1000)

# hold_delta SCEN TOOL PID ADDR: memory of PID's group with MEM_C
# connections held on ADDR (each after one checked echo) minus before;
# RSS to SCEN, PSS to SCEN-pss, in MiB.
hold_delta() {
	local scen=$1 tool=$2 pid=$3 addr=$4 before after hpid line
	local out=$tmp/hold.out err=$tmp/hold.err
	before=$(group_mem_kb "$pid")
	spawn -o "$out" -e "$err" -r "$tmp/ready2" -- "$LOADGEN" hold \
	    -c "$MEM_C" -e -f 3 -r 300 "$addr"
	hpid=$SPAWNED
	read_ready "$tmp/ready2" "$hpid" 120
	line=$READY_ADDR
	after=$(group_mem_kb "$pid")
	stop "$hpid"
	if [ "$line" != "held=$MEM_C served=$MEM_C" ] ||
	    [ "$(field errors "$out")" != 0 ]; then
		fail "$scen" "$tool" "not all $MEM_C connections echoed: ${line:-no answer}; $(cat "$out")" "$err"
		STATE[$scen-pss|$tool]=FAIL
		return
	fi
	add "$scen" "$tool" "$(awk -v a="${after% *}" -v b="${before% *}" \
	    'BEGIN { printf "%.2f", (a - b) / 1024 }')"
	add "$scen-pss" "$tool" "$(awk -v a="${after#* }" -v b="${before#* }" \
	    'BEGIN { printf "%.2f", (a - b) / 1024 }')"
}

mem_idle_run() {
	local tool=$1
	if ! echo_server "$tool"; then
		fail mem-idle "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	hold_delta mem-idle "$tool" "$SRV" "$SRV_ADDR"
	stop "$SRV"
}

mem_relay_run() {
	local target=$1 tool=$2 port
	port=$(free_port)
	case $tool in
	sockit | base)
		if ! sockit_server "$(skbin "$tool")" relay --max-conns 20000 \
		    127.0.0.1:0 "$target"; then
			fail mem-relay "$tool" "relay did not start" "$SRV_ERR"
			return
		fi ;;
	socat)
		spawn -- socat \
		    TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr,backlog=4096 \
		    TCP:"$target" ;;
	haproxy)
		haproxy_cfg "$tmp/haproxy.cfg" "$port" "$target"
		spawn -- haproxy -q -db -f "$tmp/haproxy.cfg" ;;
	esac
	if [ "$tool" != sockit ] && [ "$tool" != base ]; then
		SRV=$SPAWNED
		SRV_ADDR=127.0.0.1:$port
		if ! wait_listen "$SRV" tcp "$port"; then
			fail mem-relay "$tool" "relay did not start" "$SPAWN_ERR"
			stop "$SRV"
			return
		fi
	fi
	hold_delta mem-relay "$tool" "$SRV" "$SRV_ADDR"
	stop "$SRV"
}

scenario_memory() {
	local echo_pid
	sizes "memory $MEM_C connections"
	skrows mem-idle MiB "v<=4"
	row mem-idle socat MiB ""
	skrows mem-idle-pss MiB
	row mem-idle-pss socat MiB ""
	skrows mem-relay MiB "v<=16"
	row mem-relay socat MiB ""
	row mem-relay haproxy MiB ""
	skrows mem-relay-pss MiB
	row mem-relay-pss socat MiB ""
	row mem-relay-pss haproxy MiB ""
	contenders "${SKS[@]}" socat
	alternate mem-idle mem_idle_run
	# One echo server behind every relay; its memory is not counted.
	if ! sockit_server "$SOCKIT" echo --max-conns 20000 127.0.0.1:0; then
		fail mem-relay sockit "echo target did not start" "$SRV_ERR"
		return
	fi
	echo_pid=$SRV
	contenders "${SKS[@]}" socat haproxy
	alternate mem-relay mem_relay_run "$SRV_ADDR"
	stop "$echo_pid"
}
