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
