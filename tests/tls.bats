#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# TLS on every stream address: verification by default, servers with
# certificates, mutual TLS, relays that terminate or originate TLS, and
# the bad input a TLS port gets.  Peers: openssl s_client, curl, socat
# OPENSSL:, Python's ssl.  The certificates are made once per file.

load test_helper
bats_require_minimum_version 1.5.0

setup_file() {
	local d=$BATS_FILE_TMPDIR/pki ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
	mkdir -p "$d"
	cd "$d"
	# A CA, a stranger CA, and certificates they sign.
	openssl req -x509 $ec -keyout ca.key -out ca.pem -days 30 \
	    -subj /CN=sockit-test-ca 2>/dev/null
	openssl req -x509 $ec -keyout stranger.key -out stranger.pem -days 30 \
	    -subj /CN=stranger-ca 2>/dev/null
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >srv.ext
	printf 'extendedKeyUsage=clientAuth\n' >cli.ext
	sign() {	# NAME CA EXT DAYS
		openssl req $ec -keyout "$1.key" -out "$1.csr" \
		    -subj "/CN=$1" 2>/dev/null
		openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" \
		    -CAcreateserial -days "$4" -extfile "$3" -out "$1.pem" \
		    2>/dev/null
	}
	sign srv ca srv.ext 30
	sign cli ca cli.ext 30
	sign alien stranger srv.ext 30
	sign old ca srv.ext -1		# expired yesterday
	cat srv.pem ca.pem >chain.pem
}

setup() {
	P=$BATS_FILE_TMPDIR/pki
	SRV=(--cert "$P/srv.pem" --key "$P/srv.key")
}

@test "send verifies a server signed by --cacert, and the bytes go both ways" {
	start_server echo echo "${SRV[@]}" tls:127.0.0.1:0
	run "$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <<<"hello"
	assert_success
	assert_output hello
	# The name, not only the address, is checked: localhost is in it too.
	run "$SOCKIT" send --cacert "$P/ca.pem" "tls:localhost:$PORT" <<<"hi"
	assert_success
	assert_output hi
	run "$SOCKIT" send --cacert "$P/ca.pem" --tls "${ADDR#tls:}" <<<"again"
	assert_success
	assert_output again
}

@test "an untrusted server: exit 1 with the library's reason, nothing sent" {
	start_server l listen --cert "$P/alien.pem" --key "$P/alien.key" \
	    tls:127.0.0.1:0
	run "$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <<<"secret"
	assert_failure 1
	assert_output --partial "certificate verify failed: unable to get local issuer certificate"
	# The system store does not know our CA either.
	run "$SOCKIT" send "$ADDR" <<<"secret"
	assert_failure 1
	assert_output --partial "certificate verify failed"
	kill "$PID"
	wait_exit "$PID"
	run cat "$T/l.out"
	assert_output ""
}

@test "a wrong name and an expired certificate are refused" {
	start_server echo echo "${SRV[@]}" tls:127.0.0.1:0
	run "$SOCKIT" send --cacert "$P/ca.pem" --servername db.example \
	    "$ADDR" <<<"x"
	assert_failure 1
	assert_output --partial "hostname mismatch"
	start_server old echo --cert "$P/old.pem" --key "$P/old.key" \
	    tls:127.0.0.1:0
	run "$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <<<"x"
	assert_failure 1
	assert_output --partial "certificate has expired"
}

@test "--insecure connects to anyone and says so" {
	start_server echo echo --cert "$P/alien.pem" --key "$P/alien.key" \
	    tls:127.0.0.1:0
	run --separate-stderr "$SOCKIT" send --insecure "$ADDR" <<<"x"
	assert_success
	assert_output x
	[[ $stderr == *"--insecure: the server's certificate is not verified"* ]]
}

