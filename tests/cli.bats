#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# The command line: help, version, and every usage error's message and
# exit status (2), for every flag and address form.  Bad input must be
# refused before anything is bound or sent.

load test_helper

bats_require_minimum_version 1.5.0

@test "--help lists every command and exits 0" {
	run "$SOCKIT" --help
	assert_success
	for c in listen send echo clock relay help; do
		assert_output --partial "  $c "
	done
}

@test "--version and -V print the version" {
	run "$SOCKIT" --version
	assert_success
	assert_output --regexp '^sockit [0-9]+\.[0-9]+\.[0-9]+$'
	run "$SOCKIT" listen -V
	assert_success
	assert_output --regexp '^sockit [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "each command's --help, -h and 'sockit help CMD' agree" {
	for c in listen send echo clock relay; do
		run "$SOCKIT" "$c" --help
		assert_success
		assert_line --index 0 --partial "usage: sockit $c "
		local a=$output
		run "$SOCKIT" help "$c"
		assert_success
		[ "$output" = "$a" ]
		run "$SOCKIT" "$c" -h
		[ "$output" = "$a" ]
	done
}

@test "command help names the command's own options" {
	run "$SOCKIT" listen --help
	assert_output --partial "--output-delimiter"
	assert_output --partial "--ready-fd"
	run "$SOCKIT" send --help
	assert_output --partial "--message"
	assert_output --partial "--wait"
	refute_output --partial "--ready-fd"
	run "$SOCKIT" clock --help
	assert_output --partial "--interval"
	run "$SOCKIT" relay --help
	refute_output --partial "--delimiter"
}

@test "no command, an unknown command and help for an unknown one exit 2" {
	run "$SOCKIT"
	assert_failure 2
	assert_line --index 0 --partial "missing COMMAND"
	run "$SOCKIT" frobnicate
	assert_failure 2
	assert_line --index 0 "sockit: unknown command frobnicate"
	assert_line --index 1 "Try 'sockit --help'."
	run "$SOCKIT" help frobnicate
	assert_failure 2
}

@test "unknown options and missing values exit 2" {
	usage_fails listen "unknown option -q" -q 0
	usage_fails listen "unknown option --bogus" --bogus 0
	usage_fails send "option -m needs a value" 1 -m
	usage_fails listen "option --ready-fd needs a value" 0 --ready-fd
	usage_fails send "option --wait needs a value" 1 --wait
	usage_fails send "option --message needs a value" 1 --message
	# each command takes only its own options
	usage_fails send "unknown option --once" --once 1
	usage_fails relay "unknown option -d" -d x 0 1
	usage_fails echo "unknown option -m" -m x 0
}

@test "missing and extra operands exit 2" {
	usage_fails listen "missing ADDRESS"
	usage_fails send "too many arguments: c" a b c
	usage_fails relay "need LISTEN and TARGET" 0
	usage_fails relay "too many arguments: 3" 0 1 3
}

@test "bad durations for -i and -w exit 2" {
	for v in abc 5x -1 '' 1.5.2 ms 8d 999999999; do
		usage_fails send "-i $v: " -i "$v" 1
	done
	usage_fails send "unknown unit" -w 5x 1
	usage_fails relay "too large" -w 9999h 0 1
	usage_fails echo "not a duration" --idle-timeout=x 0
}

@test "bad delimiters exit 2" {
	usage_fails listen "-d : empty" -d '' 0
	usage_fails listen "unknown escape" -d '\q' 0
	usage_fails listen "two hex digits" -d '\x1' 0
	usage_fails listen "two hex digits" -d '\xzz' 0
	usage_fails send "at most 16 bytes" -d 'abcdefghijklmnopq' -m x 1
	usage_fails listen "empty" --output-delimiter '' 0
}

@test "bad --max-conns exits 2" {
	for v in 0 -1 abc 1000001 ''; do
		usage_fails echo "--max-conns $v: " --max-conns "$v" 0
		usage_fails echo "-x $v: " -x "$v" 0
	done
}

@test "bad --mode, and --mode without a unix file, exit 2" {
	for v in 999 8 abc -1 '' 1777; do
		usage_fails listen "not an octal mode" --mode "$v" "unix:$T/a.sock"
	done
	usage_fails listen "--mode applies to a unix socket file" --mode 600 0
	usage_fails listen "--mode applies to a unix socket file" --mode 600 @abs
	[ ! -e "$T/a.sock" ]
}

