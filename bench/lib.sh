# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# bench/lib.sh: the driver of the benchmarks, sourced by bench/run.
# See bench/README.md, "Adding a scenario".
#
# What every scenario shares lives here: starting and stopping
# processes (each in its own session, every wait bounded), the rows
# and their values, the A/B alternation of the contenders over ROUNDS
# rounds (alternate), the checks' failure path (fail), the machine
# header and the table of medians and sockit/anchor ratios.  Servers
# that several scenarios start are in bench/servers.sh; each scenario
# is one file, bench/scenarios/NAME.sh, defining scenario_NAME.
#
# Environment: SOCKIT, BENCH_BASELINE, BENCH_QUICK, BENCH_ROUNDS,
# BENCH_BUILD, BENCH_ONLY, BENCH_SKIP, CC, CFLAGS (bench/README.md).
#
# Loopback only: servers bind 127.0.0.1 port 0 (sockit, select_echo:
# reported on --ready-fd) or a port just found free; unix sockets live
# in a private temporary directory.  Every wait is bounded.

set -u
export LC_ALL=C

SOCKIT=${SOCKIT:-$here/../src/sockit}
BUILD=${BENCH_BUILD:-$here/build}
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 0 ] && QUICK=
SKIP=${BENCH_SKIP:-}
BASE=${BENCH_BASELINE:-}
if [ -n "$QUICK" ]; then
	ROUNDS=${BENCH_ROUNDS:-1}
else
	ROUNDS=${BENCH_ROUNDS:-5}
fi
MSG=64			# echo message size, bytes
STATUS=0
# The scenarios in the order of the table; files in bench/scenarios/
# not named here run after them, in the order of their names.
ORDER="bulk bulk-file relay echo scale memory oneshot udp-echo exec tls-relay tls-handshake ftp"
ALL=$ORDER

# pick QUICK FULL: the value for this mode, e.g. N=$(pick 100 2000).
pick() { [ -n "$QUICK" ] && echo "$1" || echo "$2"; }

say() { printf '%s\n' "bench: $*" >&2; }
die() { say "$*"; exit 2; }

# --- processes ------------------------------------------------------------
#
# Every background process is started in its own session (setsid), so
# its pid is also its process group: stopping it reaches what it forked
# (socat and ncat fork per client) and nothing else.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockit-bench.XXXXXX") || die "mktemp failed"
declare -A LIVE=()	# pid -> 1 while started and not yet reaped
NSPAWN=0

MAIN=$BASHPID

# A child signalled between its fork and its exec may still run these
# traps (bash resets them in subshells only after the fork): only the
# main shell cleans up.
cleanup() {
	local pid i alive
	[ "$BASHPID" = "$MAIN" ] || exit 1
	trap - EXIT INT TERM
	for pid in "${!LIVE[@]}"; do
		kill -TERM -- "-$pid" "$pid" 2>/dev/null
	done
	for ((i = 0; i < 40; i++)); do
		alive=
		for pid in "${!LIVE[@]}"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ -z "$alive" ] && break
		sleep 0.05
	done
	for pid in "${!LIVE[@]}"; do
		kill -KILL -- "-$pid" "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# spawn [-i IN] [-o OUT] [-e ERR] [-r READY] -- CMD...: start CMD in the
# background; READY is opened as fd 3 (a FIFO for --ready-fd 3).  The
# redirections happen in the child, so opening a FIFO never blocks us;
# they happen before setsid, so a child still blocked in one is not yet
# a group leader: stop() and cleanup() signal the pid as well.
# Sets SPAWNED (the pid) and SPAWN_ERR (its stderr file).
spawn() {
	local in=/dev/null out=/dev/null err ready=
	NSPAWN=$((NSPAWN + 1))
	err=$tmp/stderr.$NSPAWN
	while [ $# -gt 0 ]; do
		case $1 in
		-i) in=$2; shift 2 ;;
		-o) out=$2; shift 2 ;;
		-e) err=$2; shift 2 ;;
		-r) ready=$2; shift 2 ;;
		--) shift; break ;;
		*) die "spawn: bad option $1" ;;
		esac
	done
	if [ -n "$ready" ]; then
		(exec setsid "$@" <"$in" >"$out" 2>"$err" 3>"$ready") &
	else
		(exec setsid "$@" <"$in" >"$out" 2>"$err") &
	fi
	SPAWNED=$!
	SPAWN_ERR=$err
	LIVE[$SPAWNED]=1
}

