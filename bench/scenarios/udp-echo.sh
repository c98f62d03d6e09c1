# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# udp-echo: loadgen udppong, UDP_C connected UDP clients x UDP_R round
# trips of one 64-byte datagram, every byte checked (socat: UDP_SR
# rounds, it forks per datagram); round trips/s.

UDP_C=$(pick 20 50)
UDP_R=$(pick 200 4000)
UDP_SR=$(pick 10 40)

# A UDP port that was free a moment ago, for socat.
free_udp_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# udp_echo_run TOOL: sockit echo -u, the minimal recvfrom/sendto loop,
# socat forking per datagram into cat.  (socat's PIPE variant was an
# anchor too, until it failed 2 rounds of 25 with a wrong reply: a
# bench FAIL on someone else's race.)
udp_echo_run() {
	local tool=$1 out=$tmp/udppong.out err=$tmp/udppong.err port rc rounds=$UDP_R
	case $tool in
	sockit)
		sockit_server "$SOCKIT" echo -u 127.0.0.1:0 ;;
	minimal)
		spawn -r "$tmp/ready" -- "$UDP_ECHO" -f 3 127.0.0.1:0
		SRV=$SPAWNED
		SRV_ERR=$SPAWN_ERR
		read_ready "$tmp/ready" "$SRV" && SRV_ADDR=$READY_ADDR ;;
	socat)
		port=$(free_udp_port)
		rounds=$UDP_SR
		spawn -- socat UDP-RECVFROM:"$port",bind=127.0.0.1,fork EXEC:cat
		SRV=$SPAWNED
		SRV_ERR=$SPAWN_ERR
		SRV_ADDR=127.0.0.1:$port
		wait_listen "$SRV" udp "$port" ;;
	esac
	if [ $? != 0 ]; then
		fail udp-echo "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	timeout -k 2 70 "$LOADGEN" udppong -c "$UDP_C" -r "$rounds" -s "$MSG" \
	    -t 60 "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	stop "$SRV"
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ] ||
	    [ "$(field round_trips "$out")" != $((UDP_C * rounds)) ]; then
		fail udp-echo "$tool" "udppong failed (rc $rc): $(cat "$out")" "$err"
		return
	fi
	add udp-echo "$tool" "$(field rtt_per_s "$out")"
}

scenario_udp-echo() {
	sizes "udp-echo $UDP_C clients x $UDP_R rounds (socat $UDP_SR) x $MSG B"
	row udp-echo sockit rtt/s ""
	row udp-echo minimal rtt/s "r>=0.9"
	row udp-echo socat rtt/s "r>=5.0"
	contenders sockit minimal socat
	alternate udp-echo udp_echo_run
}
