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

@test "exec --pty: 0x03 is SIGINT to the program: its trap runs" {
	start_server x exec 127.0.0.1:0 --pty -- sh -c \
		'trap "echo caught-\$((40+2)); exit 0" INT
		echo armed-$((1+1)); while :; do read x; done'
	run drive "$ADDR" <<'PY'
expect(rb"armed-2\r\n")
send(b"\x03")
expect(rb"caught-42\r\n")
eof()
PY
	assert_success
	assert_output --partial '^C'	# the terminal echoes it
}

@test "exec --pty: 0x03 kills a program that does not catch SIGINT; the connection ends" {
	start_server x exec -v 127.0.0.1:0 --pty -- sh -c 'echo ready; exec sleep 600'
	run drive "$ADDR" <<'PY'
expect(rb"ready\r\n")
send(b"\x03")
eof()
PY
	assert_success
	wait_for "grep -q 'killed by signal 2 ' '$T/x.err'"
}

@test "exec --pty: the client's EOF is the terminal's end of file" {
	start_server x exec 127.0.0.1:0 --pty -- sh -c 'cat; echo cat-ended'
	run --separate-stderr "$SOCKIT" send "$ADDR" <<<'hello'
	assert_success
	# echoed by the terminal, then cat's copy, then cat saw ^D
	assert_output $'hello\r\nhello\r\ncat-ended\r'
}