# wait_for PID SECS: wait for PID, killing its group if it takes longer
# than SECS.  Returns its status; 124 if it had to be killed.
wait_for() {
	local pid=$1 secs=$2 dog rc fired=
	(exec setsid sh -c 'sleep "$1"; kill -TERM -- "-$2" "$2"' watchdog \
	    "$secs" "$pid" >/dev/null 2>&1) &
	dog=$!
	wait "$pid"
	rc=$?
	kill -0 "$dog" 2>/dev/null || fired=1
	# The pid too: the watchdog may not have reached its setsid yet.
	# SIGKILL, as no trap of ours may run in a child not yet exec'd.
	kill -KILL -- "-$dog" "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	unset "LIVE[$pid]"
	if [ -n "$fired" ]; then
		kill -KILL -- "-$pid" "$pid" 2>/dev/null
		return 124
	fi
	return "$rc"
}

# stop PID: SIGTERM to its group, up to 5 s for it to go, then SIGKILL.
stop() {
	local pid=$1 i
	[ -n "$pid" ] && [ -n "${LIVE[$pid]:-}" ] || return 0
	kill -TERM -- "-$pid" "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	# Whatever it forked and left behind goes too.
	kill -KILL -- "-$pid" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "LIVE[$pid]"
}

# read_ready FIFO PID [SECS]: the line PID writes on its ready fd, in
# READY_ADDR; fails if PID exits first or SECS (default 60) pass.  The
# FIFO is opened read-write so that opening never blocks.  Only a whole
# line counts: a read that times out keeps what it got (bash's read
# stores a partial line) and the next one goes on from there, so a
# line read while still being written is never cut ("eld=10000").
read_ready() {
	local i n=$(( ${3:-60} * 10 )) part rc line= gone=
	READY_ADDR=
	exec 9<>"$1"
	for ((i = 0; i < n; i++)); do
		part=
		IFS= read -r -t 0.1 part <&9
		rc=$?
		line+=$part
		if [ "$rc" = 0 ]; then
			READY_ADDR=$line
			break
		fi
		# Not a timeout: nothing more will come.
		[ "$rc" -gt 128 ] || break
		# Gone: one more pass reads what it wrote just before.
		[ -n "$gone" ] && break
		kill -0 "$2" 2>/dev/null || gone=1
	done
	exec 9<&-
	[ -n "$READY_ADDR" ]
}

# A port that was free a moment ago, for anchors that cannot report one.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_listen PID tcp PORT | PID unix PATH: poll (30 s at most) until the
# socket is listening.  Looks at the kernel's tables, never connects:
# nc -l and iperf3 -s -1 would take a probe for their one client.
wait_listen() {
	local pid=$1 kind=$2 where=$3 i
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		if [ "$kind" = tcp ]; then
			ss -Hltn "sport = :$where" | grep -q . && return 0
		elif [ "$kind" = udp ]; then
			ss -Hlun "sport = :$where" | grep -q . && return 0
		else
			ss -Hlx "src $where" | grep -q . && return 0
		fi
		sleep 0.05
	done
	return 1
}

# Memory in KiB of PID's whole process group (forked children included):
# "RSS PSS".  RSS is the sum of VmRSS, which counts pages shared between
# processes once in each; PSS divides them among their sharers, which
# is fairer to forking servers.  A process that is gone is skipped.
group_mem_kb() {
	local pid st=() sm=()
	for pid in $(pgrep -g "$1"); do
		st+=("/proc/$pid/status")
		sm+=("/proc/$pid/smaps_rollup")
	done
	{
		cat "${st[@]}" 2>/dev/null
		cat "${sm[@]}" 2>/dev/null
	} | awk '$1 == "VmRSS:" { r += $2 } $1 == "Pss:" { p += $2 }
	    END { print r + 0, p + 0 }'
}

# CPU time (user + system) of PID so far, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null
}

