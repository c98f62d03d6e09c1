# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# tls-handshake: new TLS connections per second, each with one 64-byte
# exchange checked byte for byte (bench/tlsload.py, Python's ssl, 2
# processes, TLS_N connections), against sockit echo over TLS, stunnel
# in front of a plain sockit echo, and socat OPENSSL-LISTEN,fork PIPE.
# tls-idle: sockit echo's RSS with TLS_HOLD idle TLS clients.

TLS_N=$(pick 100 2000)
TLS_HOLD=$(pick 100 1000)

# tls_hs_run TOOL: TLS_N connections with one checked exchange each.
tls_hs_run() {
	local tool=$1 out=$tmp/tlshs.out err=$tmp/tlshs.err rc port
	RELAY_PIDS=()
	RELAY_ERR=
	case $tool in
	sockit)
		sockit_server "$SOCKIT" echo --cert "$tmp/tls.pem" --key "$tmp/tls.key" \
		    tls:127.0.0.1:0 && RELAY_PIDS=("$SRV") &&
		    port=${SRV_ADDR##*:} ;;
	stunnel4)	# in front of a plain echo, as stunnel is used
		sockit_server "$SOCKIT" echo 127.0.0.1:0 && RELAY_PIDS=("$SRV") &&
		    tls_back stunnel4 "${SRV_ADDR##*:}" && port=$BACK_PORT ;;
	socat)
		port=$(free_port)
		spawn -- socat OPENSSL-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr,cert="$tmp/tls.pem",key="$tmp/tls.key",verify=0 PIPE
		RELAY_PIDS=("$SPAWNED")
		RELAY_ERR=$SPAWN_ERR
		wait_listen "$SPAWNED" tcp "$port" ;;
	esac
	rc=$?
	if [ "$rc" != 0 ]; then
		fail tls-handshake "$tool" "server did not start" \
		    "${RELAY_ERR:-$SRV_ERR}"
		relay_stop
		return
	fi
	timeout -k 2 300 python3 "$here/tlsload.py" handshake "$tmp/tls.pem" \
	    127.0.0.1:"$port" "$TLS_N" 2 >"$out" 2>"$err"
	rc=$?
	relay_stop
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ]; then
		fail tls-handshake "$tool" "handshakes failed (rc $rc): $(cat "$out")" "$err"
		return
	fi
	add tls-handshake "$tool" "$(field conns_per_s "$out")"
}

# sockit echo's memory with TLS_HOLD idle TLS clients, in MiB.
tls_idle_run() {
	local out=$tmp/tlshold.out in=$tmp/tlshold.in hpid kb i
	if ! sockit_server "$SOCKIT" echo --max-conns 20000 --cert "$tmp/tls.pem" \
	    --key "$tmp/tls.key" tls:127.0.0.1:0; then
		fail tls-idle sockit "server did not start" "$SRV_ERR"
		return
	fi
	rm -f "$in" "$out"
	mkfifo "$in"
	spawn -i "$in" -o "$out" -- python3 "$here/tlsload.py" hold \
	    "$tmp/tls.pem" "$SRV_ADDR" "$TLS_HOLD"
	hpid=$SPAWNED
	exec 8>"$in"
	for ((i = 0; i < 1200; i++)); do
		grep -q '^held=' "$out" 2>/dev/null && break
		kill -0 "$hpid" 2>/dev/null || break
		sleep 0.05
	done
	if [ "$(field held "$out")" != "$TLS_HOLD" ]; then
		exec 8>&-
		fail tls-idle sockit "could not hold $TLS_HOLD TLS clients" \
		    "$SPAWN_ERR"
		stop "$hpid"
		stop "$SRV"
		return
	fi
	kb=$(group_mem_kb "$SRV" | awk '{ print $1 }')
	exec 8>&-
	wait_for "$hpid" 30
	stop "$SRV"
	add tls-idle sockit "$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')"
}

scenario_tls-handshake() {
	sizes "TLS $TLS_N handshakes, $TLS_HOLD idle"
	row tls-handshake sockit conn/s ""
	row tls-handshake stunnel4 conn/s "r>=1.0"
	row tls-handshake socat conn/s ""
	row tls-idle sockit MiB "v<=64"
	tls_tools tls-handshake || return
	alternate tls-handshake tls_hs_run
	tls_idle_run
	say "tls-idle sockit: $(last tls-idle sockit) MiB with $TLS_HOLD TLS clients"
}
