#!/usr/bin/env bash
# The splice(2) experiment: relay_test -m copy / -m splice against the
# real sockit relay, interleaved round by round (ABCDE EDCBA ...) so
# that background load hits every column alike.  Prints one line per
# run to stderr and a table of medians to stdout.  See README.md.
#
#   bash bench/splice/run.sh [ROUNDS] [BYTES]	(defaults 7, 8 GiB)
#   CPUTIME=1 bash bench/splice/run.sh	the relay's CPU ms per GiB instead
#   STRACE=1 bash bench/splice/run.sh 1 BYTES	syscall counts, one round
set -u
here=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${1:-7}
BYTES=${2:-$((8 << 30))}
tmp=$(mktemp -d /tmp/splice-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

CC=${CC:-cc}
$CC -std=c11 -O2 -Wall -Wextra -o "$tmp/relay_test" "$here/relay_test.c" &&
    $CC -std=c11 -O2 -Wall -Wextra -o "$tmp/blast" "$here/blast.c" || exit 2
# A private copy: a rebuild in the tree during the run cannot mix versions.
cp "${SOCKIT:-$here/../../src/sockit}" "$tmp/sockit" || exit 2

# TOOLS and SCENS (space-separated) may be narrowed from the environment.
read -ra TOOLS <<<"${TOOLS:-copy splice1m splice256k splice1m_e sockit}"
read -ra SCENS <<<"${SCENS:-tcp-iperf3 tcp-blast unix-blast}"
declare -A VALS

free_port() {
	python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_line FILE: until FILE holds a whole line (at most 5 s).
wait_line() {
	local i
	for i in $(seq 100); do
		# $(...) drops a trailing newline: empty means one is there.
		[ -s "$1" ] && [ -z "$(tail -c1 "$1")" ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (ss, no probe:
# iperf3 -s -1 would take a probe for its one client).
wait_port() {
	local i
	for i in $(seq 100); do
		ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.05
	done
	return 1
}

# relay_start TOOL TARGET NCLIENTS: sets RPID (the relay), WPID (what
# was started: the relay, or time(1) around it) and RADDR.
relay_start() {
	local ready=$tmp/ready.$RANDOM cmd wrap=() i
	: >"$ready"
	case $1 in
	copy)		cmd=("$tmp/relay_test" -m copy -n "$3") ;;
	splice1m)	cmd=("$tmp/relay_test" -m splice -p 1048576 -n "$3") ;;
	splice256k)	cmd=("$tmp/relay_test" -m splice -p 262144 -n "$3") ;;
	splice1m_e)	cmd=("$tmp/relay_test" -m splice -e -p 1048576 -n "$3") ;;
	# The same, with a 1 MiB SO_SNDBUF on the unix socket.
	copy_sb)	cmd=("$tmp/relay_test" -m copy -s 1048576 -n "$3") ;;
	splice1m_sb)	cmd=("$tmp/relay_test" -m splice -p 1048576 -s 1048576 \
			    -n "$3") ;;
	sockit)		cmd=("$tmp/sockit" relay --ready-fd 3 127.0.0.1:0) ;;
	esac
	[ "$1" = sockit ] || cmd+=(-r 3)
	[ -n "${CPUTIME:-}" ] && wrap=(/usr/bin/time -f '%U %S' -o "$tmp/cpu")
	"${wrap[@]}" "${cmd[@]}" "$2" 3>"$ready" >/dev/null &
	WPID=$!
	RPID=$WPID
	wait_line "$ready" || { echo "relay $1 did not start" >&2; return 1; }
	RADDR=$(head -n1 "$ready")
	if [ -n "${CPUTIME:-}" ]; then
		RPID=$(cat "/proc/$WPID/task/$WPID/children")
		RPID=${RPID// /}
	fi
	if [ -n "${STRACE:-}" ]; then
		strace -c -f -o "$tmp/strace.$1.$SCEN" -p "$RPID" 2>/dev/null &
		SPID=$!
		sleep 1		# strace must be attached before data flows
	fi
}

# relay_stop TOOL: relay_test exits by itself; sockit is a server.
relay_stop() {
	local i
	[ "$1" = sockit ] && kill "$RPID" 2>/dev/null
	# relay_test ends with its clients; one that hangs is a failure.
	for i in $(seq 200); do
		kill -0 "$WPID" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$RPID" 2>/dev/null && { echo "$1 hung" >&2; kill "$RPID"; }
	wait "$WPID" 2>/dev/null
	if [ -n "${STRACE:-}" ]; then
		wait "$SPID"
		echo "== $SCEN $1: $BYTES bytes" >>"$tmp/strace.all"
		cat "$tmp/strace.$1.$SCEN" >>"$tmp/strace.all"
	fi
}