@test "socat OPENSSL: and Python's ssl talk to a sockit TLS echo" {
	start_server echo echo "${SRV[@]}" tls:127.0.0.1:0
	run socat -t 5 - "OPENSSL:127.0.0.1:$PORT,cafile=$P/ca.pem" <<<"via socat"
	assert_success
	assert_output "via socat"
	run py "$ADDR" "$P/ca.pem" <<'EOF'
import ssl
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(connect(sys.argv[1]), server_hostname="localhost")
s.sendall(b"via python")
print(s.recv(100).decode())
EOF
	assert_success
	assert_output "via python"
}

@test "listen --once serves openssl s_client and exits" {
	start_server l listen --once --recv-only "${SRV[@]}" tls:127.0.0.1:0
	# s_client ends its session at the end of its input.
	run --separate-stderr timeout 20 openssl s_client -brief \
	    -verify_return_error -CAfile "$P/ca.pem" -connect "${ADDR#tls:}" \
	    <<<"request"
	assert_success
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	run cat "$T/l.out"
	assert_output request
}

@test "curl https:// gets a response served from stdin" {
	printf 'HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nhello\n' >"$T/resp"
	SERVER_STDIN=$T/resp
	start_server l listen --once --alpn http/1.1 "${SRV[@]}" \
	    tls:127.0.0.1:0
	run curl -sS --max-time 20 --cacert "$P/ca.pem" \
	    "https://localhost:$PORT/x"
	assert_success
	assert_output hello
	wait_exit "$PID"
	grep -q "^GET /x HTTP/1.1" "$T/l.out"
}

@test "relay terminates TLS in front of a plain echo: 4 MB byte-exact" {
	start_server echo echo 127.0.0.1:0
	start_server relay relay "${SRV[@]}" tls:127.0.0.1:0 "$ADDR"
	random_file "$T/big" 4000000
	"$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <"$T/big" >"$T/back"
	[ "$(sha256sum <"$T/big")" = "$(sha256sum <"$T/back")" ]
}

@test "relay originates TLS toward a sockit TLS echo and toward Python's ssl" {
	start_server techo echo "${SRV[@]}" tls:127.0.0.1:0
	start_server relay relay --cacert "$P/ca.pem" 127.0.0.1:0 \
	    "tls:localhost:$PORT"
	random_file "$T/big" 1000000
	"$SOCKIT" send "$ADDR" <"$T/big" >"$T/back"
	cmp "$T/big" "$T/back"
	# Toward a server of another kind, which sees a TLS client.
	start_py pysrv tls_server.py "$P/srv.pem" "$P/srv.key" halfclose
	start_server relay2 relay --cacert "$P/ca.pem" 127.0.0.1:0 "tls:$ADDR"
	run "$SOCKIT" send "$ADDR" <<<"four"
	assert_success
	assert_output "got 5 bytes"
}

@test "relay toward an untrusted TLS target closes that client and logs why" {
	start_server techo echo --cert "$P/alien.pem" --key "$P/alien.key" \
	    tls:127.0.0.1:0
	start_server relay relay --cacert "$P/ca.pem" 127.0.0.1:0 "$ADDR"
	run "$SOCKIT" send "$ADDR" <<<"x"
	refute_output x
	wait_for 'grep -q "certificate verify failed" "$T/relay.err"'
}

@test "mutual TLS: a client certificate is required and accepted" {
	start_server echo echo -v "${SRV[@]}" --verify-client \
	    --cacert "$P/ca.pem" tls:127.0.0.1:0
	run "$SOCKIT" send --cacert "$P/ca.pem" --cert "$P/cli.pem" \
	    --key "$P/cli.key" "$ADDR" <<<"with"
	assert_success
	assert_output with
	run "$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <<<"without"
	assert_failure 1
	refute_output --partial "without"
	# TLS 1.3 refuses after the client's handshake: the alert, or a
	# reset if the client's write comes first.
	assert_output --regexp "certificate required|reset by peer"
	# A certificate from a stranger is no better.
	run "$SOCKIT" send --cacert "$P/ca.pem" --cert "$P/alien.pem" \
	    --key "$P/alien.key" "$ADDR" <<<"alien"
	assert_failure 1
	refute_output --partial "alien"
}

