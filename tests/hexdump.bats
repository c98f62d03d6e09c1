#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# --hexdump: every chunk both ways as offset, hex and ASCII under a
# header line, to stderr or to a file; what is sent is not changed.

load test_helper

bats_require_minimum_version 1.5.0

# The dump lines of a known message, as they must read.
HELLO_HEX='00000000  68 65 6c 6c 6f 01 1b 5b  32 4a 77 6f 72 6c 64 0a  |hello..[2Jworld.|'

@test "send --hexdump shows what it sent and what came back, on stderr" {
	start_server e echo 127.0.0.1:0
	printf 'hello\001\033[2Jworld\n' >"$T/in"
	timeout 20 "$SOCKIT" send --hexdump "$ADDR" <"$T/in" >"$T/out" 2>"$T/err"
	cmp "$T/in" "$T/out"
	grep -qE "^> $ADDR 16 bytes [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[-+][0-9]{4}\$" "$T/err"
	grep -qE "^< $ADDR 16 bytes " "$T/err"
	[ "$(grep -cxF -- "$HELLO_HEX" "$T/err")" -eq 2 ]
	# No control byte of the data reaches the terminal raw.
	! grep -q $'\033' "$T/err"
}

@test "--hexdump=FILE appends to FILE, offsets count from the stream start, stdout is untouched" {
	start_server e echo 127.0.0.1:0
	echo "an earlier line" >"$T/dump"
	timeout 20 "$SOCKIT" send --hexdump="$T/dump" -m abcdefghijklmnopqrstuvwxyz -m second "$ADDR" \
		>"$T/out" 2>"$T/err"
	[ "$(cat "$T/out")" = "$(printf 'abcdefghijklmnopqrstuvwxyz\nsecond\n')" ]
	[ ! -s "$T/err" ]
	[ "$(head -1 "$T/dump")" = "an earlier line" ]
	grep -qxF '00000000  61 62 63 64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 70  |abcdefghijklmnop|' "$T/dump"
	grep -qxF '00000010  71 72 73 74 75 76 77 78  79 7a 0a 73 65 63 6f 6e  |qrstuvwxyz.secon|' "$T/dump"
	grep -qxF '00000020  64 0a                                             |d.|' "$T/dump"
}

@test "echo --hexdump shows the client's bytes received and sent back" {
	start_server e echo --hexdump 127.0.0.1:0
	printf 'hello\001\033[2Jworld\n' | timeout 20 nc -N 127.0.0.1 "$PORT" >"$T/out"
	[ "$(cat "$T/out")" = "$(printf 'hello\001\033[2Jworld')" ]
	wait_for 'grep -q "^> 127.0.0.1:[0-9]* 16 bytes" "$T/e.err"'
	grep -q "^< 127.0.0.1:[0-9]* 16 bytes" "$T/e.err"
	[ "$(grep -cxF -- "$HELLO_HEX" "$T/e.err")" -eq 2 ]
}

@test "listen --hexdump=FILE dumps a client's bytes, stdout gets them unchanged" {
	start_server l listen --hexdump="$T/dump" 127.0.0.1:0
	printf 'hello\001\033[2Jworld\n' | timeout 20 nc -N 127.0.0.1 "$PORT"
	wait_for '[ "$(cat "$T/l.out")" = "$(printf "hello\001\033[2Jworld")" ]'
	wait_for 'grep -qxF -- "$HELLO_HEX" "$T/dump"'
	grep -q "^< 127.0.0.1:[0-9]* 16 bytes" "$T/dump"
	[ ! -s "$T/l.err" ]
}

@test "relay --hexdump shows both sides: the client and the target" {
	start_server e echo 127.0.0.1:0
	local target=$ADDR
	start_server r relay --hexdump 127.0.0.1:0 "$target"
	printf 'hello\001\033[2Jworld\n' | timeout 20 nc -N 127.0.0.1 "$PORT" >"$T/out"
	[ "$(cat "$T/out")" = "$(printf 'hello\001\033[2Jworld')" ]
	wait_for '[ "$(grep -cxF -- "$HELLO_HEX" "$T/r.err")" -eq 4 ]'
	grep -q "^> $target 16 bytes" "$T/r.err"
	grep -q "^< $target 16 bytes" "$T/r.err"
	grep -q "^< 127.0.0.1:[0-9]* 16 bytes" "$T/r.err"
}

@test "--hexdump=FILE that cannot be opened is an error before connecting" {
	run -1 "$SOCKIT" send --hexdump="$T/no/such/dir" -m x 127.0.0.1:1
	[ "$output" = "sockit: send: --hexdump $T/no/such/dir: No such file or directory" ]
	run -2 "$SOCKIT" send --hexdump= -m x 127.0.0.1:1
	[[ $output == *"--hexdump : an empty FILE"* ]]
}
