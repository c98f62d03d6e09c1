# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# tls-relay: iperf3 -> plain->TLS relay -> TLS->plain relay -> iperf3
# -s -1 (tls_relay_start in bench/servers.sh); received Gbit/s.  The
# pairs: sockit's, stunnel4's (config files, foreground) and socat's
# OPENSSL; the client side verifies the server's certificate in all
# three.

scenario_tls-relay() {
	sizes "tls-relay iperf3 ${IPERF[*]}"
	row tls-relay sockit Gbit/s ""
	row tls-relay stunnel4 Gbit/s "r>=1.3"
	row tls-relay socat Gbit/s "r>=2.0"
	if ! have iperf3; then
		missing sockit tls-relay
		missing stunnel4 tls-relay
		missing socat tls-relay
		say "tls-relay: iperf3 is missing"
		return
	fi
	tls_tools tls-relay || return
	alternate tls-relay relay_run tls-relay tcp tls_relay_start
}