@test "garbage instead of a ClientHello closes that client only" {
	start_server echo echo -v "${SRV[@]}" tls:127.0.0.1:0
	py "$ADDR" <<'EOF'
s = connect(sys.argv[1])
s.sendall(b"\x16\x03\x01\x00\x05garbage, not a handshake" * 10)
try:	# an alert, perhaps, then the end
    while s.recv(4096):
        pass
except ConnectionResetError:
    pass
EOF
	run "$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <<<"next"
	assert_success
	assert_output next
	grep -q "TLS handshake" "$T/echo.err"
}

@test "a plain HTTP request to a TLS port fails and the server goes on" {
	start_server echo echo -v "${SRV[@]}" tls:127.0.0.1:0
	run curl -sS --max-time 10 "http://127.0.0.1:$PORT/"
	assert_failure
	run "$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <<<"next"
	assert_success
	assert_output next
	grep -q "http request" "$T/echo.err"
}

@test "a client that stops mid-handshake loses its slot after -w" {
	# -w bounds every client's handshake, the good one's too: under
	# check-valgrind (SOCKIT_REAL set) a server's first handshake alone
	# can take seconds on a loaded machine, so the bound grows with it.
	local w=3s
	[ -z "${SOCKIT_REAL:-}" ] || w=20s
	start_server echo echo -v -x 1 -w "$w" "${SRV[@]}" tls:127.0.0.1:0
	py "$ADDR" <<'EOF' &
s = connect(sys.argv[1], timeout=30)
s.sendall(b"\x16\x03\x01\x02\x00\x01")	# a ClientHello's first bytes
expect_closed(s)
EOF
	local stalled=$!
	wait_for 'grep -q "TLS handshake timed out" "$T/echo.err"'
	wait "$stalled"
	run "$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <<<"served"
	assert_success
	assert_output served
}

@test "half-close: the client's close_notify is an EOF, and replies still come" {
	start_py pysrv tls_server.py "$P/srv.pem" "$P/srv.key" halfclose
	head -c 100000 /dev/urandom >"$T/up"
	run "$SOCKIT" send --cacert "$P/ca.pem" "tls:$ADDR" <"$T/up"
	assert_success
	assert_output "got 100000 bytes"
}

@test "half-close: the server's close_notify is an EOF, and the client may still talk" {
	echo "from the server" >"$T/in"
	SERVER_STDIN=$T/in
	start_server l listen --once "${SRV[@]}" tls:127.0.0.1:0
	run py "$ADDR" "$P/ca.pem" <<'EOF'
import ssl
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(connect(sys.argv[1]), server_hostname="127.0.0.1",
    suppress_ragged_eofs=False)
got = b""
while True:
    b = s.recv(100)
    if not b:
        break		# close_notify: ssl raises on a plain TCP close
    got += b
s.sendall(b"after your EOF\n")
s = s.unwrap()
s.close()
print(got.decode(), end="")
EOF
	assert_success
	assert_output "from the server"
	wait_exit "$PID"
	run cat "$T/l.out"
	assert_output "after your EOF"
}

@test "a server that closes without close_notify: send exits 1" {
	start_py pysrv tls_server.py "$P/srv.pem" "$P/srv.key" truncate
	run "$SOCKIT" send --cacert "$P/ca.pem" "tls:$ADDR" </dev/null
	assert_failure 1
	assert_output --partial "partial"
	assert_output --partial "without a TLS close_notify"
}

@test "clock over TLS with --self-signed; the fingerprint is logged" {
	start_server clock clock -c 1 --self-signed tls:127.0.0.1:0
	grep -q "SHA-256 fingerprint [0-9A-F:]\{95\}" "$T/clock.err"
	run "$SOCKIT" send --insecure --recv-only "$ADDR"
	assert_success
	assert_line --regexp '^[0-9]{2}:[0-9]{2}:[0-9]{2}$'
}

