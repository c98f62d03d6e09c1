# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# bulk-file-tcp, bulk-file-unix: as bulk, but from a regular file on
# the sender's stdin into a regular file on the listener's stdout
# (sockit: sendfile, and splice through a pipe); Gbit/s from the
# sender's start until the listener has exited.  The file is BULK
# bytes of loadgen's pattern (less if the disk is short), and the
# output is checked with loadgen sink after the clock stops.

# bulk_file_run FAM TOOL: one transfer, checked.
bulk_file_run() {
	local fam=$1 tool=$2 scen=bulk-file-$1 t0 t1 rc out=$tmp/bf.out
	local err=$tmp/bf.err
	rm -f "$out" "$tmp/bulk.sock"
	if ! bulk_listen "$fam" "$tool" "$out"; then
		fail "$scen" "$tool" "listener did not start" "$SPAWN_ERR"
		stop "$LPID"; return
	fi
	t0=$(now_ns)
	timeout -k 2 300 "${SENDER[@]}" <"$tmp/bf.in" >/dev/null 2>"$err"
	rc=$?
	wait_for "$LPID" 30
	rc="$rc $?"
	t1=$(now_ns)
	if [ "$rc" != "0 0" ] ||
	    [ "$("$LOADGEN" sink -n "$BFILE" <"$out" | tr ' ' '\n' |
	    sed -n 's/^bytes=//p')" != "$BFILE" ]; then
		fail "$scen" "$tool" "transfer failed (exit status of sender, listener: $rc; or wrong bytes)" "$err"
		return
	fi
	add "$scen" "$tool" "$(gbits "$BFILE" $((t1 - t0)))"
}

scenario_bulk-file() {
	local fam avail
	# Twice on disk (in and out): at most a quarter of the free space.
	avail=$(df -Pk "$tmp" | awk 'NR == 2 { printf "%.0f", $4 * 1024 }')
	BFILE=$BULK
	[ "$BFILE" -gt $((avail / 4)) ] && BFILE=$((avail / 4 >> 20 << 20))
	sizes "bulk-file $((BFILE >> 20)) MiB"
	for fam in tcp unix; do
		skrows "bulk-file-$fam" Gbit/s
		row "bulk-file-$fam" nc Gbit/s "r>=2.0"
		row "bulk-file-$fam" socat Gbit/s ""
	done
	if ! "$LOADGEN" gen -n "$BFILE" >"$tmp/bf.in"; then
		fail bulk-file-tcp sockit "cannot write the file"
		return
	fi
	contenders "${SKS[@]}" nc socat
	for fam in tcp unix; do
		alternate "bulk-file-$fam" bulk_file_run "$fam"
	done
	rm -f "$tmp/bf.in" "$tmp/bf.out"
}
