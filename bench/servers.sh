# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# bench/servers.sh: the servers and relays more than one scenario
# starts (sourced by bench/run after lib.sh).  A server used by one
# scenario only stays in that scenario's file.

# --- one-client listeners: bulk, bulk-file ----------------------------------

# bulk_listen FAM TOOL OUT: start TOOL's one-client listener writing
# to OUT (a FIFO or a file); sets LPID and SENDER (the command that
# sends to it), or fails.
bulk_listen() {
	local fam=$1 tool=$2 pipe=$3 port path=$tmp/bulk.sock laddr bin
	port=$(free_port)
	case $tool.$fam in
	sockit.* | base.*)
		bin=$(skbin "$tool")
		[ "$fam" = tcp ] && laddr=127.0.0.1:0 || laddr=unix:$path
		spawn -o "$pipe" -r "$tmp/ready" -- "$bin" listen --once \
		    --ready-fd 3 "$laddr"
		LPID=$SPAWNED
		read_ready "$tmp/ready" "$LPID" || return 1
		SENDER=("$bin" send "$READY_ADDR")
		return 0 ;;
	nc.tcp) spawn -o "$pipe" -- nc -l 127.0.0.1 "$port"
		SENDER=(nc -N 127.0.0.1 "$port") ;;
	nc.unix) spawn -o "$pipe" -- nc -lU "$path"
		SENDER=(nc -NU "$path") ;;
	socat.tcp) spawn -o "$pipe" -- socat -u TCP-LISTEN:"$port",bind=127.0.0.1 STDOUT
		SENDER=(socat -u STDIN TCP:127.0.0.1:"$port") ;;
	socat.unix) spawn -o "$pipe" -- socat -u UNIX-LISTEN:"$path" STDOUT
		SENDER=(socat -u STDIN UNIX-CONNECT:"$path") ;;
	ncat.tcp) spawn -o "$pipe" -- ncat -l --recv-only 127.0.0.1 "$port"
		SENDER=(ncat --send-only 127.0.0.1 "$port") ;;
	ncat.unix) spawn -o "$pipe" -- ncat -lU --recv-only "$path"
		SENDER=(ncat -U --send-only "$path") ;;
	esac
	LPID=$SPAWNED
	if [ "$fam" = tcp ]; then
		wait_listen "$LPID" tcp "$port"
	else
		wait_listen "$LPID" unix "$path"
	fi
}

# --- relays: relay, tls-relay, memory, ws-bridge ------------------------------