# CPU time of PID's whole process group (workers, forked children that
# are still alive) so far, in ns: the sum of every thread's time on CPU
# from /proc/P/task/T/schedstat (ns, where cpu_ticks counts 10 ms ticks).
group_cpu_ns() {
	local p
	for p in $(pgrep -g "$1"); do
		cat "/proc/$p/task/"*/schedstat 2>/dev/null
	done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

peak_rss_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

now_ns() { date +%s%N; }

# gbits BYTES NS: the rate in Gbit/s.
gbits() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.3f", b * 8 / t }'; }

# field NAME FILE: the value of NAME=value in a loadgen output line.
field() {
	tr ' ' '\n' <"$2" | sed -n "s/^$1=//p" | tail -n 1
}

# --- results ---------------------------------------------------------------

declare -A UNIT=() TARGET=() VALS=() STATE=() NOTE=()
ROWS=()

# row SCENARIO TOOL UNIT TARGET: declare a table row.  TARGET is
# "" (informative), "r>=X" / "r<=X" (ratio sockit/this anchor) or
# "v<=X" (sockit's own median).
row() {
	local k="$1|$2"
	ROWS+=("$k")
	UNIT[$k]=$3
	TARGET[$k]=$4
	VALS[$k]=
	STATE[$k]=
}

add() { VALS["$1|$2"]+=" $3"; }

# fail SCENARIO TOOL WHY [LOG]: a run that did not work; the suite fails.
fail() {
	STATE["$1|$2"]=FAIL
	NOTE["$1|$2"]=$3
	STATUS=1
	say "FAIL $1 $2: $3"
	if [ $# -gt 3 ] && [ -s "$4" ]; then
		sed 's/^/    /' "$4" | tail -n 15 >&2
	fi
}

# missing TOOL [SCEN]: TOOL's rows (in SCEN and SCEN-* only, if given)
# say "missing".
missing() {
	local k
	for k in "${ROWS[@]}"; do
		[ "${k#*|}" = "$1" ] || continue
		case ${k%%|*} in "${2:-${k%%|*}}" | "${2:-}"-*) ;; *) continue ;; esac
		STATE[$k]=missing
	done
}

median() {
	tr ' ' '\n' | grep . | sort -g | awk '
	    { v[NR] = $1 }
	    END {
		if (NR == 0) exit
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m
	    }'
}

# fmt N: a few significant digits, no exponent.
fmt() {
	awk -v v="$1" 'BEGIN {
		a = v < 0 ? -v : v
		if (a >= 1000) printf "%.0f", v
		else if (a >= 100) printf "%.1f", v
		else if (a >= 10) printf "%.2f", v
		else printf "%.3f", v
	}'
}

table() {
	local k scen tool med smed ratio tgt met op lim ok
	# The tool column fits "websockify" and "pyftpdlib".
	printf '\n%-15s %-10s %10s %-8s %7s %8s %s\n' \
	    scenario tool median unit ratio target met?
	printf '%s\n' "$(printf '%.0s-' {1..74})"
	for k in "${ROWS[@]}"; do
		scen=${k%%|*}
		tool=${k#*|}
		med=$(median <<<"${VALS[$k]}")
		smed=$(median <<<"${VALS[$scen|sockit]:-}")
		tgt=${TARGET[$k]}
		ratio=- met=-
		case ${STATE[$k]} in
		missing) med=missing ;;
		FAIL) med=FAIL ;;
		esac
		if [ "$tool" != sockit ] && [ -n "$smed" ] &&
		    [ -z "${STATE[$k]}" ] && [ -n "$med" ] &&
		    [ -z "${STATE[$scen|sockit]}" ]; then
			ratio=$(awk -v a="$smed" -v b="$med" 'BEGIN {
			    if (b <= 0) print "-"
			    else if (a / b >= 0.1) printf "%.2f", a / b
			    else printf "%.2g", a / b }')
		fi
		if [ -n "$tgt" ]; then
			op=${tgt:1:2}
			lim=${tgt:3}
			case ${tgt:0:1} in
			r) ok=$ratio ;;
			v) ok=${smed:-} ;;
			esac
			if [ -n "$QUICK" ]; then
				met="(full run)"
			elif [ "$ok" != - ] && [ -n "$ok" ] &&
			    [ -z "${STATE[$scen|sockit]}" ] &&
			    [ -z "${STATE[$k]}" ]; then
				met=$(awk -v x="$ok" -v y="$lim" -v op="$op" 'BEGIN {
				    m = op == ">=" ? x >= y : x <= y
				    print m ? "yes" : "NO" }')
			fi
			# r>=1.5 -> ">=1.5x" (a ratio), v<=64 -> "<=64"
			tgt=$op$lim
			[ "${TARGET[$k]:0:1}" = r ] && tgt+=x
		else
			tgt=-
		fi
		[ -n "$med" ] && [ "$med" != missing ] && [ "$med" != FAIL ] &&
		    med=$(fmt "$med")
		printf '%-15s %-10s %10s %-8s %7s %8s %s\n' "$scen" "$tool" \
		    "${med:--}" "${UNIT[$k]}" "$ratio" "$tgt" "$met"
	done
	for k in "${ROWS[@]}"; do
		[ -n "${NOTE[$k]:-}" ] && printf '  %s %s: %s\n' \
		    "${k%%|*}" "${k#*|}" "${NOTE[$k]}"
	done
}