# result GBITS: what a run reports: Gbit/s, or with CPUTIME the relay's
# CPU time (user + system) in ms per GiB relayed.
result() {
	if [ -n "${CPUTIME:-}" ]; then
		awk -v gib="$((BYTES >> 20))" \
		    '{ printf "%.0f", ($1 + $2) * 1000 * 1024 / gib }' "$tmp/cpu"
	else
		echo "$1"
	fi
}

# TCP -> TCP with iperf3 behind the relay (-n 2: control + data).
run_iperf() {
	local tool=$1 port out=$tmp/iperf.json g
	port=$(free_port)
	iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
	local ipid=$!
	wait_port "$port" || return 1
	relay_start "$tool" "127.0.0.1:$port" 2 2>>"$tmp/relay.err" || return 1
	timeout 60 iperf3 -c 127.0.0.1 -p "${RADDR##*:}" -n "$BYTES" -J >"$out"
	relay_stop "$tool"
	wait "$ipid"
	g=$(python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
print("%.2f" % (j["end"]["sum_received"]["bits_per_second"] / 1e9))' "$out") ||
	    return 1
	result "$g"
}

# TCP -> TCP or TCP -> unix with blast send/sink: SINKADDR.
run_blast() {
	local tool=$1 sink=$2 ready=$tmp/sink.ready g
	: >"$ready"
	"$tmp/blast" sink -r 3 "$sink" 3>"$ready" >"$tmp/sink.out" &
	local kpid=$!
	wait_line "$ready" || return 1
	relay_start "$tool" "$(sed 's,^/,unix:/,' "$ready")" 1 \
	    2>>"$tmp/relay.err" || return 1
	timeout 60 "$tmp/blast" send -n "$BYTES" "$RADDR"
	relay_stop "$tool"
	wait "$kpid"
	g=$(sed -n 's/.*bytes=\([0-9]*\).*gbit=\([0-9.]*\).*/\1 \2/p' \
	    "$tmp/sink.out")
	[ "${g% *}" = "$BYTES" ] || { echo "short: $g" >&2; return 1; }
	result "${g#* }"
}

for r in $(seq "$ROUNDS"); do
	order=("${TOOLS[@]}")
	# Every other round backwards: a drifting load hits all columns alike.
	if [ $((r % 2)) = 0 ]; then
		order=()
		for ((i = ${#TOOLS[@]} - 1; i >= 0; i--)); do
			order+=("${TOOLS[i]}")
		done
	fi
	for SCEN in "${SCENS[@]}"; do
		for t in "${order[@]}"; do
			case $SCEN in
			tcp-iperf3) g=$(run_iperf "$t") ;;
			tcp-blast) g=$(run_blast "$t" 127.0.0.1:0) ;;
			unix-blast) g=$(run_blast "$t" "unix:$tmp/sink.sock") ;;
			esac
			[ -n "$g" ] || g=FAIL
			echo "round $r $SCEN $t: $g" >&2
			VALS[$SCEN|$t]+="$g "
		done
	done
	[ -n "${STRACE:-}" ] && break
done

if [ -n "${STRACE:-}" ]; then
	cat "$tmp/strace.all"
	exit 0
fi
printf '%-12s' scenario
printf ' %11s' "${TOOLS[@]}"
echo
for SCEN in "${SCENS[@]}"; do
	printf '%-12s' "$SCEN"
	for t in "${TOOLS[@]}"; do
		printf ' %11s' "$(echo "${VALS[$SCEN|$t]}" | tr ' ' '\n' |
		    grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END {
		    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		    printf "%.1f", m }')"
	done
	echo
done
unit=Gbit/s
[ -n "${CPUTIME:-}" ] && unit="relay CPU ms/GiB"
echo "all values ($unit, in round order):"
for SCEN in "${SCENS[@]}"; do
	for t in "${TOOLS[@]}"; do
		echo "  $SCEN $t: ${VALS[$SCEN|$t]}"
	done
done
[ -s "$tmp/relay.err" ] && { echo "relay stderr:"; sort "$tmp/relay.err" |
    uniq -c; }
exit 0
