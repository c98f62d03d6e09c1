# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# acl (issue 22): what 10,000 --deny-file rules cost per accept.
# loadgen conns (ACL_N connections, 8 at a time, 64 bytes each way,
# checked) to sockit echo --deny-file FILE, FILE holding ACL_RULES
# ranges of which none holds 127.0.0.1, against sockit echo with no
# rule, same run.  Rows: acl, connections/s (sockit = the rules,
# norules = none); acl-cpu, the echo's own CPU time per connection
# (schedstat ns, group_cpu_ns: wall-clock rates on a shared machine
# are too noisy to see 2 us); acl-check, the derived cost of the check
# in us per accept, target <= 2 us: the user CPU time per connection
# of an echo with the rules minus that of one without, both served at
# the same time by two loadgens (4 connections at a time each), so
# that both see the same load.  User time, because the check runs
# there: the kernel's share (about 90 % of the echo's CPU per
# connection) swung by 5 to 10 us between two runs or two echos on
# this shared machine, and buried it.  The user time is in ticks of
# /proc/PID/stat: ACL_N = 20,000 connections make a tick 0.5 us.
#
# The ranges do not touch each other (sockit merges adjacent ones, and
# 10,000 that merged into a few would measure nothing): IPv4 hosts,
# IPv4 /24s and IPv6 /64s with gaps, and hosts around 127.0.0.1.  Once
# per run the same file plus 127.0.0.0/8 must refuse a client, so the
# rules are known to be read and applied.

ACL_N=$(pick 300 20000)
ACL_RULES=10000

acl_rules() {	# FILE: write the ACL_RULES ranges
	awk -v n="$ACL_RULES" 'BEGIN {
		print "# bench/scenarios/acl.sh: none of these holds 127.0.0.1"
		print "127.0.0.2"; print "127.0.0.0/32"; print "126.0.0.0/8"
		print "128.0.0.0/8"; print "127.1.0.0/16"
		for (i = 0; i < n - 5; i++) {
			if (i % 10 < 8)		# a host, every other /24
				printf "10.%d.%d.1\n", int(i / 250) % 256, (i % 250)
			else if (i % 10 == 8)	# every other /24
				printf "172.%d.%d.0/24\n", 16 + int(i / 256) % 16, (i % 128) * 2
			else			# every other /64
				printf "2001:db8:%x:%x::/64\n", int(i / 256), (i % 256) * 2
		}
	}' >"$1"
}

acl_run() {
	local tool=$1 out=$tmp/acl.out err=$tmp/acl.err rc c0 c1 opt=()
	[ "$tool" = sockit ] && opt=(--deny-file "$tmp/acl.rules")
	if ! sockit_server "$SOCKIT" echo "${opt[@]}" 127.0.0.1:0; then
		fail acl "$tool" "echo did not start" "$SRV_ERR"
		STATE[acl-cpu|$tool]=FAIL
		return
	fi
	c0=$(group_cpu_ns "$SRV")
	timeout -k 2 130 "$LOADGEN" conns -n "$ACL_N" -p 8 -s "$MSG" -t 120 \
	    "$SRV_ADDR" >"$out" 2>"$err"
	rc=$?
	c1=$(group_cpu_ns "$SRV")
	stop "$SRV"
	if [ "$rc" != 0 ] || [ "$(field errors "$out")" != 0 ] ||
	    [ "$(field conns "$out")" != "$ACL_N" ]; then
		fail acl "$tool" "conns failed (rc $rc): $(cat "$out")" "$err"
		STATE[acl-cpu|$tool]=FAIL
		return
	fi
	add acl "$tool" "$(field conns_per_s "$out")"
	add acl-cpu "$tool" "$(awk -v c=$((c1 - c0)) -v n="$ACL_N" \
	    'BEGIN { printf "%.3f", c / 1e3 / n }')"
}

# acl_utime PID: its user CPU time so far, in clock ticks.
acl_utime() { awk '{ print $14 }' "/proc/$1/stat" 2>/dev/null; }