haproxy_cfg() {	# FILE LISTENPORT TARGET [MIDSOCK]
	{
		printf 'global\n\tmaxconn 5000\n'
		printf 'defaults\n\tmode tcp\n\ttimeout connect 5s\n'
		printf '\ttimeout client 2m\n\ttimeout server 2m\n'
		printf 'frontend in\n\tbind 127.0.0.1:%s\n' "$2"
		if [ $# -gt 3 ]; then
			printf '\tdefault_backend mid\nbackend mid\n'
			printf '\tserver s unix@%s\n' "$4"
			printf 'frontend mid\n\tbind unix@%s\n' "$4"
		fi
		printf '\tdefault_backend out\nbackend out\n\tserver s %s\n' "$3"
	} >"$1"
}

# relay_start TOOL tcp|unix TARGETPORT: start TOOL relaying a fresh
# port to 127.0.0.1:TARGETPORT (for unix: through a unix socket and a
# second relay of the same tool).  Sets RELAY_PORT and RELAY_PIDS.
relay_start() {
	local tool=$1 fam=$2 tport=$3 port sock=$tmp/relay.$NSPAWN.sock
	RELAY_PIDS=()
	RELAY_PORT=
	RELAY_ERR=
	port=$(free_port)
	case $tool.$fam in
	direct.*)
		RELAY_PORT=$tport
		return 0 ;;
	sockit.tcp | base.tcp)
		sockit_server "$(skbin "$tool")" relay 127.0.0.1:0 \
		    127.0.0.1:"$tport" || return 1
		RELAY_PIDS=("$SRV")
		RELAY_PORT=${SRV_ADDR##*:}
		return 0 ;;
	sockit.unix | base.unix)
		sockit_server "$(skbin "$tool")" relay "unix:$sock" \
		    127.0.0.1:"$tport" || return 1
		RELAY_PIDS=("$SRV")
		sockit_server "$(skbin "$tool")" relay 127.0.0.1:0 \
		    "unix:$sock" || return 1
		RELAY_PIDS+=("$SRV")
		RELAY_PORT=${SRV_ADDR##*:}
		return 0 ;;
	socat.tcp)
		spawn -- socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr \
		    TCP:127.0.0.1:"$tport" ;;
	socat.unix)
		spawn -- socat UNIX-LISTEN:"$sock",fork TCP:127.0.0.1:"$tport"
		RELAY_PIDS=("$SPAWNED")
		wait_listen "$SPAWNED" unix "$sock" || return 1
		spawn -- socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr \
		    UNIX-CONNECT:"$sock" ;;
	ncat.tcp)
		spawn -- ncat -l -k 127.0.0.1 "$port" \
		    --sh-exec "exec ncat 127.0.0.1 $tport" ;;
	ncat.unix)
		spawn -- ncat -l -k -U "$sock" \
		    --sh-exec "exec ncat 127.0.0.1 $tport"
		RELAY_PIDS=("$SPAWNED")
		wait_listen "$SPAWNED" unix "$sock" || return 1
		spawn -- ncat -l -k 127.0.0.1 "$port" \
		    --sh-exec "exec ncat -U $sock" ;;
	haproxy.tcp)
		haproxy_cfg "$tmp/haproxy.cfg" "$port" 127.0.0.1:"$tport"
		spawn -- haproxy -q -db -f "$tmp/haproxy.cfg" ;;
	haproxy.unix)
		haproxy_cfg "$tmp/haproxy.cfg" "$port" 127.0.0.1:"$tport" "$sock"
		spawn -- haproxy -q -db -f "$tmp/haproxy.cfg" ;;
	esac
	RELAY_PIDS+=("$SPAWNED")
	RELAY_ERR=$SPAWN_ERR
	wait_listen "$SPAWNED" tcp "$port" || return 1
	RELAY_PORT=$port
}

relay_stop() {
	local pid
	for pid in "${RELAY_PIDS[@]}"; do
		stop "$pid"
	done
}

# iperf3's JSON: received Gbit/s, or nothing if the test failed.
iperf_gbits() {
	python3 -c 'import json, sys
try:
    j = json.load(open(sys.argv[1]))
except Exception as e:
    sys.exit("no JSON from iperf3: %s" % e)
if "error" in j:
    sys.exit("iperf3: " + j["error"])
s, r = j["end"]["sum_sent"], j["end"]["sum_received"]
if r["bytes"] <= 0 or r["bytes"] > s["bytes"]:
    sys.exit("iperf3: sent %d bytes, received %d" % (s["bytes"], r["bytes"]))
print("%.3f" % (r["bits_per_second"] / 1e9))' "$1"
}