# --- setup -----------------------------------------------------------------

# The python that has pyftpdlib (Debian's, when pyenv's comes first).
pyftpd_python() {
	local py
	for py in python3 /usr/bin/python3; do
		if "$py" -c 'import pyftpdlib' 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	return 1
}

# The anchors the header lists as installed or missing.
KNOWN="nc socat ncat iperf3 haproxy tcpserver stunnel4 pyftpdlib websockify node-ws"

# Debian's node-ws lives in /usr/share/nodejs, which a node from
# elsewhere (nodesource) does not search.
export NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs

have() {
	case " $SKIP " in *" $1 "*) return 1 ;; esac
	case $1 in
	nc) command -v nc >/dev/null && nc -h 2>&1 | grep -q OpenBSD ;;
	pyftpdlib) pyftpd_python >/dev/null ;;
	node-ws) command -v node >/dev/null &&
		node -e "require('ws')" >/dev/null 2>&1 ;;
	*) command -v "$1" >/dev/null ;;
	esac
}

want() { case " $ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

build() {
	local cc=${CC:-cc} cflags=${CFLAGS:--O2} src
	mkdir -p "$BUILD" || die "cannot create $BUILD"
	for src in loadgen select_echo udp_echo connread; do
		if [ ! -x "$BUILD/$src" ] || [ "$here/$src.c" -nt "$BUILD/$src" ]; then
			say "building $src"
			$cc -std=c11 $cflags -Wall -Wextra -o "$BUILD/$src" \
			    "$here/$src.c" || die "cannot build $src"
		fi
	done
}

# skbin TOOL: the binary of a sockit contender (sockit or base).
skbin() {
	[ "$1" = base ] && printf '%s\n' "$BASE" || printf '%s\n' "$SOCKIT"
}

# skrows SCEN UNIT [TARGET]: the sockit row, and the baseline's if any.
skrows() {
	row "$1" sockit "$2" "${3:-}"
	[ -n "$BASE" ] && row "$1" base "$2" ""
	return 0
}

# sockit_server BIN ARGS: a sockit server on fd 3; sets SRV (pid) and
# SRV_ADDR, or returns 1.
sockit_server() {
	spawn -r "$tmp/ready" -- "$@" --ready-fd 3
	SRV=$SPAWNED
	SRV_ERR=$SPAWN_ERR
	if ! read_ready "$tmp/ready" "$SRV"; then
		stop "$SRV"
		return 1
	fi
	# HOST:PORT for the load generators and the other tools: sockit's
	# ready line names the kind too (tls:, udp:), older builds do not.
	SRV_ADDR=${READY_ADDR#tls:}
	SRV_ADDR=${SRV_ADDR#udp:}
}

# --- what scenarios call -----------------------------------------------------

# contenders TOOL...: TOOLS becomes the installed ones, in that order;
# the others' rows say "missing".  sockit, base and the references
# built here (select, minimal, pipe, direct) and plain (ws-bridge: a
# pair of sockit TCP relays) are always there.
contenders() {
	local t
	TOOLS=()
	for t in "$@"; do
		case $t in
		sockit | base | select | minimal | pipe | direct | plain)
			TOOLS+=("$t") ;;
		*) if have "$t"; then TOOLS+=("$t"); else missing "$t"; fi ;;
		esac
	done
}

# last SCEN TOOL: the value of the latest run, for the progress lines.
last() { awk '{ print $NF }' <<<"${VALS[$1|$2]:-}"; }

# alternate SCEN CMD...: ROUNDS rounds of "CMD... TOOL" for each TOOL
# in TOOLS, in turn (A B A B ...), so drifting load hits all alike.  A
# tool whose SCEN row failed is not run again.  The progress line
# shows the tool's latest value in SCEN and in the rows SCEN-*.
alternate() {
	local scen=$1 r tool k line
	shift
	for ((r = 1; r <= ROUNDS; r++)); do
		for tool in "${TOOLS[@]}"; do
			[ "${STATE[$scen|$tool]:-}" = FAIL ] && continue
			"$@" "$tool"
			line=
			for k in "${ROWS[@]}"; do
				[ "${k#*|}" = "$tool" ] || continue
				case ${k%%|*} in "$scen" | "$scen"-*) ;; *) continue ;; esac
				line+=", ${k%%|*} $(last "${k%%|*}" "$tool") ${UNIT[$k]}"
			done
			say "round $r $tool${line#,}"
		done
	done
}

