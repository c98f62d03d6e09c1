#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit exec: a program per client, on the client's own socket.  Real
# servers on port 0, unix paths and abstract names; nc, socat and
# python3 clients; the children looked at through /proc.

load test_helper

bats_require_minimum_version 1.5.0

# The pids of the children of $1 still in the process table (zombies too).
children() {
	ps --ppid "$1" -o pid= 2>/dev/null | tr -d ' '
}

@test "exec: 20 clients at once through cat, 200 KiB each, sha256 both ways, half-close" {
	start_server x exec 127.0.0.1:0 -- cat
	py "$ADDR" <<'EOF'
import sys
addr = sys.argv[1]
errors = []
def one(i):
    try:
        data = os.urandom(200000 + i)
        s = connect(addr, timeout=30)
        def writer():
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)        # half-close: cat sees EOF
        t = threading.Thread(target=writer)
        t.start()
        got = recv_all(s)
        t.join()
        if hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
            errors.append("client %d: %d bytes back of %d" % (i, len(got), len(data)))
    except Exception as e:
        errors.append("client %d: %r" % (i, e))
ts = [threading.Thread(target=one, args=(i,)) for i in range(20)]
for t in ts: t.start()
for t in ts: t.join()
if errors:
    fail("; ".join(errors))
EOF
	# and with socat and nc
	random_file "$T/in" 100000
	timeout 20 socat -t 20 - "TCP:$ADDR" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
	timeout 20 nc -N 127.0.0.1 "$PORT" <"$T/in" >"$T/out2"
	cmp "$T/in" "$T/out2"
}

@test "exec: the TCP environment (PROTO, TCPREMOTE*, TCPLOCAL*), stale ones removed" {
	PROTO=bogus TCPREMOTEHOST=stale start_server x exec 127.0.0.1:0 -- env
	py "$ADDR" <<'EOF'
import sys
addr = sys.argv[1]
s = connect(addr)
me = s.getsockname()
s.shutdown(socket.SHUT_WR)
env = dict(l.split("=", 1) for l in recv_all(s).decode().splitlines() if "=" in l)
want = {"PROTO": "TCP", "TCPREMOTEIP": "127.0.0.1", "TCPREMOTEPORT": str(me[1]),
        "TCPLOCALIP": "127.0.0.1", "TCPLOCALPORT": addr.rsplit(":", 1)[1]}
for k, v in want.items():
    if env.get(k) != v:
        fail("%s=%r, want %r" % (k, env.get(k), v))
if "TCPREMOTEHOST" in env:
    fail("inherited TCPREMOTEHOST passed on")
if "PATH" not in env:
    fail("the rest of the environment is missing")
EOF
}

@test "exec: the UNIX environment (PROTO, UNIXREMOTEPID, EUID, EGID)" {
	start_server x exec "$T/x.sock" -- env
	[ "$ADDR" = "unix:$T/x.sock" ]
	py "$T/x.sock" "$(id -u)" "$(id -g)" <<'EOF'
import sys
s = connect(sys.argv[1])
s.shutdown(socket.SHUT_WR)
env = dict(l.split("=", 1) for l in recv_all(s).decode().splitlines() if "=" in l)
want = {"PROTO": "UNIX", "UNIXREMOTEPID": str(os.getpid()),
        "UNIXREMOTEEUID": sys.argv[2], "UNIXREMOTEEGID": sys.argv[3]}
for k, v in want.items():
    if env.get(k) != v:
        fail("%s=%r, want %r" % (k, env.get(k), v))
if "TCPREMOTEIP" in env:
    fail("TCP variables for a unix client")
EOF
}

@test "exec: the child has only descriptors 0, 1 and 2, even with clients and inherited ones open" {
	# fd 5 is inherited by sockit without close-on-exec: not passed on.
	start_server x exec 127.0.0.1:0 -- sh -c 'echo up; ls /proc/$$/fd' 5</dev/null 6>"$T/six"
	py "$ADDR" <<'EOF'
import sys
held = connect(sys.argv[1])                    # another client's socket
if recv_exactly(held, 3) != b"up\n":
    fail("first client not served")
s = connect(sys.argv[1])
s.shutdown(socket.SHUT_WR)
fds = recv_all(s).decode().split()
if fds != ["up", "0", "1", "2"]:
    fail("child fds: %r" % fds)
EOF
}

@test "exec: stdin and stdout are the socket itself, and stderr is sockit's" {
	start_server x exec 127.0.0.1:0 -- sh -c 'readlink /proc/$$/fd/0 /proc/$$/fd/1; echo to-stderr >&2'
	timeout 20 nc -N 127.0.0.1 "$PORT" </dev/null >"$T/out"
	[ "$(sed -n 1p "$T/out")" = "$(sed -n 2p "$T/out")" ]
	[[ $(sed -n 1p "$T/out") == socket:* ]]
	wait_for 'grep -q to-stderr "$T/x.err"'
}