@test "ALPN: the server picks from the client's list, and refuses none in common" {
	start_server echo echo --alpn h2,http/1.1 "${SRV[@]}" tls:127.0.0.1:0
	run py "$ADDR" "$P/ca.pem" <<'EOF'
import ssl
ctx = ssl.create_default_context(cafile=sys.argv[2])
ctx.set_alpn_protocols(["http/1.1", "h2"])
s = ctx.wrap_socket(connect(sys.argv[1]), server_hostname="127.0.0.1")
print(s.selected_alpn_protocol())
EOF
	assert_output h2
	run "$SOCKIT" send --alpn spdy/1 --cacert "$P/ca.pem" "$ADDR" <<<"x"
	assert_failure 1
	assert_output --partial "no application protocol"
	start_py pysrv tls_server.py "$P/srv.pem" "$P/srv.key" echo "x,y"
	run "$SOCKIT" send --alpn y --cacert "$P/ca.pem" "tls:$ADDR" <<<"z"
	assert_success
	wait_exit "$PID"
	run cat "$T/pysrv.out"
	assert_output y
}

@test "a key that does not match the certificate: exit 1 at startup" {
	run "$SOCKIT" echo --cert "$P/srv.pem" --key "$P/cli.key" tls:127.0.0.1:0
	assert_failure 1
	assert_output --partial "--key $P/cli.key"
}

@test "an unreadable certificate file: exit 1 naming the file" {
	run "$SOCKIT" listen --cert "$T/nope.pem" --key "$P/srv.key" tls:127.0.0.1:0
	assert_failure 1
	assert_output "sockit: listen: --cert $T/nope.pem: No such file or directory"
	run "$SOCKIT" send --cacert "$T/nope.pem" tls:127.0.0.1:9
	assert_failure 1
	assert_output --partial "--cacert $T/nope.pem: No such file or directory"
}

@test "TLS options need a TLS address, and a server its certificate" {
	run "$SOCKIT" echo tls:127.0.0.1:0
	assert_failure 2
	assert_output --partial "needs --cert and --key, or --self-signed"
	run "$SOCKIT" send --cacert x 127.0.0.1:9
	assert_failure 2
	assert_output --partial "--cacert: needs a tls: address"
	run "$SOCKIT" echo --verify-client --self-signed tls:127.0.0.1:0
	assert_failure 2
	assert_output --partial "--verify-client needs --cacert"
	run "$SOCKIT" send tls:tls:127.0.0.1:9
	assert_failure 2
}

@test "TLS over a unix socket, with the name given by --servername" {
	start_server echo echo "${SRV[@]}" "tls:unix:$T/s.sock"
	run "$SOCKIT" send --cacert "$P/ca.pem" --servername localhost \
	    "tls:unix:$T/s.sock" <<<"unix"
	assert_success
	assert_output unix
}

@test "exec over TLS: the program talks through a socketpair sockit carries; its environment names the client" {
	start_server x exec -v "${SRV[@]}" --hexdump="$T/dump" tls:127.0.0.1:0 -- \
		sh -c 'echo "hello $PROTO $TCPREMOTEIP"; head -c 4; ls -l /proc/$$/fd | grep -c socket'
	run py "$ADDR" "$P/ca.pem" <<'EOF2'
import ssl
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(connect(sys.argv[1]), server_hostname="localhost")
s.sendall(b"data")
got = b""
while True:
    try:
        b = s.recv(100)
    except ssl.SSLEOFError:
        break
    if not b:
        break
    got += b
print(got.decode(), end="")
EOF2
	assert_success
	# the program's stdin and stdout: one socket (its socketpair end)
	assert_output "$(printf 'hello TCP 127.0.0.1\ndata2')"
	wait_for 'grep -q "closed: 4 bytes to the program" "$T/x.err"'
	grep -q "pid [0-9]* started (TLS)" "$T/x.err"
	# --hexdump shows the plaintext, both ways
	grep -q '^<.*4 bytes' "$T/dump"
	grep -q '|data|' "$T/dump"
}