# A raw terminal has no end of file: a program that reads keys (a line
# editor, a full-screen program) would wait for ever; it gets a hangup,
# as when a terminal window closes.
@test "exec --pty: the client's EOF hangs up a program in raw mode; the connection ends" {
	start_server x exec -v 127.0.0.1:0 --pty -- /usr/bin/python3 -c '
import os, tty
tty.setraw(0)
os.write(1, b"raw\n")
while os.read(0, 100):
    pass'
	mkfifo "$T/in"
	"$SOCKIT" send "$ADDR" <"$T/in" >"$T/out" 2>"$T/send.err" 3>&- &
	local pid=$!
	echo "$pid" >>"$T/pids"
	exec 5>"$T/in"
	wait_for 'grep -q raw "$T/out"'
	exec 5>&-
	wait_exit "$pid" 20
	assert_equal "$STATUS" 0
	wait_for "grep -q 'killed by signal 1 ' '$T/x.err'"
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

@test "exec --pty: --hexdump shows the bytes sockit carries; -i is taken" {
	start_server x exec --hexdump -i 1h 127.0.0.1:0 --pty -- sh -c 'echo hexme'
	run drive "$ADDR" <<<'eof()'
	assert_success
	assert_output $'hexme\r'
	wait_for "grep -q 'hexme' '$T/x.err'"
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

# A python3 program that opens the pty at $1 $2 times, each time writes
# a line and prints the line that comes back.
pty_user() {
	py "$1" "$2" <<'PY'
import os
for i in range(int(sys.argv[2])):
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
    os.write(fd, b"line %d\n" % i)
    got = b""
    while not got.endswith(b"\n"):
        if not select.select([fd], [], [], 60)[0]:
            sys.exit("no answer to line %d; got %r" % (i, got))
        got += os.read(fd, 100)
    print(got.decode().rstrip("\n"))
    os.close(fd)
PY
}

@test "relay pty:PATH: a link to a raw pty; a program opens it many times, talking to TARGET" {
	start_server e echo 127.0.0.1:0
	start_server r relay "pty:$T/ttyV0" "$ADDR"
	assert_equal "$ADDR" "$T/ttyV0"
	[[ $(readlink "$T/ttyV0") == /dev/pts/* ]]
	run pty_user "$T/ttyV0" 20
	assert_success
	assert_line --index 0 'line 0'
	assert_line --index 19 'line 19'
	[ "${#lines[@]}" -eq 20 ]
	# raw: no echo, no line discipline
	run stty -F "$T/ttyV0" -a
	assert_output --partial '-icanon'
	assert_output --partial '-echo '
}

@test "relay pty: the connection to TARGET is made again after it drops" {
	start_py t one_line_each.py
	start_server r relay -v "pty:$T/ttyV0" "$ADDR"
	# (what is written while a connection is ending may be lost: the
	# next line waits until the relay saw the drop)
	local i
	for i in 1 2 3; do
		run pty_user "$T/ttyV0" 1
		assert_success
		assert_output "conn $i: line 0"
		wait_for "[ \$(grep -c 'connection closed' '$T/r.err') -eq $i ]"
	done
}

@test "relay pty: the link is removed on SIGTERM, and is never removed when it is not ours" {
	start_server e echo 127.0.0.1:0
	start_server r relay "pty:$T/ttyV0" "$ADDR"
	kill -TERM "$PID"
	wait_exit "$PID"
	assert_equal "$STATUS" 0
	assert [ ! -L "$T/ttyV0" ]
	# replaced by someone else while we run: left alone
	start_server r relay "pty:$T/ttyV0" 127.0.0.1:9
	rm "$T/ttyV0"
	ln -s /dev/null "$T/ttyV0"
	kill -TERM "$PID"
	wait_exit "$PID"
	assert_equal "$(readlink "$T/ttyV0")" /dev/null
}

@test "relay pty: PATH that exists is refused unless it is a stale pty link" {
	echo precious >"$T/file"
	run --separate-stderr "$SOCKIT" relay "pty:$T/file" 127.0.0.1:9
	assert_failure 1
	assert_equal "$stderr" \
		"sockit: relay: $T/file: exists and is not a stale pty link: left alone"
	assert_equal "$(cat "$T/file")" precious
	ln -s /etc/hostname "$T/other"
	run --separate-stderr "$SOCKIT" relay "pty:$T/other" 127.0.0.1:9
	assert_failure 1
	assert_equal "$(readlink "$T/other")" /etc/hostname
	# a live pty's link may be another sockit's
	ln -s "$(tty 2>/dev/null | grep /dev/pts/ || echo /dev/ptmx)" "$T/live"
	run --separate-stderr "$SOCKIT" relay "pty:$T/live" 127.0.0.1:9
	assert_failure 1
	# the link of a pty that is gone is stale: taken over
	ln -s /dev/pts/999999 "$T/stale"
	start_server e echo 127.0.0.1:0
	start_server r relay -v "pty:$T/stale" "$ADDR"
	[[ $(readlink "$T/stale") == /dev/pts/* ]]
	[[ $(readlink "$T/stale") != /dev/pts/999999 ]]
	grep -q "stale link to /dev/pts/999999 replaced" "$T/r.err"
	run pty_user "$T/stale" 1
	assert_output 'line 0'
}

@test "pty: is relay's LISTEN only; other uses are usage errors" {
	local c
	for c in listen echo clock; do
		run -2 "$SOCKIT" "$c" "pty:$T/p"
		assert_line --index 0 "sockit: $c: pty:$T/p: $c does not take a pty: link"
	done
	run -2 "$SOCKIT" send "pty:$T/p"
	assert_line --index 0 "sockit: send: pty:$T/p: send does not take a pty: link"
	run -2 "$SOCKIT" relay 127.0.0.1:0 "pty:$T/p"
	assert_line --index 0 "sockit: relay: pty:$T/p: relay does not take a pty: link as TARGET"
	run -2 "$SOCKIT" relay pty: 127.0.0.1:9
	assert_line --index 0 "sockit: relay: pty:: pty: needs a PATH for its link (pty:/tmp/ttyV0)"
	run -2 "$SOCKIT" relay "tls:pty:$T/p" 127.0.0.1:9
	assert_line --index 0 "sockit: relay: tls:pty:$T/p: TLS is for sockets, not terminals"
	run -2 "$SOCKIT" relay "pty:$T/p" "serial:/dev/null"
	assert_line --index 0 "sockit: relay: pty:$T/p to serial:/dev/null: a pty to a serial device is not carried"
	assert [ ! -e "$T/p" ]
}

# pty: is one terminal, not a server of clients: the production
# options of a server would be silently meaningless, so they are refused.
@test "relay pty: refuses the options of a server of clients, and --send-proxy" {
	local c
	for c in "--workers 2|--workers" "--accept-proxy|--accept-proxy" \
	    "--allow 10.0.0.0/8|--allow" "--deny 10.0.0.0/8|--deny" \
	    "--max-per-ip 3|--max-per-ip" "--allow-uid 0|--allow-uid" \
	    "-x 1|--max-conns" "-i 1|--idle-timeout"; do
		# shellcheck disable=SC2086
		run -2 "$SOCKIT" relay ${c%|*} "pty:$T/p" 127.0.0.1:9
		assert_line --index 0 "sockit: relay: ${c#*|} applies to socket servers, not to pty:"
	done
	run -2 "$SOCKIT" relay --send-proxy "pty:$T/p" 127.0.0.1:9
	assert_line --index 0 "sockit: relay: --send-proxy: not with pty:$T/p (a terminal has no address)"
	assert [ ! -e "$T/p" ]
}

# send --raw-tty $ADDR in a tmux pane of its own; $T/status gets its
# exit status, $SEND its pid, $PTS the pane's terminal.
tmux_send() {
	cat >"$T/run.sh" <<SH
"$SOCKIT" send --raw-tty "\$@" 2>"$T/send.err"
echo \$? >"$T/status"
exec sleep 600
SH
	tmux -S "$T/tmux" new-session -d -x 80 -y 24 sh "$T/run.sh" "$@"
	tmux -S "$T/tmux" display -p '#{pid}' >>"$T/pids"
	PTS=$(tmux -S "$T/tmux" display -p '#{pane_tty}')
	local sh
	sh=$(tmux -S "$T/tmux" display -p '#{pane_pid}')
	wait_for "SEND=\$(pgrep -P $sh)"
	wait_for "stty -F '$PTS' -a | grep -q -- -icanon"
}

@test "send --raw-tty: a key arrives without Enter, ^C goes to the peer, ~. leaves and puts the terminal back" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	start_server l listen 127.0.0.1:0
	tmux_send "$ADDR"
	# raw and no echo while it runs
	run stty -F "$PTS" -a
	assert_output --partial '-icanon'
	assert_output --partial '-echo '
	tmux -S "$T/tmux" send-keys a
	wait_for "grep -q a '$T/l.out'"
	tmux -S "$T/tmux" send-keys C-c
	wait_for "grep -q $'\x03' '$T/l.out'"
	kill -0 "$SEND"		# ^C went to the peer, not to us
	tmux -S "$T/tmux" send-keys '~.' Enter '~~x~y' Enter '~z' Enter '~.'
	wait_for "[ -s '$T/status' ]"
	assert_equal "$(cat "$T/status")" 0
	# after a line's start only: ~~ sent one ~, ~z went as it is, ~.
	# left; a ~. elsewhere is bytes
	assert_equal "$(od -An -c "$T/l.out" | tr -s ' \n' ' ')" \
		' a 003 ~ . \r ~ x ~ y \r ~ z \r '
	run stty -F "$PTS" -a
	assert_output --regexp '(^| )icanon'
	assert_output --regexp '(^| )echo '
}

@test "send --raw-tty: SIGTERM, SIGINT, SIGHUP and the peer's close put the terminal back" {
	command -v tmux >/dev/null || skip "tmux is not installed"
	local sig want
	start_server l listen -k 127.0.0.1:0
	for sig in TERM INT HUP; do
		tmux_send "$ADDR"
		kill -"$sig" "$SEND"
		wait_for "[ -s '$T/status' ]"
		want=0
		[ "$sig" = INT ] && want=130
		assert_equal "$(cat "$T/status")" "$want"
		run stty -F "$PTS" -a
		assert_output --regexp '(^| )icanon'
		assert_output --regexp '(^| )echo '
		tmux -S "$T/tmux" kill-server
		rm -f "$T/status"
	done
	# the peer closes: exec --pty's program ends
	start_server x exec 127.0.0.1:0 --pty -- sh -c 'read a; echo "got $a"'
	tmux_send "$ADDR"
	tmux -S "$T/tmux" send-keys hi Enter
	wait_for "[ -s '$T/status' ]"
	assert_equal "$(cat "$T/status")" 0
	run stty -F "$PTS" -a
	assert_output --regexp '(^| )icanon'
	run tmux -S "$T/tmux" capture-pane -p
	assert_output --partial 'got hi'
}

@test "send --raw-tty: without a terminal it does nothing; with -C or -m it is a usage error" {
	start_server e echo 127.0.0.1:0
	run --separate-stderr "$SOCKIT" send -v --raw-tty "$ADDR" <<<'~.x'
	assert_success
	assert_output '~.x'
	[[ $stderr == *"stdin is not a terminal: --raw-tty does nothing"* ]]
	run --separate-stderr "$SOCKIT" send --raw-tty -C "$ADDR" </dev/null
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" \
		"sockit: send: --raw-tty sends the keys as typed: -C does not apply"
	run --separate-stderr "$SOCKIT" send --raw-tty -m x "$ADDR" </dev/null
	assert_failure 2
	assert_equal "${stderr%%$'\n'*}" \
		"sockit: send: --raw-tty is for stdin: -m does not apply"
}