@test "bad --allow-uid, and --allow-uid with TCP, exit 2" {
	usage_fails echo "not a uid or a user name" --allow-uid no-such-user-xyz "unix:$T/a.sock"
	usage_fails echo "not a uid or a user name" --allow-uid -5 "unix:$T/a.sock"
	usage_fails echo "--allow-uid applies to unix sockets" --allow-uid 0 127.0.0.1:0
}

@test "bad --backend exits 2; select cannot hold more than FD_SETSIZE" {
	usage_fails echo "not select or epoll" --backend poll 0
	usage_fails echo "select() holds at most" --backend select --max-conns 5000 127.0.0.1:0
}

@test "bad --ready-fd exits 2: not a number, or not open" {
	usage_fails listen "--ready-fd abc: invalid" --ready-fd abc 0
	usage_fails listen "not an open descriptor" --ready-fd 77 0
}

@test "bad clock options exit 2" {
	usage_fails clock "must be more than 0" -I 0 0
	usage_fails clock "-I abc" -I abc 0
	usage_fails clock "-c 0: too small" -c 0 0
	usage_fails clock "-c x: invalid" -c x 0
	usage_fails clock "-f : empty" -f '' 0
}

@test "conflicting send options exit 2" {
	usage_fails send "exclude each other" --send-only --recv-only 1
	usage_fails send "exclude each other" -m x --recv-only 1
}

@test "bad TCP addresses exit 2 with the reason" {
	usage_fails listen "not a number from 0 to 65535" 65536
	usage_fails listen "not a number from 0 to 65535" 127.0.0.1:99999
	usage_fails send "not a number or a known service name" 127.0.0.1:nosuchsvc
	usage_fails send "missing port" 127.0.0.1:
	usage_fails send "needs brackets" ::1:80
	usage_fails send "bad IPv6 literal" '[::1:80'
	usage_fails send "bad IPv6 address" '[zz]:80'
	usage_fails send "port 0 is only for servers" 127.0.0.1:0
	usage_fails send "empty address" tcp:
	usage_fails send "contradicts -4/-6" -6 tcp4:127.0.0.1:80
	usage_fails send "IPv6 but IPv4 was asked" -4 '[::1]:80'
	usage_fails send "empty host" '' 80
}

@test "bad unix addresses exit 2, and a long path is never truncated" {
	usage_fails listen "empty unix socket path" unix:
	usage_fails listen "empty abstract socket name" @
	usage_fails listen "empty abstract socket name" unix:@
	long=$T/$(printf 'x%.0s' $(seq 1 120))
	usage_fails listen "unix path too long (" "$long"
	usage_fails listen "the limit is 107)" -U "$long"
	[ ! -e "$long" ]
	[ ! -e "${long:0:107}" ]
	usage_fails send "a unix address is one argument" -U host 80
}

@test "a service name is a port" {
	run "$SOCKIT" send -w 2 127.0.0.1:discard </dev/null
	# nothing listens on 9 here: a network failure, not a usage error
	assert_failure 1
	assert_output --partial "connect 127.0.0.1:9: "
}

@test "a name that does not resolve is a network failure (exit 1)" {
	run "$SOCKIT" send -m x no-such-host.invalid:80
	assert_failure 1
	assert_output --partial "sockit: send: no-such-host.invalid: "
}

# top_fails "expected text" "CMD for the Try line, or empty" ARGS...: a
# mistake before any command: exit 2, one line, then the pointer.
top_fails() {
	local want=$1 try=$2
	shift 2
	run "$SOCKIT" "$@"
	assert_failure 2
	assert_line --index 0 --partial "$want"
	if [ -n "$try" ]; then
		assert_line --index 1 "Try 'sockit $try --help'."
	else
		assert_line --index 1 "Try 'sockit --help'."
	fi
	[ "${#lines[@]}" -eq 2 ]
}

@test "nc's -l, -lp, -lk before any command point to 'sockit listen'" {
	top_fails "sockit: -l: use 'sockit listen ...'" listen -l 8080
	top_fails "sockit: -lp: use 'sockit listen ...'" listen -lp 8080
	top_fails "sockit: -lk: use 'sockit listen ...'" listen -lk 8080
	top_fails "sockit: -vlnp: use 'sockit listen ...'" listen -vlnp 8080
}