@test "exec: the child starts with default signal dispositions and an empty mask" {
	# A background job of a script has SIGINT and SIGQUIT ignored, and
	# sockit ignores SIGPIPE: none of it may reach the program.
	start_server x exec 127.0.0.1:0 -- grep -E '^Sig(Ign|Blk)' /proc/self/status
	timeout 20 nc -N 127.0.0.1 "$PORT" </dev/null >"$T/out"
	cat "$T/out"
	grep -q '^SigBlk:' "$T/out"
	grep -q '^SigIgn:' "$T/out"
	# Every signal, the real-time ones too: glibc's posix_spawn left 32
	# and 33, its own, ignored in the child.
	python3 - "$T/out" <<'EOF'
import sys
for line in open(sys.argv[1]):
    k, v = line.split(":")
    if int(v, 16):
        sys.exit("%s: %s" % (k, v.strip()))
EOF
}

@test "exec: no zombies after 30 connections" {
	start_server x exec -v 127.0.0.1:0 -- sh -c 'echo $$'
	local i
	for i in $(seq 30); do
		timeout 20 nc -N 127.0.0.1 "$PORT" </dev/null >>"$T/out"
	done
	[ "$(wc -l <"$T/out")" -eq 30 ]
	wait_for '[ "$(grep -c " exited 0" "$T/x.err")" -eq 30 ]'
	[ -z "$(children "$PID")" ]
}

@test "exec: --max-conns 2 counts running children: a third client is turned away until one ends" {
	start_server x exec -v -x 2 127.0.0.1:0 -- sh -c 'echo up; exec cat'
	py "$ADDR" <<'EOF'
import sys
addr = sys.argv[1]
a = connect(addr); b = connect(addr)
for c in (a, b):
    if recv_exactly(c, 3) != b"up\n":
        fail("a held client was not served")
connect_closed(addr, "third client")
a.shutdown(socket.SHUT_WR)
if recv_all(a) != b"":
    fail("first client: extra bytes")
# The slot frees once the first child is reaped.
deadline = time.time() + 15
while True:
    try:
        c = connect(addr)
        if recv_exactly(c, 3) == b"up\n":
            break
    except ConnectionResetError:
        pass
    if time.time() > deadline:
        fail("no slot after a child ended")
    time.sleep(0.05)
b.sendall(b"still\n")
if recv_exactly(b, 6) != b"still\n":
    fail("second client disturbed")
EOF
	grep -q 'refused: 2 clients already' "$T/x.err"
}

@test "exec: SIGTERM stops accepting, forwards SIGTERM to the child, exits 0, removes the socket file" {
	start_server x exec -v "$T/x.sock" -- sh -c 'trap "echo child-got-TERM >&2; exit 7" TERM; echo up; while :; do sleep 0.05; done'
	py "$T/x.sock" "$PID" <<'EOF'
import sys
s = connect(sys.argv[1], timeout=20)
if recv_exactly(s, 3) != b"up\n":
    fail("child not running")
os.kill(int(sys.argv[2]), signal.SIGTERM)
if recv_all(s) != b"":
    fail("extra bytes")
EOF
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
	grep -q child-got-TERM "$T/x.err"
	grep -q 'exited 7' "$T/x.err"
	[ ! -e "$T/x.sock" ]
}

@test "exec: a child that ignores SIGTERM is killed after the grace period; SIGINT kills sockit by SIGINT" {
	start_server x exec -v 127.0.0.1:0 -- sh -c 'trap "" TERM; echo up; while :; do sleep 0.05; done'
	py "$ADDR" "$PID" <<'EOF'
import sys
s = connect(sys.argv[1], timeout=20)
if recv_exactly(s, 3) != b"up\n":
    fail("child not running")
os.kill(int(sys.argv[2]), signal.SIGINT)
recv_all(s)
EOF
	wait_exit "$PID"
	[ "$STATUS" -eq 130 ]
	grep -q 'SIGKILL' "$T/x.err"
	grep -q 'killed by signal 9' "$T/x.err"
}

@test "exec: a missing program is an error at startup" {
	run -1 "$SOCKIT" exec 127.0.0.1:0 -- no-such-program-here
	[ "$output" = "sockit: exec: no-such-program-here: command not found" ]
	run -2 "$SOCKIT" exec 127.0.0.1:0
	[[ $output == *"missing -- PROGRAM"* ]]
	run -2 "$SOCKIT" exec -i 5 127.0.0.1:0 -- cat
}

