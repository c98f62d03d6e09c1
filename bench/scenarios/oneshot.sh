# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# oneshot: ONESHOT_N processes in a row, each sending "x\n" to a unix
# sockit listen --recv-only; ms per process (fork and exec included,
# the same for all).  The listener must get every byte.

ONESHOT_N=$(pick 20 200)

# oneshot_run PATH TOOL: ONESHOT_N processes in a row; counts SENT.
oneshot_run() {
	local path=$1 tool=$2 t0 t1 rc in=/dev/null cmd
	case $tool in
	sockit | base) cmd=("$(skbin "$tool")" send -m x "unix:$path") ;;
	nc) cmd=(nc -NU "$path"); in=$tmp/x ;;
	socat) cmd=(socat - "UNIX-CONNECT:$path"); in=$tmp/x ;;
	esac
	t0=$(now_ns)
	# The loop runs in one child so a hang is bounded by wait_for.
	spawn -e "$tmp/oneshot.err" -- bash -c '
	    n=$1 in=$2
	    shift 2
	    for ((i = 0; i < n; i++)); do
		    "$@" <"$in" >/dev/null || exit 1
	    done' oneshot "$ONESHOT_N" "$in" "${cmd[@]}"
	wait_for "$SPAWNED" 120
	rc=$?
	t1=$(now_ns)
	if [ "$rc" != 0 ]; then
		fail oneshot "$tool" "a send failed or hung (rc $rc)" "$tmp/oneshot.err"
		return 1
	fi
	SENT=$((SENT + ONESHOT_N))
	add oneshot "$tool" "$(awk -v t=$((t1 - t0)) -v n="$ONESHOT_N" \
	    'BEGIN { printf "%.3f", t / n / 1e6 }')"
}

scenario_oneshot() {
	local path=$tmp/oneshot.sock out=$tmp/oneshot.out got i lpid
	sizes "one-shot $ONESHOT_N processes"
	skrows oneshot ms/proc
	row oneshot nc ms/proc "r<=1.0"
	row oneshot socat ms/proc ""
	printf 'x\n' >"$tmp/x"
	spawn -o "$out" -r "$tmp/ready" -- "$SOCKIT" listen --recv-only \
	    --ready-fd 3 "unix:$path"
	lpid=$SPAWNED
	if ! read_ready "$tmp/ready" "$lpid"; then
		fail oneshot sockit "listener did not start" "$SPAWN_ERR"
		stop "$lpid"
		return
	fi
	SENT=0
	contenders "${SKS[@]}" nc socat
	alternate oneshot oneshot_run "$path"
	# Every process's "x\n" must have reached the listener's stdout;
	# each send exited after its peer took the bytes, so they come: a
	# loaded machine may only be slow to write them out (60 s bound).
	for ((i = 0; i < 1200; i++)); do
		got=$(wc -c <"$out")
		[ "$got" -ge $((2 * SENT)) ] && break
		sleep 0.05
	done
	stop "$lpid"
	if [ "$got" != $((2 * SENT)) ] || [ -n "$(tr -d 'x\n' <"$out")" ]; then
		fail oneshot sockit "listener got $got bytes, want $((2 * SENT))"
	fi
}
