#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Terminals: exec --pty.  Real shells on real pseudo-terminals, driven
# over real sockets by python3 and sockit itself.

load test_helper

bats_require_minimum_version 1.5.0

# A python3 client of $1 that runs the steps on its stdin: send(b".."),
# expect(rb"regex") (waits for it in all that came), eof() (waits for
# the server to close).  Prints all that came.
drive() {
	local addr=$1
	py "$addr" <<PY
s = connect(sys.argv[1], timeout=60)
got = b""
def expect(pat):
    global got
    while not re.search(pat, got):
        try:
            d = s.recv(4096)
        except OSError as e:
            d = None
            sys.exit("%s before %r; got %r" % (e, pat, got))
        if not d:
            sys.exit("EOF before %r; got %r" % (pat, got))
        got += d
def eof():
    global got
    while True:
        d = s.recv(4096)
        if not d:
            return
        got += d
send = s.sendall
$(cat)
sys.stdout.write(got.decode(errors="replace"))
PY
}

@test "exec --pty: the program's stdin, stdout and stderr are a terminal, 80x24" {
	start_server x exec 127.0.0.1:0 --pty -- sh -c \
		'tty; stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys'
	run drive "$ADDR" <<<'eof()'
	assert_success
	assert_output --regexp '/dev/pts/[0-9]+'
	assert_output --partial $'24 80\r'
	assert_output --partial $'all-ttys\r'
}

@test "exec --pty: the program leads its own session, the pty its controlling terminal" {
	start_server x exec 127.0.0.1:0 --pty -- sh -c \
		'ps -o pid=,sid=,tty= -p $$; exec </dev/tty && echo ctty-ok'
	run drive "$ADDR" <<<'eof()'
	assert_success
	# pid == sid: a session of its own; ps names its pts
	assert_output --regexp '([0-9]+) +\1 +pts/[0-9]+'
	assert_output --partial 'ctty-ok'
}

@test "exec --pty-size sets the window size" {
	start_server x exec 127.0.0.1:0 --pty --pty-size 132x43 -- stty size
	run drive "$ADDR" <<<'eof()'
	assert_success
	assert_output $'43 132\r'
}

@test "exec --pty: an interactive sh driven over the socket, echo as a terminal's, exit ends it" {
	start_server x exec 127.0.0.1:0 --pty -- sh -i
	run drive "$ADDR" <<'PY'
send(b"echo $((6*7))\n")
expect(rb"42\r\n")
send(b"cd / && echo dir=$(pwd)\n")
expect(rb"dir=/\r\n")
send(b"exit\n")
eof()
PY
	assert_success
	# the line discipline echoes what was typed
	assert_output --partial 'echo $((6*7))'
	assert_output --partial $'42\r'
}

@test "exec --pty: 0x03 interrupts the foreground job and runs the shell's trap" {
	start_server x exec 127.0.0.1:0 --pty -- sh -i
	run drive "$ADDR" <<'PY'
send(b"PS1='P$((1))> '\n")
send(b"trap 'echo caught-$((40+2))' INT\n")
send(b"echo armed-$((1+1)); sleep 600\n")
expect(rb"armed-2\r\n")
send(b"\x03")
# the shell has its prompt back: the sleep is gone, the trap ran
expect(rb"caught-42\r\nP1> ")
send(b"echo alive-$((2+3))\n")
expect(rb"alive-5")
send(b"exit\n")
eof()
PY
	assert_success
}

@test "exec --pty: the client's EOF is the terminal's end of file" {
	start_server x exec 127.0.0.1:0 --pty -- sh -c 'cat; echo cat-ended'
	run --separate-stderr "$SOCKIT" send "$ADDR" <<<'hello'
	assert_success
	# echoed by the terminal, then cat's copy, then cat saw ^D
	assert_output $'hello\r\nhello\r\ncat-ended\r'
}

@test "exec --pty: the program's exit ends the connection after all its output" {
	start_server x exec 127.0.0.1:0 --pty -- seq 1 30000
	run --separate-stderr "$SOCKIT" send "$ADDR" </dev/null
	assert_success
	[ "${#lines[@]}" -eq 30000 ]
	assert_line --index 29999 $'30000\r'
}

@test "exec --pty over TLS: a terminal for a TLS client" {
	start_server x exec --pty --self-signed tls:127.0.0.1:0 -- sh -c \
		'tty; stty size; cat'
	run --separate-stderr "$SOCKIT" send --insecure "$ADDR" <<<'typed'
	assert_success
	assert_output --regexp '/dev/pts/[0-9]+'
	assert_output --partial $'24 80\r'
	assert_output --partial $'typed\r'
}

@test "exec --pty: a client that goes hangs up the terminal; the program ends" {
	start_server x exec -v 127.0.0.1:0 --pty -- sh -c \
		'while echo tick; do sleep 0.1; done'
	py "$ADDR" <<'PY'
s = connect(sys.argv[1])
s.recv(1)
s.close()
PY
	wait_for "grep -q 'exited\|killed by signal' '$T/x.err'"
	run pgrep -P "$PID"
	assert_failure
}

@test "exec --pty-size: bad values are usage errors" {
	local v
	for v in 80 x24 80x 0x24 80x0 80x65536 abcx24 80x24x1 ''; do
		run --separate-stderr "$SOCKIT" exec --pty --pty-size "$v" \
			127.0.0.1:0 -- true
		assert_failure 2
		assert_equal "${stderr%%$'\n'*}" \
			"sockit: exec: --pty-size $v: not COLSxROWS (say 132x43)"
	done
}

@test "exec --pty-size without --pty is a usage error" {
	run --separate-stderr "$SOCKIT" exec --pty-size 80x24 127.0.0.1:0 -- true
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" "sockit: exec: --pty-size needs --pty"
}