@test "options before the command: told to put them after it" {
	top_fails "sockit: -v: options go after the command: 'sockit send -v ...'" \
		send -v send 127.0.0.1:1
	top_fails "options go after the command: 'sockit echo -4 -x 3 ...'" \
		echo -4 -x 3 echo 0
	top_fails "sockit: --bogus: a COMMAND comes first" "" --bogus 0
}

@test "a misspelt command gets the likely one" {
	top_fails "sockit: unknown command lsiten; did you mean 'listen'?" "" lsiten 0
	top_fails "unknown command sned; did you mean 'send'?" "" sned 1
	top_fails "unknown command relya; did you mean 'relay'?" "" relya 0 1
	top_fails "sockit: help: unknown command ecoh; did you mean 'echo'?" "" help ecoh
	# nothing close: no guess
	top_fails "sockit: unknown command frobnicate" "" frobnicate
	refute_output --partial "did you mean"
}

@test "help: a short name gets no far-fetched guess; several commands get each help" {
	# "foo" is two edits from "ftp": no guess for so short a name
	top_fails "sockit: help: unknown command foo" "" help foo
	refute_output --partial "did you mean"
	top_fails "sockit: help: unknown command ftpp; did you mean 'ftp'?" "" help ftpp
	run -0 "$SOCKIT" help listen send
	assert_line --index 0 "usage: sockit listen [options] ADDRESS"
	assert_line "usage: sockit send [options] ADDRESS"
	# every name is checked before any help is printed
	top_fails "sockit: help: unknown command bogus" "" help listen bogus
}

@test "long options are never abbreviated: --allow-u is not --allow-uid" {
	usage_fails listen "unknown option --allow-u (did you mean --allow-uid?)" --allow-u 0 "$T/s.sock"
	usage_fails listen "unknown option --allow-u (did you mean --allow-uid?)" --allow-u=0 "$T/s.sock"
	usage_fails send "unknown option --hex (did you mean --hexdump?)" --hex 127.0.0.1:9
	usage_fails send "unknown option --idle (did you mean --idle-timeout?)" --idle 5 127.0.0.1:9
	[ ! -e "$T/s.sock" ]
	# the whole name, with its value either way, still works
	run -0 "$SOCKIT" send -z --idle-timeout=5 --wait 5 -- "127.0.0.1:$(start_server e echo 127.0.0.1:0; echo "$PORT")"
}

@test "--help=VALUE says help takes no value, not 'unknown option -h'" {
	usage_fails listen "option --help takes no value" --help=foo
	usage_fails send "option --verbose takes no value" --verbose=2 1
}

@test "ncat's long options and -o get the sockit spelling" {
	usage_fails send "unknown option --ssl: TLS is an address prefix: tls:HOST:PORT" --ssl host:443
	usage_fails listen "unknown option --exec: a program per connection is a command: 'sockit exec ADDRESS -- PROGRAM'" --exec /bin/cat 0
	usage_fails listen "unknown option --sh-exec: a program per connection is a command: 'sockit exec ADDRESS -- sh -c COMMAND'" --sh-exec cat 0
	usage_fails send "unknown option --ssl-cert: use --cert FILE" --ssl-cert=x host:443
	usage_fails send "unknown option -o: redirect stdout, or --hexdump=FILE" -o out host:80
}

@test "nc's -lvnp 4444: every nc flag named in one message" {
	usage_fails listen "nc options -l -n -p; -l: not needed: servers listen; -n: not needed: a numeric address is never looked up; -p: give the port in ADDRESS" -lvnp 4444
	usage_fails send "nc options -n -p; -n: " -vn -p 80 host
	# a letter that is a value is not an option: -d's value here
	usage_fails listen "unknown option -l: not needed" -dnp -l 0
}

@test "socat's spelling: TCP:, UNIX:, UDP: in any case; the rest told the sockit way" {
	start_server e echo 127.0.0.1:0
	run -0 "$SOCKIT" send -m hi "TCP:127.0.0.1:$PORT"
	assert_output hi
	run -0 "$SOCKIT" send -m hi "Tcp4:127.0.0.1:$PORT"
	assert_output hi
	start_server u echo "$T/e.sock"
	run -0 "$SOCKIT" send -m hi "UNIX:$T/e.sock"
	assert_output hi
	start_server d listen udp:127.0.0.1:0
	run -0 "$SOCKIT" send -m "hi by udp" "UDP:127.0.0.1:$PORT"
	wait_for 'grep -q "hi by udp" "$T/d.out"'
	usage_fails listen "TCP-LISTEN is socat's spelling; sockit says PORT or HOST:PORT for a server" TCP-LISTEN:8080,fork,reuseaddr
	usage_fails send "OPENSSL is socat's spelling; sockit says tls:HOST:PORT" OPENSSL:host:443
	usage_fails send "- is socat's spelling; sockit needs none: stdin and stdout are its other end" -- -
	usage_fails send "STDIO is socat's spelling" STDIO
	usage_fails relay "UNIX-CONNECT is socat's spelling; sockit says unix:PATH" 0 UNIX-CONNECT:/run/x.sock
	usage_fails send ",nodelay: socat's address options; sockit takes options as flags" "TCP:127.0.0.1:80,nodelay"
}

