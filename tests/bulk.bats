#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Bulk transfers with a regular file at an end: `send < FILE` goes out
# with sendfile(2), `listen --once > FILE` writes with splice(2) through
# a pipe of its own.  Neither end is a pipe here, so -vv's "spliced to"
# shows the kernel path was taken; every byte is compared.

load test_helper

bats_require_minimum_version 1.5.0

# file_to_file ADDR: $T/in.bin through send and listen --once into
# $T/got.bin, both with -vv; fails unless both exit 0.
file_to_file() {
	"$SOCKIT" listen --once -vv --ready-fd 4 "$1" 4>"$T/l.ready" \
		</dev/null >"$T/got.bin" 2>"$T/l.err" 3>&- &
	await_ready l $!
	lpid=$PID
	timeout 60 "$SOCKIT" send -vv "$ADDR" <"$T/in.bin" 2>"$T/s.err"
	wait_exit "$lpid" 60
	[ "$STATUS" = 0 ]
}

setup() {
	mkfifo "$T/l.ready"
}

@test "bulk: send < FILE to listen --once > FILE over TCP: 24 MB byte-exact, both in the kernel" {
	random_file "$T/in.bin" 24000000
	file_to_file 127.0.0.1:0
	cmp "$T/in.bin" "$T/got.bin"
	grep -q 'stdin: .* bytes spliced to' "$T/s.err"
	grep -q 'bytes spliced to stdout' "$T/l.err"
}

@test "bulk: send < FILE to listen --once > FILE over a unix socket: byte-exact, both in the kernel" {
	random_file "$T/in.bin" 24000000
	file_to_file "unix:$T/u.sock"
	cmp "$T/in.bin" "$T/got.bin"
	grep -q 'stdin: .* bytes spliced to' "$T/s.err"
	grep -q 'bytes spliced to stdout' "$T/l.err"
}

@test "bulk: send < FILE starts where stdin's offset is, as read(2) would" {
	random_file "$T/all.bin" 3000000
	tail -c +1001 "$T/all.bin" >"$T/in.bin"
	"$SOCKIT" listen --once --ready-fd 4 127.0.0.1:0 4>"$T/l.ready" \
		</dev/null >"$T/got.bin" 3>&- &
	await_ready l $!
	{ dd bs=1000 count=1 of=/dev/null 2>/dev/null
	  timeout 60 "$SOCKIT" send -vv "$ADDR" 2>"$T/s.err"; } <"$T/all.bin"
	wait_exit "$PID"
	cmp "$T/in.bin" "$T/got.bin"
	grep -q 'spliced to' "$T/s.err"
}

@test "bulk: listen --once >> FILE appends the ordinary way, after what was there" {
	random_file "$T/in.bin" 5000000
	echo before >"$T/got.bin"
	"$SOCKIT" listen --once -vv --ready-fd 4 127.0.0.1:0 4>"$T/l.ready" \
		</dev/null >>"$T/got.bin" 2>"$T/l.err" 3>&- &
	await_ready l $!
	timeout 60 "$SOCKIT" send "$ADDR" <"$T/in.bin"
	wait_exit "$PID"
	[ "$STATUS" = 0 ]
	[ "$(head -n 1 "$T/got.bin")" = before ]
	tail -c +8 "$T/got.bin" | cmp - "$T/in.bin"
	run ! grep -q 'spliced to' "$T/l.err"
}

@test "bulk: listen --once > FILE that cannot grow: the error on stdout said, exit 1, the prefix kept" {
	random_file "$T/in.bin" 3000000
	# A file size limit (SIGXFSZ ignored, as a shell's trap '' does):
	# the write that passes it fails with EFBIG.
	(trap '' XFSZ; ulimit -f 1000
	 exec "$SOCKIT" listen --once --ready-fd 4 127.0.0.1:0 4>"$T/l.ready" \
		</dev/null >"$T/got.bin" 2>"$T/l.err" 3>&-) &
	await_ready l $!
	lpid=$PID
	timeout 60 "$SOCKIT" send "$ADDR" <"$T/in.bin" 2>/dev/null || true
	wait_exit "$lpid"
	[ "$STATUS" = 1 ]
	[ "$(cat "$T/l.err")" = "sockit: listen: stdout: File too large" ]
	[ "$(stat -c %s "$T/got.bin")" = 1024000 ]
	cmp -n 1024000 "$T/in.bin" "$T/got.bin"
}

@test "bulk: relay between two plain sockets splices through pipes: 24 MB each way, byte-exact" {
	random_file "$T/in.bin" 24000000
	start_server e echo 127.0.0.1:0
	local eaddr=$ADDR
	start_server r relay -vv 127.0.0.1:0 "$eaddr"
	timeout 60 "$SOCKIT" send "$ADDR" <"$T/in.bin" >"$T/got.bin"
	cmp "$T/in.bin" "$T/got.bin"
	# Both ways, without a copy through sockit.
	wait_for 'grep -q "127.0.0.1:[0-9]*: .* bytes spliced to $eaddr" "$T/r.err"'
	wait_for 'grep -q "$eaddr: .* bytes spliced to 127.0.0.1:" "$T/r.err"'
}

@test "bulk: relay to a target that reads slowly: what waits in the pipe arrives, in order, then the EOF" {
	random_file "$T/in.bin" 16000000
	mkfifo "$T/o"
	# A slow reader behind the listener: the target's socket fills, and
	# the relay holds bytes in its pipe until it takes them.
	python3 "$PEERS/slow_copy.py" <"$T/o" >"$T/got.bin" 3>&- &
	rpid=$!
	echo "$rpid" >>"$T/pids"
	"$SOCKIT" listen --once --ready-fd 4 127.0.0.1:0 4>"$T/l.ready" \
		</dev/null >"$T/o" 2>"$T/l.err" 3>&- &
	await_ready l $!
	lpid=$PID
	start_server r relay 127.0.0.1:0 "$ADDR"
	timeout 120 "$SOCKIT" send "$ADDR" <"$T/in.bin"
	wait_exit "$lpid" 120
	[ "$STATUS" = 0 ]
	wait_exit "$rpid" 120
	cmp "$T/in.bin" "$T/got.bin"
}

@test "bulk: relay --hexdump sees every byte: no splice then" {
	printf 'hello\n' >"$T/in.bin"
	start_server e echo 127.0.0.1:0
	start_server r relay -vv --hexdump 127.0.0.1:0 "$ADDR"
	[ "$(timeout 20 "$SOCKIT" send "$ADDR" <"$T/in.bin")" = hello ]
	wait_for 'grep -q "68 65 6c 6c 6f" "$T/r.err"'
	run ! grep -q 'spliced to' "$T/r.err"
}
