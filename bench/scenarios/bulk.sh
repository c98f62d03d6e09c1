# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# bulk-tcp, bulk-unix: BULK bytes from loadgen gen through a sender into
# a one-client listener into loadgen sink (which checks every byte);
# Gbit/s from the sender's start until listener and sink have exited.
# The pipe row is gen straight into the sink, no socket: the ceiling.

BULK=$(pick $((64 << 20)) $((2 << 30)))

# bulk_run FAM TOOL: one transfer; checks the sink's count and every
# exit status (gen, sender, listener, sink), adds Gbit/s.
bulk_run() {
	local fam=$1 tool=$2 scen=bulk-$1 spid serr lerr=/dev/null t0 t1 rc
	local pipe=$tmp/bulk.pipe out=$tmp/bulk.out err=$tmp/bulk.err
	rm -f "$pipe" "$out" "$tmp/bulk.sock"
	mkfifo "$pipe"
	spawn -i "$pipe" -o "$out" -- "$LOADGEN" sink -n "$BULK"
	spid=$SPAWNED serr=$SPAWN_ERR
	LPID= SENDER=(cat)	# pipe: gen | cat > sink would add a copy
	if [ "$tool" != pipe ] && ! bulk_listen "$fam" "$tool" "$pipe"; then
		fail "$scen" "$tool" "listener did not start" "$SPAWN_ERR"
		stop "$LPID"; stop "$spid"; return
	fi
	lerr=$SPAWN_ERR
	t0=$(now_ns)
	if [ "$tool" = pipe ]; then
		timeout -k 2 300 "$LOADGEN" gen -n "$BULK" >"$pipe"
		rc=("$?" 0 0)
	else
		timeout -k 2 300 "$LOADGEN" gen -n "$BULK" |
		    timeout -k 2 300 "${SENDER[@]}" >/dev/null 2>"$err"
		rc=("${PIPESTATUS[@]}")
		wait_for "$LPID" 30
		rc+=($?)
	fi
	wait_for "$spid" 30
	rc+=($?)
	t1=$(now_ns)
	cat "$serr" "$lerr" >>"$err" 2>/dev/null
	if [ "${rc[*]}" != "0 0 0 0" ] || [ "$(field bytes "$out")" != "$BULK" ]; then
		fail "$scen" "$tool" "transfer failed (exit status of gen, sender, listener, sink: ${rc[*]}; sink: $(tr '\n' ' ' <"$out"))" "$err"
		return
	fi
	add "$scen" "$tool" "$(gbits "$BULK" $((t1 - t0)))"
}

scenario_bulk() {
	local fam
	sizes "bulk $((BULK >> 20)) MiB"
	for fam in tcp unix; do
		skrows "bulk-$fam" Gbit/s
		row "bulk-$fam" pipe Gbit/s "r>=0.6"
		row "bulk-$fam" nc Gbit/s "r>=2.0"
		row "bulk-$fam" socat Gbit/s ""
		row "bulk-$fam" ncat Gbit/s ""
	done
	contenders "${SKS[@]}" pipe nc socat ncat
	for fam in tcp unix; do
		alternate "bulk-$fam" bulk_run "$fam"
	done
}
