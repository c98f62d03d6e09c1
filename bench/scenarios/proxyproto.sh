# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# proxyproto (issue 22): what the PROXY protocol costs per connection.
# loadgen conns (PP_N connections, 8 at a time, 64 bytes each way,
# checked) through sockit relay --send-proxy to sockit echo
# --accept-proxy, against the same pair without headers, same run.
# Rows: sockit = the version 2 header (relay's default), v1 = the text
# header, plain = no header; the target is on the plain row: the
# headers cost at most 5 % of the connection rate (r>=0.95).
# An echo with --accept-proxy resets a client without a valid header,
# so the checked echo of every connection also checks the header.

PP_N=$(pick 300 10000)

# pp_relay_opt TOOL: the relay's option for the header of TOOL.
pp_relay_opt() {
	case $1 in
	sockit) echo --send-proxy ;;
	v1) echo --send-proxy=v1 ;;
	esac
}

proxyproto_run() {
	local tool=$1 out=$tmp/pp.out err=$tmp/pp.err echo_pid rc
	local ropt=() eopt=()
	if [ "$tool" != plain ]; then
		ropt=("$(pp_relay_opt "$tool")")
		eopt=(--accept-proxy)
	fi
	if ! sockit_server "$SOCKIT" echo "${eopt[@]}" 127.0.0.1:0; then
		fail proxyproto "$tool" "echo did not start" "$SRV_ERR"
		return
	fi
	echo_pid=$SRV
	if ! sockit_server "$SOCKIT" relay "${ropt[@]}" 127.0.0.1:0 \
	    "$SRV_ADDR"; then
		fail proxyproto "$tool" "relay did not start" "$SRV_ERR"
		stop "$echo_pid"
		return
	fi
	timeout -k 2 130 "$LOADGEN" conns -n "$PP_N" -p 8 -s "$MSG" -t 120 \
	    "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	stop "$SRV"
	stop "$echo_pid"
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ] ||
	    [ "$(field conns "$out")" != "$PP_N" ]; then
		fail proxyproto "$tool" "conns failed (rc $rc): $(cat "$out")" "$err"
		return
	fi
	add proxyproto "$tool" "$(field conns_per_s "$out")"
}

scenario_proxyproto() {
	sizes "proxyproto $PP_N connections x $MSG B, 8 at a time"
	row proxyproto sockit conn/s ""
	row proxyproto v1 conn/s ""
	row proxyproto plain conn/s "r>=0.95"
	NOTE[proxyproto|sockit]="relay --send-proxy (v2) -> echo --accept-proxy; v1: --send-proxy=v1; plain: neither"
	# All three are this sockit (a baseline may not speak the protocol).
	TOOLS=(sockit v1 plain)
	alternate proxyproto proxyproto_run
}