# sizes TEXT: what the scenario moves, for the header ("bulk 2048 MiB").
SIZES=
sizes() { SIZES+="${SIZES:+; }$*"; }

# The machine, at the top of every result: the CPU as lscpu names it,
# cores, kernel, and the load average (1 min) at the start and the end.
machine() {
	local model
	model=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' |
	    head -n 1)
	[ -n "$model" ] || model=$(sed -n 's/^model name[[:space:]]*: //p' \
	    /proc/cpuinfo | head -n 1)
	printf '%s, %s cores, kernel %s' "${model:-unknown CPU}" "$(nproc)" \
	    "$(uname -r)"
}
loadavg() { cut -d ' ' -f 1 /proc/loadavg; }

# --- main --------------------------------------------------------------------

# bench_setup: the helpers built, a private copy of each sockit binary
# (a rebuild while we run must not mix two versions), the scenarios
# loaded; sets ONLY.
bench_setup() {
	local t f n
	for t in python3 ss pgrep setsid; do
		command -v "$t" >/dev/null || die "$t is needed"
	done
	build
	LOADGEN=$BUILD/loadgen
	SELECT_ECHO=$BUILD/select_echo
	UDP_ECHO=$BUILD/udp_echo
	CONNREAD=$BUILD/connread
	[ -x "$SOCKIT" ] || die "no sockit binary at $SOCKIT (make src/sockit)"
	cp "$SOCKIT" "$tmp/sockit" || die "cannot copy $SOCKIT"
	VERSION=$(describe "$SOCKIT")
	SOCKIT=$tmp/sockit
	SKS=(sockit)	# the sockit contenders: the new one, maybe a baseline
	if [ -n "$BASE" ]; then
		[ -x "$BASE" ] || die "BENCH_BASELINE: no binary at $BASE"
		BASEVER=$(describe "$BASE")
		cp "$BASE" "$tmp/base" || die "cannot copy $BASE"
		BASE=$tmp/base
		SKS+=(base)
	fi
	mkfifo "$tmp/ready" "$tmp/ready2" || die "mkfifo failed"
	for f in "$here"/scenarios/*.sh; do
		n=$(basename "$f" .sh)
		case " $ORDER " in *" $n "*) ;; *) ALL+=" $n" ;; esac
	done
	ONLY=${BENCH_ONLY:-$ALL}
	for n in $ONLY; do
		case " $ALL " in *" $n "*) ;; *) die "BENCH_ONLY: no scenario $n" ;; esac
	done
	ANCHORS=
	for t in $KNOWN; do
		have "$t" && ANCHORS+=" $t"
	done
}

# describe BIN: its version line and the git revision of its tree.
describe() {
	local v rev
	v=$("$1" --version 2>&1 | head -n 1)
	rev=$(git -C "$(dirname "$1")/.." describe --always --dirty 2>/dev/null)
	printf '%s%s\n' "$v" "${rev:+ ($rev)}"
}

# The header, on stdout above the table: what ran, on what, how loaded.
header() {
	local t
	printf 'sockit benchmark: %s%s\n' "$VERSION" \
	    "${BASE:+; baseline $BASEVER}"
	printf 'machine: %s; load %s at the start, %s at the end\n' \
	    "$(machine)" "$LOAD0" "$(loadavg)"
	printf 'mode: %s, %s round(s), %s s\n' \
	    "$([ -n "$QUICK" ] && echo quick || echo full)" "$ROUNDS" \
	    $(((T1 - T0) / 1000000000))
	printf 'sizes: %s\n' "${SIZES:-none}"
	printf 'anchors:%s' "${ANCHORS:- none}"
	for t in $KNOWN; do
		have "$t" || printf ' (%s missing)' "$t"
	done
	printf '\n'
}

bench_main() {
	local s
	bench_setup
	LOAD0=$(loadavg)
	say "$VERSION${BASE:+; baseline $BASEVER}; ${QUICK:+quick mode, }$ROUNDS round(s); anchors:${ANCHORS:- none}"
	say "machine: $(machine); load $LOAD0"
	T0=$(now_ns)
	for s in $ALL; do
		want "$s" || continue
		say "scenario $s"
		"scenario_$s"
	done
	T1=$(now_ns)
	header
	table
	[ "$STATUS" = 0 ] || say "some scenarios failed; see FAIL above"
	return "$STATUS"
}
