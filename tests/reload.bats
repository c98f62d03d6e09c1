#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# SIGUSR1 on a TLS server reads --cert, --key and --cacert again for new
# clients (a renewed certificate) while the clients it has go on; a bad
# new file is logged and the old certificate kept.  Seen by openssl
# s_client, with a python client holding a connection across.

load test_helper
bats_require_minimum_version 1.5.0

setup_file() {
	local d=$BATS_FILE_TMPDIR/pki ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
	mkdir -p "$d"
	cd "$d"
	for n in first second; do
		openssl req -x509 $ec -keyout "$n.key" -out "$n.pem" -days 30 \
		    -subj "/CN=$n" 2>/dev/null
	done
}

setup() {
	P=$BATS_FILE_TMPDIR/pki
	cp "$P/first.pem" "$T/live.pem"
	cp "$P/first.key" "$T/live.key"
}

# subject [STARTTLS]: the subject of the certificate at 127.0.0.1:$PORT.
subject() {
	openssl s_client -connect "127.0.0.1:$PORT" ${1:+-starttls "$1"} </dev/null 2>/dev/null |
	    openssl x509 -noout -subject
}

# renew NAME: the live files become NAME's, as a renewal would leave them.
renew() {
	cp "$P/$1.pem" "$T/live.pem.new" && mv "$T/live.pem.new" "$T/live.pem"
	cp "$P/$1.key" "$T/live.key.new" && mv "$T/live.key.new" "$T/live.key"
}

@test "SIGUSR1: new clients get the new certificate, a connection from before goes on" {
	start_server e echo -v --cert "$T/live.pem" --key "$T/live.key" tls:127.0.0.1:0
	run subject
	assert_output "subject=CN = first"
	mkfifo "$T/go" "$T/went"
	# A client from before: one line now, one after the reload.
	py "$ADDR" "$T" >"$T/old.out" 2>&1 3>&- <<'PYEOF' &
import ssl
c = unverified_tls().wrap_socket(connect(sys.argv[1]))
c.sendall(b"before\n")
print(recv_exactly(c, 7).decode(), end="", flush=True)
open(sys.argv[2] + "/went", "w").close()
open(sys.argv[2] + "/go").read()
c.sendall(b"after\n")
print(recv_exactly(c, 6).decode(), end="", flush=True)
PYEOF
	local client=$!
	echo "$client" >>"$T/pids"
	# (if the client died first, its output says why)
	timeout 20 cat "$T/went" || { cat "$T/old.out"; false; }
	renew second
	kill -USR1 "$PID"
	wait_for 'grep -q "SIGUSR1: TLS files read again" "$T/e.err"'
	run subject
	assert_output "subject=CN = second"
	echo >"$T/go"
	wait_exit "$client"
	[ "$STATUS" -eq 0 ]
	run cat "$T/old.out"
	assert_output "before
after"
	kill -0 "$PID"
}

@test "SIGUSR1 with a bad new file: logged, the old certificate kept" {
	start_server e echo --cert "$T/live.pem" --key "$T/live.key" tls:127.0.0.1:0
	echo "not a certificate" >"$T/live.pem"
	kill -USR1 "$PID"
	wait_for 'grep -q "keeping the certificate in use" "$T/e.err"'
	run cat "$T/e.err"
	assert_output --partial "sockit: echo: SIGUSR1: "
	assert_output --partial "live.pem"
	run subject
	assert_output "subject=CN = first"
	# A key that is not the certificate's is refused too.
	cp "$P/second.pem" "$T/live.pem"
	kill -USR1 "$PID"
	wait_for '[ "$(grep -c "keeping the certificate in use" "$T/e.err")" -eq 2 ]'
	run subject
	assert_output "subject=CN = first"
	renew second
	kill -USR1 "$PID"
	wait_for 'subject | grep -q second'
}

@test "SIGUSR1 reloads explicit FTPS (AUTH TLS) too" {
	mkdir "$T/root"
	start_server f ftp -v --cert "$T/live.pem" --key "$T/live.key" -r "$T/root" 127.0.0.1:0
	run subject ftp
	assert_output "subject=CN = first"
	renew second
	kill -USR1 "$PID"
	wait_for 'grep -q "SIGUSR1: TLS files read again" "$T/f.err"'
	run subject ftp
	assert_output "subject=CN = second"
}

@test "SIGUSR1 does not stop a server without TLS, nor does it stop relay" {
	start_server e echo -v 127.0.0.1:0
	kill -USR1 "$PID"
	wait_for 'grep -q "SIGUSR1: no TLS to reload" "$T/e.err"'
	run "$SOCKIT" send -w 10s "$ADDR" <<<"still here"
	assert_output "still here"
	start_server r relay -v --cert "$T/live.pem" --key "$T/live.key" tls:127.0.0.1:0 "$ADDR"
	renew second
	kill -USR1 "$PID"
	wait_for 'grep -q "SIGUSR1: TLS files read again" "$T/r.err"'
	run subject
	assert_output "subject=CN = second"
}
