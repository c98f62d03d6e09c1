#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# Every command crossed with every kind of address: it works, or it is
# refused with exit 2 and one clear line.  No command may take a kind
# it cannot serve and then ignore it (wait udp: reporting ready with
# nothing listening, as wall tls: once talked plaintext to a TLS server).

load test_helper

bats_require_minimum_version 1.5.0

KINDS="tcp unix abstract udp unixgram tls ws systemd"

# addr_for KIND: a server address of that kind (port 0, a path in $T).
addr_for() {
	case $1 in
	tcp) echo 127.0.0.1:0 ;;
	unix) echo "unix:$T/k.sock" ;;
	abstract) echo "@sockit-kinds-$$-$BATS_TEST_NUMBER" ;;
	udp) echo udp:127.0.0.1:0 ;;
	unixgram) echo "unixgram:$T/g.sock" ;;
	tls) echo tls:127.0.0.1:0 ;;
	ws) echo ws://127.0.0.1:0/ ;;
	systemd) echo systemd ;;
	esac
}

# peer_for KIND: where a client reaches the echo server echo_of started.
peer_for() {
	case $1 in
	tcp) echo "127.0.0.1:$PORT" ;;
	udp) echo "udp:127.0.0.1:$PORT" ;;
	tls) echo "tls:127.0.0.1:$PORT" ;;
	ws) echo "ws://127.0.0.1:$PORT/" ;;
	*) addr_for "$1" ;;
	esac
}

# echo_of KIND: a sockit echo server of that kind.
echo_of() {
	local tls=()
	[ "$1" = tls ] && tls=(--self-signed)
	start_server e echo "${tls[@]}" "$(addr_for "$1")"
	PORT=${PORT%/}
}

# refused CMD ARGS...: exit 2, the reason on one line, the pointer to help.
refused() {
	local cmd=$1
	run -2 "$SOCKIT" "$@"
	assert_line --index 0 --regexp "^sockit: $cmd: .*: $cmd does not take "
	assert_line --index 1 "Try 'sockit $cmd --help'."
	[ "${#lines[@]}" -eq 2 ]
}

# serves CMD "KINDS IT TAKES" ARGS...: each taken kind starts and says
# where it listens; each other kind is refused.  systemd, with no
# socket passed, is taken but fails at run time (tests/systemd.bats
# serves it for real).
serves() {
	local cmd=$1 takes=" $2 " k a tls
	shift 2
	for k in $KINDS; do
		a=$(addr_for "$k")
		tls=()
		[ "$k" = tls ] && [[ $takes == *" tls "* ]] && tls=(--self-signed)
		if [[ $takes != *" $k "* ]]; then
			refused "$cmd" "${tls[@]}" "$a" "$@"
		elif [ "$k" = systemd ]; then
			run -1 env -u LISTEN_FDS "$SOCKIT" "$cmd" "$a" "$@"
			assert_output --partial systemd
		else
			start_server "s-$k" "$cmd" "${tls[@]}" "$a" "$@"
			[ -n "$ADDR" ]
			kill_servers
		fi
	done
}

@test "listen, echo: every kind of address" {
	serves listen "tcp unix abstract udp unixgram tls ws systemd"
	serves echo "tcp unix abstract udp unixgram tls ws systemd"
}

@test "clock, exec: streams, TLS, WebSocket and systemd; datagrams refused" {
	serves clock "tcp unix abstract tls ws systemd"
	serves exec "tcp unix abstract tls ws systemd" -- cat
}

@test "ftp: TCP and TLS (implicit FTPS); PASV and PORT name an IP address" {
	serves ftp "tcp tls" -r "$T"
}

# dgram_roundtrip TEXT LISTEN: one datagram to the relay at LISTEN (as
# started above), and the one that comes back.
dgram_roundtrip() {
	py "$1" "${2/:0/:$PORT}" <<'EOF'
import socket, sys
a = sys.argv[2]
if a.startswith("udp:"):
    host, port = a[4:].rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dest = (host, int(port))
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("")	# autobind, so that the reply can come back
    dest = a[len("unixgram:"):]
s.settimeout(20)
s.sendto(sys.argv[1].encode(), dest)
print(s.recv(1000).decode())
EOF
}