# acl_pair_run sockit: both echos at once, one loadgen each; the
# difference of their user CPU time per connection.
acl_pair_run() {
	local tool=$1 r=() c0=() c1=() pid=() lg=() rc=() i opt
	for i in 0 1; do
		opt=()
		[ "$i" = 0 ] && opt=(--deny-file "$tmp/acl.rules")
		if ! sockit_server "$SOCKIT" echo "${opt[@]}" 127.0.0.1:0; then
			fail acl-check "$tool" "echo did not start" "$SRV_ERR"
			[ "$i" = 1 ] && stop "${pid[0]}"
			return
		fi
		pid+=("$SRV")
		r+=("$SRV_ADDR")
	done
	for i in 0 1; do
		c0+=("$(acl_utime "${pid[$i]}")")
	done
	for i in 0 1; do
		spawn -o "$tmp/acl-pair.$i" -e "$tmp/acl-pair.err$i" -- \
		    "$LOADGEN" conns -n "$ACL_N" -p 4 -s "$MSG" -t 120 "${r[$i]}"
		lg+=("$SPAWNED")
	done
	for i in 0 1; do
		wait_for "${lg[$i]}" 130
		rc+=($?)
		c1+=("$(acl_utime "${pid[$i]}")")
	done
	stop "${pid[0]}"
	stop "${pid[1]}"
	for i in 0 1; do
		if [ "${rc[$i]}" != 0 ] ||
		    [ "$(field errors "$tmp/acl-pair.$i")" != 0 ] ||
		    [ "$(field conns "$tmp/acl-pair.$i")" != "$ACL_N" ]; then
			fail acl-check "$tool" "conns failed (rc ${rc[*]}): $(cat "$tmp/acl-pair.$i")" "$tmp/acl-pair.err$i"
			return
		fi
	done
	add acl-check "$tool" "$(awk -v a=$((c1[0] - c0[0])) \
	    -v b=$((c1[1] - c0[1])) -v n="$ACL_N" -v hz="$(getconf CLK_TCK)" \
	    'BEGIN { printf "%.3f", (a - b) / hz * 1e6 / n }')"
}

# acl_refuses: the rules plus 127.0.0.0/8 must refuse our client.
acl_refuses() {
	local out=$tmp/acl-deny.out
	{ cat "$tmp/acl.rules"; echo 127.0.0.0/8; } >"$tmp/acl-deny.rules"
	sockit_server "$SOCKIT" echo --deny-file "$tmp/acl-deny.rules" \
	    127.0.0.1:0 || return 1
	timeout -k 2 30 "$LOADGEN" conns -n 1 -p 1 -s "$MSG" -t 20 \
	    "$SRV_ADDR" >"$out" 2>&1
	stop "$SRV"
	[ "$(field conns "$out")" = 0 ] && [ "$(field errors "$out")" = 1 ]
}

scenario_acl() {
	sizes "acl $ACL_N connections x $MSG B, $ACL_RULES rules"
	row acl sockit conn/s ""
	row acl norules conn/s ""
	row acl-cpu sockit us/conn ""
	row acl-cpu norules us/conn ""
	row acl-check sockit us/acc "v<=2"
	NOTE[acl|sockit]="sockit: echo --deny-file with $ACL_RULES ranges, none matching; norules: echo; acl-check: user CPU per connection of the two echos served at the same time, rules minus none"
	# Both are this sockit (a baseline may have no --deny-file).
	TOOLS=(sockit norules)
	acl_rules "$tmp/acl.rules"
	if ! acl_refuses; then
		fail acl sockit "the deny file plus 127.0.0.0/8 did not refuse 127.0.0.1" "$SRV_ERR"
		STATE[acl-cpu|sockit]=FAIL
		STATE[acl-check|sockit]=FAIL
	fi
	alternate acl acl_run
	[ -n "${STATE[acl-check|sockit]}" ] && return
	TOOLS=(sockit)
	alternate acl-check acl_pair_run
}