@test "exec: a program that went away: that client is reset and the reason logged, the server goes on" {
	printf '#!/bin/sh\necho hello\n' >"$T/prog"
	chmod +x "$T/prog"
	start_server x exec 127.0.0.1:0 -- "$T/prog"
	rm "$T/prog"
	py "$ADDR" <<'EOF'
import sys
connect_closed(sys.argv[1], "client of a missing program")
EOF
	wait_for 'grep -q "prog: No such file or directory" "$T/x.err"'
	printf '#!/bin/sh\necho hello\n' >"$T/prog"
	chmod +x "$T/prog"
	[ "$(timeout 20 nc -N 127.0.0.1 "$PORT" </dev/null)" = hello ]
}

@test "exec: abstract names, --allow-uid and --mode work as for other servers" {
	local name=sockit-exec-$$-$BATS_TEST_NUMBER
	start_server x exec "@$name" -- cat
	[ "$(printf 'abs\n' | timeout 20 socat -t 20 - "ABSTRACT-CONNECT:$name")" = abs ]
	start_server y exec --allow-uid "$(id -u)" --mode 600 "$T/y.sock" -- cat
	[ "$(stat -c %a "$T/y.sock")" = 600 ]
	[ "$(printf 'mine\n' | timeout 20 nc -N -U "$T/y.sock")" = mine ]
	start_server z exec -v --allow-uid 54321 "$T/z.sock" -- cat
	py "$T/z.sock" <<'EOF'
import sys
connect_closed(sys.argv[1], "client of another uid")
EOF
	grep -q 'not allowed' "$T/z.err"
}

@test "exec: signals ignored or blocked when sockit started do not reach the program" {
	# Inherited ones are what an exec keeps, if the spawn does not reset them.
	mkfifo "$T/x.ready"
	python3 -c 'import os, signal, sys
for s in (signal.SIGINT, signal.SIGPROF, signal.SIGRTMIN + 5):
    signal.signal(s, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2, signal.SIGRTMIN + 6})
os.execv(sys.argv[1], sys.argv[1:])' "$SOCKIT" exec --ready-fd 4 127.0.0.1:0 \
	    -- grep -E '^Sig(Ign|Blk)' /proc/self/status \
	    4>"$T/x.ready" </dev/null >"$T/x.out" 2>"$T/x.err" 3>&- &
	await_ready x $!
	# sockit itself has them: SIGPROF (bit 27) ignored, SIGUSR2 blocked.
	# (Not SIGUSR1: a server catches it, to reload its certificate.)
	python3 - "$PID" <<'EOF'
import sys
st = dict(l.split(":\t") for l in open("/proc/%s/status" % sys.argv[1]))
if not int(st["SigIgn"], 16) & (1 << 26):
    sys.exit("sockit does not ignore SIGPROF: %s" % st["SigIgn"])
if not int(st["SigBlk"], 16) & (1 << 11):
    sys.exit("sockit does not block SIGUSR2: %s" % st["SigBlk"])
EOF
	timeout 20 nc -N 127.0.0.1 "$PORT" </dev/null >"$T/out"
	cat "$T/out"
	grep -Eqx 'SigBlk:[[:space:]]+0+' "$T/out"
	grep -Eqx 'SigIgn:[[:space:]]+0+' "$T/out"
}

@test "exec --pty: a program that cannot be run: that client is reset, not ended cleanly" {
	printf '#!/bin/sh\necho hello\n' >"$T/prog"
	chmod +x "$T/prog"
	start_server x exec --pty 127.0.0.1:0 -- "$T/prog"
	chmod -x "$T/prog"
	py "$ADDR" <<'EOF'
import socket, sys
fam, sa = sockaddr(sys.argv[1])
s = socket.socket(fam, socket.SOCK_STREAM)
s.settimeout(10)
try:
    s.connect(sa)
    b = s.recv(100)
    fail("a clean end (%r), not a reset" % b)
except ConnectionResetError:
    pass
EOF
	wait_for 'grep -q "prog: Permission denied" "$T/x.err"'
	kill -0 "$PID"
}

@test "exec: a program that cannot be run: the reason logged, that client closed, the server goes on" {
	printf '#!/bin/sh\necho hello\n' >"$T/prog"
	chmod +x "$T/prog"
	start_server x exec -v 127.0.0.1:0 -- "$T/prog"
	chmod -x "$T/prog"
	py "$ADDR" <<'EOF'
import sys
connect_closed(sys.argv[1], "client of a program that cannot run")
EOF
	wait_for 'grep -q "prog: Permission denied" "$T/x.err"'
	chmod +x "$T/prog"
	[ "$(timeout 20 nc -N 127.0.0.1 "$PORT" </dev/null)" = hello ]
	kill -0 "$PID"
}