@test "a port below 1024 without the privilege says what it needs" {
	local port
	port=$(($(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) - 1))
	[ "$port" -gt 0 ]
	run -1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$SOCKIT" listen "127.0.0.1:$port"
	assert_output "sockit: listen: 127.0.0.1:$port: Permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
}

@test "nc's -p: the port goes in ADDRESS" {
	usage_fails send "unknown option -p: give the port in ADDRESS: 'sockit send HOST:PORT' or 'sockit send HOST PORT'" -p 80 host
	usage_fails listen "unknown option -p: give the port in ADDRESS: 'sockit listen 8080'" -p 8080
	usage_fails echo "give the port in ADDRESS" -p 8080
	usage_fails relay "give the ports in LISTEN and TARGET" -p 8080 h:80
	top_fails "sockit: -p: give the port in ADDRESS" "" -p 80 host
}

@test "other nc options get a one-line hint, before a command or in one" {
	local o
	# (-z -q -C -s are send's own options now: see send.bats)
	for o in e c u n X x; do
		top_fails "sockit: -$o: " "" "-$o" host 80
		# a hint, not just the name of the option
		[ "${#lines[0]}" -gt 30 ]
		# send takes -u (datagrams) and -q (wait for replies)
		case $o in u|q) continue ;; esac
		usage_fails send "unknown option -$o: " "-$o" host 80
		[ "${#lines[0]}" -gt 50 ]
	done
	# for a server, -x is --max-conns, and -l is not needed
	usage_fails listen "-x abc: invalid" -x abc 0
	usage_fails listen "unknown option -l: not needed" -l 0
}

@test "address mistakes name the real one: missing port, extra argument" {
	usage_fails send "127.0.0.1: missing port (say HOST:PORT or HOST PORT)" 127.0.0.1
	usage_fails send "[::1]: missing port" '[::1]'
	usage_fails send "127.0.0.1:: missing port (say HOST:PORT or HOST PORT)" 127.0.0.1:
	usage_fails send "localhost: not a port number or a service name; a host needs a port" localhost
	usage_fails send "too many arguments: extra (127.0.0.1:9 is a whole ADDRESS)" 127.0.0.1:9 extra
	usage_fails send "too many arguments: x" '[::1]:80' x
	usage_fails listen "too many arguments: y" "unix:$T/a.sock" y
	usage_fails send "bad IPv6 literal" '[::1]x'
	[ ! -e "$T/a.sock" ]
}

@test "relay: LISTEN and TARGET are one argument each, in the help and the errors" {
	run "$SOCKIT" relay --help
	assert_success
	assert_output --partial "LISTEN, one argument:"
	assert_output --partial "TARGET, one argument:"
	refute_output --partial "HOST PORT"
	usage_fails relay "need LISTEN and TARGET, one argument each" 0
	usage_fails relay "too many arguments: 80 (LISTEN and TARGET are one argument each: HOST:PORT)" 0 host 80
}

@test "send -m over 256 KiB in all is refused before connecting" {
	start_server l listen --once 127.0.0.1:0
	m=$(head -c 100000 /dev/zero | tr '\0' x)
	usage_fails send "-m: messages too long (300003 bytes" -m "$m" -m "$m" -m "$m" "$ADDR"
	# the server is still waiting for its one client
	run "$SOCKIT" send -m hi "$ADDR"
	assert_success
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$T/l.out")" = hi ]
}