# relay_run SCEN FAM START TOOL: iperf3 (IPERF: its -t or -n) through
# the relay START (relay_start, tls_relay_start) sets up in front of an
# iperf3 server; adds the received Gbit/s.
IPERF=($(pick "-n 128M" "-t 3"))
relay_run() {
	local scen=$1 fam=$2 start=$3 tool=$4
	local iport ipid out=$tmp/iperf.json g rc
	iport=$(free_port)
	spawn -- iperf3 -s -1 -B 127.0.0.1 -p "$iport"
	ipid=$SPAWNED
	if ! wait_listen "$ipid" tcp "$iport"; then
		fail "$scen" "$tool" "iperf3 server did not start" "$SPAWN_ERR"
		stop "$ipid"
		return
	fi
	if ! "$start" "$tool" "$fam" "$iport"; then
		fail "$scen" "$tool" "relay did not start" "${RELAY_ERR:-$SRV_ERR}"
		relay_stop
		stop "$ipid"
		return
	fi
	timeout -k 2 60 iperf3 -c 127.0.0.1 -p "$RELAY_PORT" "${IPERF[@]}" -J \
	    >"$out" 2>"$tmp/iperf.err"
	rc=$?
	relay_stop
	wait_for "$ipid" 10
	if [ "$rc" != 0 ] || ! g=$(iperf_gbits "$out" 2>"$tmp/iperf.err2"); then
		cat "$tmp/iperf.err2" >>"$tmp/iperf.err"
		fail "$scen" "$tool" "iperf3 through the relay failed (rc $rc)" \
		    "$tmp/iperf.err"
		return
	fi
	add "$scen" "$tool" "$g"
}

# relay_bulk_run SCEN FAM START TOOL: the same relays as relay_run,
# measured without iperf3: BULK bytes from loadgen gen through sockit
# send, the relay START sets up, sockit listen --once and loadgen sink,
# which checks every byte and the count; adds Gbit/s.
relay_bulk_run() {
	local scen=$1 fam=$2 start=$3 tool=$4 pipe=$tmp/rbulk.pipe out=$tmp/rbulk.out
	local lpid spid t0 t1 rc err=$tmp/rbulk.err
	rm -f "$pipe"
	mkfifo "$pipe"
	spawn -i "$pipe" -o "$out" -- "$LOADGEN" sink -n "$BULK"
	spid=$SPAWNED
	spawn -o "$pipe" -r "$tmp/ready" -- "$SOCKIT" listen --once \
	    --ready-fd 3 127.0.0.1:0
	lpid=$SPAWNED
	if ! read_ready "$tmp/ready" "$lpid" ||
	    ! "$start" "$tool" "$fam" "${READY_ADDR##*:}"; then
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

# --- WebSocket: ws-bridge, ws-echo -------------------------------------------

# ws_port ADDR: the port of a ready line (ws://127.0.0.1:PORT/ or
# 127.0.0.1:PORT).
ws_port() {
	local p=${1##*:}
	printf '%s\n' "${p%%/*}"
}

# --- echo servers: echo, memory ---------------------------------------------

# echo_server TOOL: start an echo server; sets SRV and SRV_ADDR.
echo_server() {
	local port
	case $1 in
	sockit | base)
		sockit_server "$(skbin "$1")" echo 127.0.0.1:0
		return ;;
	select)
		spawn -r "$tmp/ready" -- "$SELECT_ECHO" -f 3 127.0.0.1:0
		SRV=$SPAWNED
		SRV_ERR=$SPAWN_ERR
		read_ready "$tmp/ready" "$SRV" || return 1
		SRV_ADDR=$READY_ADDR
		return ;;
	socat)
		port=$(free_port)
		spawn -- socat \
		    TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr,backlog=4096 PIPE ;;
	ncat)
		port=$(free_port)
		spawn -- ncat -l -k --max-conns 20000 127.0.0.1 "$port" \
		    --exec /bin/cat ;;
	esac
	SRV=$SPAWNED
	SRV_ERR=$SPAWN_ERR
	SRV_ADDR=127.0.0.1:$port
	wait_listen "$SRV" tcp "$port"
}

# --- TLS: tls-relay, tls-handshake -------------------------------------------
#
# tls-relay: iperf3 -> plain->TLS relay -> TLS->plain relay -> iperf3
# server, with sockit's pair, stunnel4's pair (config files, foreground)
# and socat's OPENSSL pair; the client side verifies the server's
# certificate in all three.  tls-handshake: new TLS connections per
# second, each with one 64-byte exchange checked byte for byte
# (bench/tlsload.py, Python's ssl), against sockit echo over TLS, stunnel
# in front of a plain sockit echo, and socat OPENSSL-LISTEN,fork PIPE.
# tls-idle: sockit echo's memory with TLS_HOLD idle TLS clients.

