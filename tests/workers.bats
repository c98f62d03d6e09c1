#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# --workers N: N processes on one listening socket, a parent that only
# supervises: it restarts a worker that dies, stops them all, passes
# SIGUSR1 on, and keeps --max-conns a total across them.

load test_helper
bats_require_minimum_version 1.5.0

# The worker pids of the parent $PID, one a line.
workers() {
	pgrep -P "$PID" | sort
}

@test "--workers 2: two processes serve one address" {
	start_server e echo -v --workers 2 127.0.0.1:0
	run workers
	[ "${#lines[@]}" -eq 2 ]
	for i in 1 2 3 4 5 6; do
		run "$SOCKIT" send -w 10s "$ADDR" <<<"line $i"
		assert_output "line $i"
	done
	run grep -c "^sockit: echo: listening on" "$T/e.err"
	assert_output 1
}

@test "--workers: a killed worker is restarted and logged; SIGTERM leaves no process" {
	start_server e echo --workers 2 "unix:$T/e.sock"
	local before victim
	before=$(workers)
	victim=$(workers | head -1)
	kill -KILL "$victim"
	wait_for 'grep -q "worker [01]: killed by Killed: restarting" "$T/e.err"'
	wait_for '[ "$(workers | wc -l)" -eq 2 ] && ! workers | grep -qx "$victim"'
	[ -S "$T/e.sock" ]
	run "$SOCKIT" send -w 10s "unix:$T/e.sock" <<<"still"
	assert_output "still"
	local all
	all=$(workers)
	kill "$PID"
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	for p in $all; do
		run kill -0 "$p"
		assert_failure
	done
	[ ! -e "$T/e.sock" ]
}

@test "--workers 2 -x 1: --max-conns is a total across workers" {
	start_server e echo -v --workers 2 -x 1 127.0.0.1:0
	run py "$ADDR" <<'PYEOF'
a = connect(sys.argv[1])
a.sendall(b"first\n")
assert recv_exactly(a, 6) == b"first\n"
for i in range(6):
    try:
        b = connect(sys.argv[1])
        b.sendall(b"more\n")
        got = b.recv(10)
    except OSError:
        got = b""
    assert got == b"", got
print("ok")
PYEOF
	assert_output "ok"
	wait_for 'grep -q "refused: 1 client already (--max-conns)" "$T/e.err"'
}

@test "--workers with relay, clock, exec and ftp" {
	start_server t echo 127.0.0.1:0
	start_server r relay --workers 2 127.0.0.1:0 "$ADDR"
	run "$SOCKIT" send -w 10s "$ADDR" <<<"relayed"
	assert_output "relayed"
	start_server x exec --workers 2 127.0.0.1:0 -- cat
	run "$SOCKIT" send -w 10s "$ADDR" <<<"exec'd"
	assert_output "exec'd"
	start_server c clock --workers 2 -c 1 -f '%Y' 127.0.0.1:0
	run "$SOCKIT" send -w 10s "$ADDR" </dev/null
	assert_output --regexp '^[0-9]{4}$'
	mkdir "$T/root"
	echo served >"$T/root/f"
	start_server f ftp --workers 2 -r "$T/root" 127.0.0.1:0
	run curl -sS --max-time 20 "ftp://127.0.0.1:$PORT/f"
	assert_output "served"
	run workers
	[ "${#lines[@]}" -eq 2 ]
}

@test "--workers: SIGUSR1 reaches every worker" {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/a.key" -out "$T/a.pem" -days 3 -subj /CN=first 2>/dev/null
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/b.key" -out "$T/b.pem" -days 3 -subj /CN=second 2>/dev/null
	cp "$T/a.pem" "$T/live.pem"
	cp "$T/a.key" "$T/live.key"
	start_server e echo -v --workers 2 --cert "$T/live.pem" --key "$T/live.key" tls:127.0.0.1:0
	cp "$T/b.pem" "$T/live.pem"
	cp "$T/b.key" "$T/live.key"
	kill -USR1 "$PID"
	wait_for '[ "$(grep -c "SIGUSR1: TLS files read again" "$T/e.err")" -eq 2 ]'
	for i in 1 2 3 4 5 6; do
		run sh -c "openssl s_client -connect 127.0.0.1:$PORT </dev/null 2>/dev/null | openssl x509 -noout -subject"
		assert_output "subject=CN = second"
	done
}

@test "bad --workers values and uses exit 2" {
	usage_fails echo "--workers 0:" --workers 0 127.0.0.1:0
	usage_fails echo "--workers 65:" --workers 65 127.0.0.1:0
	usage_fails relay "--workers x:" --workers x 127.0.0.1:0 127.0.0.1:1
	usage_fails echo "--workers applies to stream servers" --workers 2 -u 127.0.0.1:0
	usage_fails echo "--max-per-ip: not with --workers" --workers 2 --max-per-ip 3 127.0.0.1:0
	usage_fails listen "unknown option --workers" --workers 2 127.0.0.1:0
	usage_fails send "unknown option --workers" --workers 2 127.0.0.1:1
}