@test "--ready-fd on stdin, stdout or stderr is refused with the reason" {
	usage_fails listen "--ready-fd 0: it is stdin, which this command reads" --ready-fd 0 0
	usage_fails listen "--ready-fd 1: it is stdout, which this command writes" --ready-fd 1 0
	usage_fails listen "--ready-fd 2: it carries the error messages" --ready-fd 2 0
	usage_fails echo "--ready-fd 2: it carries the error messages" --ready-fd 2 0
	usage_fails clock "--ready-fd 2: it carries the error messages" --ready-fd 2 0
	usage_fails relay "--ready-fd 2: it carries the error messages" --ready-fd 2 0 1
}

@test "relay with select: --max-conns counts two descriptors per pair" {
	usage_fails relay "--max-conns 1000: select() holds at most 504 client pairs; use --backend epoll" \
		--backend select --max-conns 1000 127.0.0.1:0 127.0.0.1:1
	usage_fails echo "select() holds at most 1008;" --backend select --max-conns 1009 127.0.0.1:0
}

@test "clock -f: 1024 bytes of output are accepted, 1025 refused" {
	usage_fails clock "formats to nothing, or to more than 1024 bytes" \
		-f "$(printf 'x%.0s' $(seq 1 1025))" 127.0.0.1:0
	start_server k clock -f "$(printf 'x%.0s' $(seq 1 1024))" -c 1 127.0.0.1:0
	py "$ADDR" <<'PY'
s = connect(sys.argv[1])
if recv_all(s) != b"x" * 1024 + b"\n":
    fail("not the 1024-byte tick")
PY
}

@test "--mode takes 1 to 4 octal digits and nothing else" {
	for v in ' 600' '+600' '-0' '0x1' '' '600 ' '06000' '0o7'; do
		usage_fails listen "not an octal mode" --mode "$v" "unix:$T/no/a.sock"
	done
	start_server l listen --mode 0640 "unix:$T/a.sock"
	[ "$(stat -c %a "$T/a.sock")" = 640 ]
}

@test "SOCKIT_BACKEND sets the default --backend; bad values are named; --backend wins" {
	SOCKIT_BACKEND=poll run "$SOCKIT" echo 127.0.0.1:0
	assert_failure 2
	assert_line --index 0 "sockit: echo: SOCKIT_BACKEND=poll: not select or epoll"
	assert_line --index 1 "Try 'sockit echo --help'."
	# select from the environment meets the select limit
	SOCKIT_BACKEND=select run "$SOCKIT" echo --max-conns 5000 127.0.0.1:0
	assert_failure 2
	assert_output --partial "select() holds at most"
	# the command line wins
	SOCKIT_BACKEND=select start_server e echo --backend epoll --max-conns 5000 127.0.0.1:0
	[ "$(printf 'hi\n' | "$SOCKIT" send "$ADDR")" = hi ]
	# a client does not care
	SOCKIT_BACKEND=poll run "$SOCKIT" send -m x "$ADDR"
	assert_success
}

# stop_with SIG: send SIG to the server started as $PID; sets STATUS.
stop_with() {
	kill -s "$1" "$PID"
	wait_exit "$PID"
}

@test "Ctrl-C: servers clean up, then die by SIGINT (130); SIGTERM exits 0" {
	local sig c want
	for sig in INT TERM; do
		want=0; [ $sig = TERM ] || want=130
		for c in listen echo clock; do
			start_server "$c$sig" "$c" "unix:$T/$c.sock"
			[ -S "$T/$c.sock" ]
			stop_with $sig
			[ "$STATUS" -eq $want ] || { echo "$c SIG$sig: $STATUS"; return 1; }
			[ ! -e "$T/$c.sock" ] || { echo "$c SIG$sig: file left"; return 1; }
		done
		start_server "relay$sig" relay "unix:$T/r.sock" 127.0.0.1:1
		stop_with $sig
		[ "$STATUS" -eq $want ] || { echo "relay SIG$sig: $STATUS"; return 1; }
		[ ! -e "$T/r.sock" ]
	done
}

@test "Ctrl-C: send dies by SIGINT (130); SIGTERM exits 0" {
	local sig want
	for sig in INT TERM; do
		want=0; [ $sig = TERM ] || want=130
		start_py "srv$sig" accepted.py
		"$SOCKIT" send --recv-only "$ADDR" >"$T/out$sig" 3>&- &
		pid=$!
		# the greeting is on stdout: send is in its loop, signals set
		# (a file of its own: the last round's may still say hi)
		wait_for "grep -q hi '$T/out$sig'"
		kill -s $sig "$pid"
		wait_exit "$pid"
		[ "$STATUS" -eq $want ] || { echo "SIG$sig: $STATUS"; return 1; }
	done
}