@test "exec over TLS: a missing certificate or --hexdump, -i without TLS are clear errors" {
	run "$SOCKIT" exec tls:127.0.0.1:0 -- cat
	assert_failure
	run "$SOCKIT" exec --hexdump 127.0.0.1:0 -- cat
	assert_failure 2
	assert_output --partial "--hexdump needs TLS"
	run "$SOCKIT" exec -i 1s 127.0.0.1:0 -- cat
	assert_failure 2
	assert_output --partial "-i does not apply"
}

@test "OpenSSL is loaded only by a run that speaks TLS" {
	# Linked in, libssl and libcrypto would cost every start about 1 ms.
	start_server plain echo 127.0.0.1:0
	run grep -c 'libssl\|libcrypto' "/proc/$PID/maps"
	assert_output 0
	start_server tls echo "${SRV[@]}" tls:127.0.0.1:0
	run grep -c 'libssl\.so' "/proc/$PID/maps"
	assert_success
	refute_output 0
	run "$SOCKIT" send --cacert "$P/ca.pem" "$ADDR" <<<"loaded"
	assert_success
	assert_output loaded
}

@test "wall tls:ADDR reads a TLS clock, verified by --cacert or --insecure" {
	local time='[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'
	start_server c clock "${SRV[@]}" tls:127.0.0.1:0
	# (the ready line is tls:HOST:PORT, as wall takes it; -w, -I: the
	# connect and handshake may be slow on a loaded machine; the first
	# row comes with the first message, or at -I)
	run timeout 60 "$SOCKIT" wall -w 20 -I 20 -c 1 --cacert "$P/ca.pem" "$ADDR"
	assert_success
	assert_line --index 1 --regexp "^$time$"
	start_server s clock --self-signed tls:127.0.0.1:0
	run timeout 60 "$SOCKIT" wall -w 20 -I 20 -c 1 --insecure "$ADDR"
	assert_success
	assert_line --regexp "^$time$"
	# not verified: down, and -v says why
	run timeout 60 "$SOCKIT" wall -w 20 -I 20 -v -c 1 "$ADDR"
	assert_success
	assert_line down
	assert_line --partial "certificate verify failed"
}

@test "wait tls:ADDR is ready only once the TLS handshake succeeds" {
	start_server e echo 127.0.0.1:0
	run -1 timeout 20 "$SOCKIT" wait -t 1 --insecure "tls:$ADDR"
	assert_line --regexp "^sockit: wait: timed out after 1 s: tls:$ADDR \(.+\) not ready$"
	start_server c clock "${SRV[@]}" tls:127.0.0.1:0
	run -0 timeout 60 "$SOCKIT" wait -w 20 -t 30 --cacert "$P/ca.pem" "$ADDR"
	run -1 timeout 60 "$SOCKIT" wait -w 20 -t 10 "$ADDR"
	assert_output --partial "certificate verify failed"
	# a TLS option with no tls: address is a usage error
	run -2 "$SOCKIT" wait --cacert "$P/ca.pem" "${ADDR#tls:}"
	assert_output --partial "--cacert: needs a tls: address"
}

@test "send -w is one deadline for the connect and the TLS handshake" {
	start_py m mute.py
	run -1 timeout 20 "$SOCKIT" send -w 300ms --insecure -m x "tls:$ADDR"
	assert_line "sockit: send: tls:$ADDR: TLS handshake timed out"
}

# --reconnect wraps the connection's transport to count what is written;
# closing must still reach TLS's own close (under check-valgrind a leak
# of the session fails this test).
@test "send --reconnect over TLS: the reply comes back, the session closes clean" {
	start_server e echo --self-signed tls:127.0.0.1:0
	run -0 --separate-stderr "$SOCKIT" send --reconnect --insecure -q 1 "$ADDR" <<<"again"
	assert_output again
}