tls_setup() {
	[ -s "$tmp/tls.pem" ] && return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$tmp/tls.key" -out "$tmp/tls.pem" -days 2 \
	    -subj /CN=localhost \
	    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	    >/dev/null 2>"$tmp/openssl.err"
}

stunnel_cfg() {	# FILE ACCEPTPORT CONNECT client|server
	{
		printf 'foreground = yes\npid =\ndebug = 3\n[t]\n'
		printf 'accept = 127.0.0.1:%s\nconnect = %s\n' "$2" "$3"
		if [ "$4" = client ]; then
			printf 'client = yes\nCAfile = %s\nverifyChain = yes\n' \
			    "$tmp/tls.pem"
		else
			printf 'cert = %s\nkey = %s\n' "$tmp/tls.pem" "$tmp/tls.key"
		fi
	} >"$1"
}

# tls_back TOOL TARGETPORT: a TLS->plain relay (a TLS server) in front
# of 127.0.0.1:TARGETPORT; appends to RELAY_PIDS, sets BACK_PORT.
tls_back() {
	local port
	case $1 in
	sockit)
		sockit_server "$SOCKIT" relay --cert "$tmp/tls.pem" --key "$tmp/tls.key" \
		    tls:127.0.0.1:0 127.0.0.1:"$2" || return 1
		RELAY_PIDS+=("$SRV")
		BACK_PORT=${SRV_ADDR##*:}
		return 0 ;;
	stunnel4)
		port=$(free_port)
		stunnel_cfg "$tmp/stunnel-back.conf" "$port" 127.0.0.1:"$2" server
		spawn -- stunnel4 "$tmp/stunnel-back.conf" ;;
	socat)
		port=$(free_port)
		spawn -- socat OPENSSL-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr,cert="$tmp/tls.pem",key="$tmp/tls.key",verify=0 \
		    TCP:127.0.0.1:"$2" ;;
	esac
	RELAY_PIDS+=("$SPAWNED")
	RELAY_ERR=$SPAWN_ERR
	wait_listen "$SPAWNED" tcp "$port" || return 1
	BACK_PORT=$port
}

# tls_relay_start TOOL FAM TARGETPORT: the pair; sets RELAY_PORT.
tls_relay_start() {
	local tool=$1 tport=$3 port
	RELAY_PIDS=()
	RELAY_PORT=
	RELAY_ERR=
	tls_back "$tool" "$tport" || return 1
	port=$(free_port)
	case $tool in
	sockit)
		sockit_server "$SOCKIT" relay --cacert "$tmp/tls.pem" 127.0.0.1:0 \
		    tls:127.0.0.1:"$BACK_PORT" || return 1
		RELAY_PIDS+=("$SRV")
		RELAY_PORT=${SRV_ADDR##*:}
		return 0 ;;
	stunnel4)
		stunnel_cfg "$tmp/stunnel-front.conf" "$port" \
		    127.0.0.1:"$BACK_PORT" client
		spawn -- stunnel4 "$tmp/stunnel-front.conf" ;;
	socat)
		spawn -- socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr \
		    OPENSSL:127.0.0.1:"$BACK_PORT",cafile="$tmp/tls.pem" ;;
	esac
	RELAY_PIDS+=("$SPAWNED")
	RELAY_ERR=$SPAWN_ERR
	wait_listen "$SPAWNED" tcp "$port" || return 1
	RELAY_PORT=$port
}

tls_tools() {	# SCENARIO: the rows, and the tools installed in TOOLS
	contenders sockit stunnel4 socat
	if ! have openssl || ! tls_setup; then
		fail "$1" sockit "cannot make a certificate" "$tmp/openssl.err"
		return 1
	fi
}