@test "relay: LISTEN takes every kind, TARGET every kind but systemd" {
	local k l tls
	# LISTEN of each kind, to a TARGET of the same sort.
	for k in tcp unix abstract tls ws udp unixgram; do
		l=127.0.0.1:9
		case $k in udp) l=udp:127.0.0.1:9 ;; unixgram) l="unixgram:$T/t.sock" ;; esac
		tls=()
		[ "$k" = tls ] && tls=(--self-signed)
		start_server "r-$k" relay "${tls[@]}" "$(addr_for "$k")" "$l"
		[ -n "$ADDR" ]
		kill_servers
	done
	run -1 env -u LISTEN_FDS "$SOCKIT" relay systemd 127.0.0.1:9
	assert_output --partial systemd
	# TARGET of each kind: a byte passes through each.
	for k in tcp unix abstract tls ws udp unixgram; do
		echo_of "$k"
		l=127.0.0.1:0
		case $k in udp) l=udp:127.0.0.1:0 ;; unixgram) l="unixgram:$T/l.sock" ;; esac
		tls=()
		[ "$k" = tls ] && tls=(--insecure)
		start_server "r-$k" relay "${tls[@]}" "$l" "$(peer_for "$k")"
		case $k in
		udp|unixgram) run -0 dgram_roundtrip "via $k" "$l" ;;
		*) run -0 timeout 20 "$SOCKIT" send -m "via $k" "127.0.0.1:$PORT" ;;
		esac
		assert_output "via $k"
		kill_servers
	done
	refused relay 127.0.0.1:0 systemd
}

# dials CMD "KINDS IT TAKES" ARGS...: against an echo server of each
# taken kind it succeeds; each other kind is refused before any I/O.
dials() {
	local cmd=$1 takes=" $2 " k tls
	shift 2
	for k in tcp unix abstract udp unixgram tls ws; do
		if [[ $takes != *" $k "* ]]; then
			refused "$cmd" "$@" "$(addr_for "$k" | sed 's/:0$/:9/')"
			continue
		fi
		echo_of "$k"
		tls=()
		[ "$k" = tls ] && tls=(--insecure)
		run -0 timeout 20 "$SOCKIT" "$cmd" "${tls[@]}" "$@" "$(peer_for "$k")"
		kill_servers
	done
	refused "$cmd" "$@" systemd:x
}

@test "send: every kind a client can reach; systemd refused" {
	dials send "tcp unix abstract udp unixgram tls ws" -m hi
}

@test "wait: streams, TLS and WebSocket; datagrams and systemd refused" {
	dials wait "tcp unix abstract tls ws" -t 20
}

@test "wall: streams, TLS and WebSocket; datagrams and systemd refused" {
	dials wall "tcp unix abstract tls ws" -c 1
}

@test "options a command does not use are refused, not ignored" {
	run -2 "$SOCKIT" wait -i 5 127.0.0.1:9
	assert_line --index 0 "sockit: wait: unknown option -i"
	run -2 "$SOCKIT" wait --idle-timeout 5 127.0.0.1:9
	run -2 "$SOCKIT" clock -u 127.0.0.1:0
	run -2 "$SOCKIT" wall --cert x 127.0.0.1:9
}

# nc takes netcat's HOST PORT with its flags for the kind (-U, -u), and
# never one of sockit's address forms, which netcat would not resolve.
@test "nc: TCP, unix with -U, and no sockit address form" {
	local form tcp
	start_server e echo 127.0.0.1:0
	tcp=$PORT
	run -0 "$SOCKIT" nc -z 127.0.0.1 "$tcp"
	start_server u echo "unix:$T/k.sock"
	run -0 "$SOCKIT" nc -zU "$T/k.sock"
	PORT=$tcp
	for form in "tls:127.0.0.1" "udp:127.0.0.1" "unix:$T/k.sock"; do
		run -1 "$SOCKIT" nc -z "$form" "$PORT"
		assert_output "nc: getaddrinfo for host \"$form\" port $PORT: Name or service not known"
	done
}

@test "serial: send and relay's TARGET take it; every other role refuses it" {
	refused listen serial:/dev/ttyS0
	refused echo serial:/dev/ttyS0
	refused clock serial:/dev/ttyS0
	refused exec serial:/dev/ttyS0 -- cat
	refused ftp -r "$T" serial:/dev/ttyS0
	refused wait serial:/dev/ttyS0
	refused wall -c 1 serial:/dev/ttyS0
	refused relay serial:/dev/ttyS0 127.0.0.1:9
	# taken: opened for real against a pty pair in tests/serial.bats
	run -2 "$SOCKIT" send "serial:$T/none"
	assert_output --partial "$T/none: No such file or directory"
	run -2 "$SOCKIT" relay 127.0.0.1:0 "serial:$T/none"
	assert_output --partial "$T/none: No such file or directory"
}

@test "pty: relay's LISTEN takes it; every other role refuses it" {
	refused listen "pty:$T/p"
	refused echo "pty:$T/p"
	refused clock "pty:$T/p"
	refused exec "pty:$T/p" -- cat
	refused ftp -r "$T" "pty:$T/p"
	refused send "pty:$T/p"
	refused wait "pty:$T/p"
	refused wall -c 1 "pty:$T/p"
	refused relay 127.0.0.1:0 "pty:$T/p"
	assert [ ! -e "$T/p" ]
	# taken: a program talks through it for real in tests/pty.bats
	start_server r relay "pty:$T/p" 127.0.0.1:9
	[[ $(readlink "$T/p") == /dev/pts/* ]]
}
