#!/usr/bin/env bats
# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
# sockit ftp against clients nobody here wrote: curl, lftp, Python's
# ftplib and the classic ftp (tnftp); then the security rules:
# confinement beneath the root, no FTP bounce, data connections only
# from the client's own address, the -w deadline and long lines.

load test_helper

bats_require_minimum_version 1.5.0

# A served tree with spaces, UTF-8 and a binary file.
make_tree() {
	mkdir -p "$T/root/sub dir/été" "$T/root/empty"
	random_file "$T/root/big.bin" 1048576
	printf 'hello\n' >"$T/root/hello.txt"
	printf 'one\ntwo\n' >"$T/root/sub dir/lines.txt"
	random_file "$T/root/sub dir/été/данные.bin" 70000
	printf 'x' >"$T/root/sub dir/a b c"
	echo outside >"$T/secret"
}

# start_ftp ARGS...: sockit ftp on 127.0.0.1 serving $T/root.
start_ftp() {
	make_tree
	start_server f ftp -r "$T/root" "$@" 127.0.0.1:0
}

need() {
	command -v "$1" >/dev/null || skip "$1 is not installed"
}

@test "curl downloads byte-exact over EPSV (its default)" {
	need curl
	start_ftp
	timeout 30 curl -sS "ftp://127.0.0.1:$PORT/big.bin" -o "$T/got"
	cmp "$T/root/big.bin" "$T/got"
}

@test "curl downloads byte-exact over PASV (--disable-epsv)" {
	need curl
	start_ftp
	timeout 30 curl -sS --disable-epsv "ftp://127.0.0.1:$PORT/big.bin" \
	    -o "$T/got"
	cmp "$T/root/big.bin" "$T/got"
}

@test "curl downloads byte-exact in active mode (-P)" {
	need curl
	start_ftp
	timeout 30 curl -sS -P 127.0.0.1 \
	    "ftp://127.0.0.1:$PORT/sub%20dir/%C3%A9t%C3%A9/%D0%B4%D0%B0%D0%BD%D0%BD%D1%8B%D0%B5.bin" \
	    -o "$T/got"
	cmp "$T/root/sub dir/été/данные.bin" "$T/got"
}

@test "curl -l lists names (NLST); a directory URL lists like ls -l" {
	need curl
	start_ftp
	run -0 timeout 30 curl -sS -l "ftp://127.0.0.1:$PORT/sub%20dir/"
	[ "$(tr -d '\r' <<<"$output" | sort)" = "$(printf 'a b c\nlines.txt\nété')" ]
	run -0 timeout 30 curl -sS "ftp://127.0.0.1:$PORT/"
	# mode, links, owner, group, size, date, name
	[[ $output =~ -rw-r--r--\ +1\ [^\ ]+\ +[^\ ]+\ +1048576\ [A-Z][a-z][a-z]\ [\ 0-9][0-9]\ [0-9:\ ]{5}\ big\.bin ]]
	[[ $output =~ drwx[-rwx]{6}\ .*\ sub\ dir ]]
}

@test "curl uploads with -T under --write, and is refused without it" {
	need curl
	start_ftp
	random_file "$T/up" 300000
	run timeout 30 curl -sS -T "$T/up" "ftp://127.0.0.1:$PORT/new%20file"
	[ "$status" -ne 0 ]
	[ ! -e "$T/root/new file" ]
	kill "$PID"
	start_server g ftp --write -r "$T/root" 127.0.0.1:0
	timeout 30 curl -sS -T "$T/up" "ftp://127.0.0.1:$PORT/new%20file"
	cmp "$T/up" "$T/root/new file"
}

@test "curl resumes a download with -C - (REST)" {
	need curl
	start_ftp -vv
	head -c 400000 "$T/root/big.bin" >"$T/got"
	timeout 30 curl -sS -C - "ftp://127.0.0.1:$PORT/big.bin" -o "$T/got"
	cmp "$T/root/big.bin" "$T/got"
	grep -q -- '-> REST 400000' "$T/f.err"
}

@test "lftp mirrors a tree with spaces and UTF-8 names, passive and active" {
	need lftp
	start_ftp
	local mode
	for mode in on off; do
		rm -rf "$T/copy"
		timeout 60 lftp -u anonymous,x -p "$PORT" -e "set ftp:passive-mode $mode; set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 10; mirror / '$T/copy'; quit" 127.0.0.1 \
		    >"$T/lftp.out" 2>&1 || { cat "$T/lftp.out"; return 1; }
		diff -r "$T/root" "$T/copy"
	done
}

@test "ftplib: pwd, cwd, cdup, size, retrbinary; storbinary refused when read-only" {
	start_ftp
	py "$PORT" "$T" <<'EOF'
import ftplib, io, sys
port, t = int(sys.argv[1]), sys.argv[2]
f = ftp_session(port)
assert f.pwd() == "/", f.pwd()
f.cwd("sub dir/été")
assert f.pwd() == "/sub dir/été", f.pwd()
assert f.size("данные.bin") == 70000
got = io.BytesIO()
f.retrbinary("RETR данные.bin", got.write)
assert got.getvalue() == open(t + "/root/sub dir/été/данные.bin", "rb").read()
f.sendcmd("CDUP")
assert f.pwd() == "/sub dir", f.pwd()
try:
    f.storbinary("STOR x", io.BytesIO(b"data"))
    sys.exit("STOR was allowed")
except ftplib.error_perm as e:
    assert str(e).startswith("550"), e
for cmd in ("MKD d", "DELE hello.txt", "RNFR hello.txt"):
    try:
        f.sendcmd(cmd)
        sys.exit(cmd + " was allowed")
    except ftplib.error_perm as e:
        assert str(e).startswith("550"), e
try:
    f.sendcmd("SITE CHMOD 777 x")
    sys.exit("SITE answered")
except ftplib.error_perm as e:
    assert str(e).startswith("502"), e
f.quit()
EOF
	[ -e "$T/root/hello.txt" ]
	[ ! -e "$T/root/sub dir/x" ]
}

@test "ftplib: --user makes a login required; a wrong password is 530" {
	start_ftp --user alice:s3cret
	py "$PORT" <<'EOF'
import ftplib, sys
port = int(sys.argv[1])
def refused(fn, *a):
    try:
        fn(*a)
    except ftplib.error_perm as e:
        assert str(e).startswith("530"), e
        return
    sys.exit("not refused: %r" % (a,))
f = ftp_session(port, login=False)
for cmd in ("PWD", "CWD /", "PASV", "LIST", "RETR hello.txt"):
    refused(f.sendcmd, cmd)
assert f.sendcmd("SYST").startswith("215")
refused(f.login, "alice", "wrong")
refused(f.login, "anonymous", "x")
refused(f.sendcmd, "PWD")
f.login("alice", "s3cret")
assert f.pwd() == "/"
assert f.size("hello.txt") == 6
f.quit()
EOF
}

@test "ftplib: MLSD facts, MDTM, FEAT, TYPE A sends CRLF" {
	start_ftp
	py "$PORT" <<'EOF'
import ftplib, sys
port = int(sys.argv[1])
f = ftp_session(port)
feat = f.sendcmd("FEAT").splitlines()
assert feat[0] == "211-Features:" and feat[-1] == "211 End", feat
for x in ("EPSV", "EPRT", "MDTM", "SIZE", "REST STREAM", "UTF8"):
    assert " " + x in feat, (x, feat)
facts = dict(f.mlsd("/", facts=["type", "size", "modify", "perm"]))
assert facts["big.bin"]["type"] == "file", facts
assert facts["big.bin"]["size"] == "1048576"
assert facts["big.bin"]["perm"] == "r"
assert facts["sub dir"]["type"] == "dir"
assert len(facts["big.bin"]["modify"]) == 14
assert f.sendcmd("MDTM hello.txt") == "213 " + facts["hello.txt"]["modify"]
f.voidcmd("TYPE A")
c = f.transfercmd("RETR sub dir/lines.txt")
data = b""
while True:
    b = c.recv(4096)
    if not b:
        break
    data += b
c.close()
f.voidresp()
assert data == b"one\r\ntwo\r\n", data
f.quit()
EOF
}

@test "ftplib: --write allows MKD, STOR, APPE, RNFR/RNTO, DELE, RMD" {
	start_ftp --write
	py "$PORT" <<'EOF'
import ftplib, io, sys
port = int(sys.argv[1])
f = ftp_session(port)
assert f.mkd("new dir") == "/new dir"
f.storbinary("STOR new dir/f", io.BytesIO(b"abc"))
f.storbinary("APPE new dir/f", io.BytesIO(b"def"))
assert f.size("new dir/f") == 6
f.rename("new dir/f", "new dir/g")
got = io.BytesIO()
f.retrbinary("RETR /new dir/g", got.write)
assert got.getvalue() == b"abcdef"
f.delete("new dir/g")
f.rmd("new dir")
f.quit()
EOF
	[ ! -e "$T/root/new dir" ]
}

@test "the classic ftp client (tnftp): cd, ls, get, close, passive and active" {
	need tnftp
	start_ftp
	local mode
	mkdir "$T/dl"
	for mode in on off; do
		rm -f "$T/dl/"*
		(cd "$T/dl" && timeout 60 tnftp -n >"$T/tnftp.out" 2>&1 <<EOF) || { cat "$T/tnftp.out"; return 1; }
open 127.0.0.1 $PORT
user anonymous x
passive $mode
binary
cd "sub dir"
ls
get lines.txt
cd /
get big.bin
close
EOF
		grep -q 'a b c' "$T/tnftp.out" || { cat "$T/tnftp.out"; return 1; }
		cmp "$T/root/sub dir/lines.txt" "$T/dl/lines.txt"
		cmp "$T/root/big.bin" "$T/dl/big.bin"
	done
}

@test "traversal: .., absolute paths and an escaping symlink stay beneath the root" {
	start_ftp
	ln -s "$T/secret" "$T/root/escape"
	ln -s "$T" "$T/root/escape-dir"
	ln -s hello.txt "$T/root/inside"
	py "$PORT" <<'EOF'
import ftplib, io, sys
port = int(sys.argv[1])
f = ftp_session(port)
def refused(cmd):
    try:
        f.retrbinary(cmd, lambda b: sys.exit("got data: %r" % b))
    except ftplib.error_perm as e:
        assert str(e).startswith("550"), e
        return
    sys.exit("not refused: " + cmd)
f.cwd("../..")
assert f.pwd() == "/", f.pwd()
for cmd in ("RETR ../../etc/passwd", "RETR /etc/passwd",
            "RETR ../secret", "RETR escape", "RETR escape-dir/secret",
            "RETR sub dir/../../secret"):
    refused(cmd)
try:
    f.cwd("escape-dir")
    sys.exit("CWD through an escaping symlink")
except ftplib.error_perm as e:
    assert str(e).startswith("550"), e
assert f.pwd() == "/"
got = io.BytesIO()
f.retrbinary("RETR inside", got.write)
assert got.getvalue() == b"hello\n"
f.quit()
EOF
}

@test "traversal without openat2 (the O_NOFOLLOW walk) refuses symlinks too" {
	make_tree
	ln -s "$T/secret" "$T/root/escape"
	SOCKIT_FTP_NO_OPENAT2=1 start_server f ftp -r "$T/root" 127.0.0.1:0
	run timeout 20 curl -sS "ftp://127.0.0.1:$PORT/escape"
	[ "$status" -ne 0 ]
	[[ $output != *outside* ]]
	run -0 timeout 20 curl -sS "ftp://127.0.0.1:$PORT/sub%20dir/lines.txt"
	[ "$output" = "$(printf 'one\ntwo')" ]
}

@test "FTP bounce: PORT and EPRT to another host or a port <= 1023 are refused" {
	start_ftp
	py "$PORT" <<'EOF'
import ftplib, sys
port = int(sys.argv[1])
f = ftp_session(port)
for cmd in ("PORT 127,0,0,2,200,1", "PORT 127,0,0,1,0,25",
            "PORT 10,1,2,3,200,1", "EPRT |1|127.0.0.2|5000|",
            "EPRT |1|127.0.0.1|1023|"):
    try:
        f.sendcmd(cmd)
        sys.exit("accepted: " + cmd)
    except ftplib.error_perm as e:
        assert str(e)[:3] in ("500", "504"), e
f.quit()
EOF
}

@test "a passive data connection from another address is refused and logged" {
	start_ftp
	py "$PORT" "$T" <<'EOF'
import ftplib, socket, sys
port, t = int(sys.argv[1]), sys.argv[2]
f = ftp_session(port)
host, dport = f.makepasv()
intruder = socket.socket()
intruder.bind(("127.0.0.2", 0))
intruder.connect((host, dport))
f.putcmd("RETR hello.txt")
intruder.settimeout(20)
try:
    got = intruder.recv(100)
except ConnectionResetError:
    got = b""
assert got == b"", got
good = socket.create_connection((host, dport), timeout=20)
assert f.getresp().startswith("150")
data = b""
while True:
    b = good.recv(100)
    if not b:
        break
    data += b
assert data == b"hello\n", data
assert f.getresp().startswith("226")
f.quit()
EOF
	grep -q 'from 127.0.0.2:[0-9]* refused' "$T/f.err"
}

@test "no data connection within -w fails the transfer with 425" {
	start_ftp -w 300ms
	py "$PORT" <<'EOF'
import ftplib, sys
port = int(sys.argv[1])
f = ftp_session(port)
f.sendcmd("PASV")
f.putcmd("RETR hello.txt")
assert f.getresp().startswith("150")
try:
    f.getresp()
    sys.exit("no 425")
except ftplib.error_temp as e:
    assert str(e).startswith("425"), e
assert f.sendcmd("NOOP").startswith("200")
f.quit()
EOF
}

@test "a 5 KiB command line is refused with 500; the session goes on" {
	start_ftp
	py "$PORT" <<'EOF'
import ftplib, sys
port = int(sys.argv[1])
f = ftp_session(port)
try:
    f.sendcmd("NOOP " + "x" * 5120)
    sys.exit("accepted")
except ftplib.error_perm as e:
    assert str(e).startswith("500"), e
assert f.sendcmd("NOOP").startswith("200")
assert f.pwd() == "/"
f.quit()
EOF
}

@test "20 downloads at once are each byte-exact (sha256)" {
	need curl
	start_ftp
	local i want
	for i in $(seq 20); do
		random_file "$T/root/f$i" $((100000 + i * 4099))
	done
	local pids=()
	for i in $(seq 20); do
		timeout 60 curl -sS "ftp://127.0.0.1:$PORT/f$i" -o "$T/got$i" 3>&- &
		pids+=($!)
	done
	wait "${pids[@]}"
	for i in $(seq 20); do
		want=$(sha256sum <"$T/root/f$i")
		[ "$(sha256sum <"$T/got$i")" = "$want" ]
	done
}

@test "-i closes an idle control connection with 421; SIGTERM says 421" {
	start_ftp -i 300ms
	py "$PORT" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
f = s.makefile("rb")
assert f.readline().startswith(b"220")
assert f.readline().startswith(b"421"), "no 421"
assert f.readline() == b""
EOF
	kill "$PID"
	start_server g ftp -r "$T/root" 127.0.0.1:0
	py "$PORT" "$PID" <<'EOF'
import os, signal, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
f = s.makefile("rb")
assert f.readline().startswith(b"220")
os.kill(int(sys.argv[2]), signal.SIGTERM)
assert f.readline().startswith(b"421"), "no 421"
EOF
	wait_exit "$PID"
	[ "$STATUS" -eq 0 ]
}

@test "bad use: a unix address, a missing root" {
	run -2 "$SOCKIT" ftp "unix:$T/s"
	[[ $output == *"ftp does not take a unix socket address"* ]]
	run -2 "$SOCKIT" ftp -r "$T/none" 127.0.0.1:0
	[[ $output == *"--root $T/none: No such file or directory"* ]]
	run -2 "$SOCKIT" ftp --user nopass 127.0.0.1:0
	[[ $output == *"NAME:PASSWORD"* ]]
}

@test "ABOR stops a running RETR (426, then 226); the session goes on" {
	start_ftp
	random_file "$T/root/huge" $((64 << 20))
	py "$PORT" <<'EOF'
import ftplib, sys
port = int(sys.argv[1])
f = ftp_session(port)
c = f.transfercmd("RETR huge")
c.recv(1000)		# started; the rest waits in the server
f.putcmd("ABOR")
lines = [f.getline() for _ in range(2)]
assert lines[0].startswith("426") and lines[1].startswith("226"), lines
c.close()
assert f.sendcmd("NOOP").startswith("200")
f.quit()
EOF
}

@test "MLST of missing names leaks no descriptor" {
	start_ftp
	py "$PORT" "$PID" <<'EOF2'
import ftplib, os, sys
port, pid = int(sys.argv[1]), sys.argv[2]
f = ftp_session(port)
f.sendcmd("NOOP")
before = len(os.listdir("/proc/%s/fd" % pid))
for i in range(200):
    for name in ("x%d" % i, "nodir/x", "sub dir/none"):
        try:
            f.sendcmd("MLST " + name)
            sys.exit("MLST of a missing name answered 250")
        except ftplib.error_perm as e:
            assert str(e).startswith("550"), e
assert f.sendcmd("MLST hello.txt").startswith("250")
after = len(os.listdir("/proc/%s/fd" % pid))
assert after == before, (before, after)
f.quit()
EOF2
}

@test "RETR and STOR of a FIFO are refused with 550; the server is not blocked" {
	start_ftp --write
	mkfifo "$T/root/fifo"
	py "$PORT" <<'EOF2'
import ftplib, io, sys
port = int(sys.argv[1])
f = ftp_session(port)
for cmd in ("RETR fifo", "STOR fifo"):
    try:
        if cmd.startswith("RETR"):
            f.retrbinary(cmd, lambda b: sys.exit("got data"))
        else:
            f.storbinary(cmd, io.BytesIO(b"data"))
        sys.exit("accepted: " + cmd)
    except ftplib.error_perm as e:
        assert str(e).startswith("550"), e
        assert "not a plain file" in str(e), e
# Another client is served at once.
g = ftp_session(port)
assert g.size("hello.txt") == 6
g.quit()
f.quit()
EOF2
	[ -p "$T/root/fifo" ]
}

@test "REST past what a file can hold, then STOR: an error reply, no file left" {
	start_ftp --write
	py "$PORT" <<'EOF2'
import ftplib, io, sys
port = int(sys.argv[1])
f = ftp_session(port)
for rest in ("9223372036854775807", "10"):
    try:
        f.storbinary("STOR x", io.BytesIO(b"data"), rest=rest)
        sys.exit("STOR after REST %s answered 226" % rest)
    except ftplib.error_perm as e:
        assert str(e)[:3] in ("550", "554"), e
f.storbinary("STOR y", io.BytesIO(b"0123456789"))
try:
    f.storbinary("STOR y", io.BytesIO(b"data"), rest="9223372036854775807")
    sys.exit("STOR y past its end answered 226")
except ftplib.error_perm as e:
    assert str(e).startswith("554"), e
f.storbinary("STOR y", io.BytesIO(b"AB"), rest="4")
assert f.sendcmd("NOOP").startswith("200")
f.quit()
EOF2
	[ ! -e "$T/root/x" ]
	[ "$(cat "$T/root/y")" = 0123AB6789 ]
}

@test "TYPE during a RETR does not change the running transfer's type" {
	start_ftp
	yes 'a line' | head -c $((16 << 20)) >"$T/root/lines"
	py "$PORT" "$T/root/lines" <<'EOF2'
import ftplib, sys
port, path = int(sys.argv[1]), sys.argv[2]
want = open(path, "rb").read()
f = ftp_session(port)
for first, then, expect in (("I", "A", want),
                            ("A", "I", want.replace(b"\n", b"\r\n"))):
    f.voidcmd("TYPE " + first)
    c = f.transfercmd("RETR lines")
    got = c.recv(1000)
    assert f.sendcmd("TYPE " + then).startswith("200")
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        got += b
    c.close()
    assert f.voidresp().startswith("226")
    assert got == expect, (first, len(got), len(expect))
f.quit()
EOF2
}

@test "-v logs logins, each transfer (file, direction, bytes) and refusals" {
	start_ftp -v --write --user alice:s3cret
	py "$PORT" <<'EOF2'
import ftplib, io, sys
port = int(sys.argv[1])
f = ftp_session(port, login=False)
try:
    f.login("alice", "wrong")
    sys.exit("wrong password accepted")
except ftplib.error_perm as e:
    assert str(e).startswith("530"), e
f.login("alice", "s3cret")
f.cwd("sub dir")
f.retrbinary("RETR lines.txt", lambda b: None)
f.storbinary("STOR up.bin", io.BytesIO(b"x" * 12345))
try:
    f.retrbinary("RETR nothing", lambda b: None)
    sys.exit("RETR nothing answered")
except ftplib.error_perm as e:
    assert str(e).startswith("550"), e
f.retrlines("LIST", lambda l: None)
f.quit()
EOF2
	cat "$T/f.err"
	grep -q ': alice: PASS \*\*\*\*: 530 Login incorrect' "$T/f.err"
	run ! grep -q wrong "$T/f.err"
	grep -q ': alice: logged in' "$T/f.err"
	grep -q ': alice: RETR /sub dir/lines.txt: sent 8 bytes, complete' "$T/f.err"
	grep -q ': alice: STOR /sub dir/up.bin: received 12345 bytes, complete' "$T/f.err"
	grep -q ': alice: RETR nothing: 550 nothing: No such file' "$T/f.err"
	grep -q ': alice: LIST /sub dir: sent [0-9]* bytes, complete' "$T/f.err"
}

@test "curl fetches 20 files over one control connection, each byte-exact" {
	need curl
	start_ftp -v
	mkdir "$T/root/s" "$T/got"
	local i args=()
	for i in $(seq 20); do
		random_file "$T/root/s/f$i.txt" $((i * 37))
		args+=("ftp://127.0.0.1:$PORT/s/f$i.txt" -o "$T/got/f$i.txt")
	done
	timeout 120 curl -sS "${args[@]}"
	for i in $(seq 20); do
		cmp "$T/root/s/f$i.txt" "$T/got/f$i.txt"
	done
	[ "$(grep -c ': RETR /s/f[0-9]*.txt: sent [0-9]* bytes, complete' "$T/f.err")" -eq 20 ]
	[ "$(grep -c 'logged in' "$T/f.err")" -eq 1 ]
}

@test "malformed PORT and EPRT arguments answer 501, an unknown protocol 522" {
	start_ftp
	py "$PORT" <<'EOF2'
import ftplib, sys
port = int(sys.argv[1])
f = ftp_session(port)
ftp_refused(f, ("PORT 127,0,0,1,200", "PORT 127,0,0,1,200,1,",
                "PORT +127,0,0,1,200,1", "PORT 127,0,0,1,256,1",
                "PORT 127, 0,0,1,200,1", "EPRT |1|127.0.0.1|5000",
                "EPRT |1|127.0.0.1|70000|", "EPRT 1127.0.0.1150001"), "501")
ftp_refused(f, ("EPRT |3|127.0.0.1|5000|", "EPRT |1|::1|5000|"), "522")
assert f.sendcmd("EPRT !1!127.0.0.1!50000!").startswith("200")
f.quit()
EOF2
}

# A self-signed certificate for 127.0.0.1, for FTPS peers that verify.
ftps_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/srv.key" -out "$T/srv.pem" -days 30 -subj /CN=sockit \
	    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
}

@test "FTPS explicit: curl --ssl-reqd verifies, lists, downloads and uploads byte-exact" {
	need curl
	ftps_cert
	start_ftp -vv --write --cert "$T/srv.pem" --key "$T/srv.key"
	local u="ftp://127.0.0.1:$PORT" tls=(--ssl-reqd --cacert "$T/srv.pem")
	timeout 30 curl -sS "${tls[@]}" "$u/big.bin" -o "$T/got"
	cmp "$T/root/big.bin" "$T/got"
	run -0 timeout 30 curl -sS "${tls[@]}" -l "$u/sub%20dir/"
	[ "$(tr -d '\r' <<<"$output" | sort)" = "$(printf 'a b c\nlines.txt\nété')" ]
	random_file "$T/up" 300000
	timeout 30 curl -sS "${tls[@]}" -T "$T/up" "$u/up.bin"
	cmp "$T/up" "$T/root/up.bin"
	# The control connection went TLS after AUTH; the data ones too.
	grep -q -- '-> AUTH' "$T/f.err"
	grep -q -- '-> PROT P' "$T/f.err"
	grep -q 'data connection: TLS, session resumed' "$T/f.err"
}

@test "FTPS: FEAT lists AUTH TLS, PBSZ, PROT only with a certificate; AUTH without one is 502" {
	start_ftp --self-signed
	py "$PORT" <<'EOF2'
import ftplib, sys
port = int(sys.argv[1])
f = ftp_session(port, login=False)
feat = f.sendcmd("FEAT").splitlines()
for x in ("AUTH TLS", "PBSZ", "PROT"):
    assert " " + x in feat, (x, feat)
ftp_refused(f, ("PBSZ 0", "PROT P"), "503")
f.quit()
EOF2
	kill "$PID"
	start_server g ftp -r "$T/root" 127.0.0.1:0
	py "$PORT" <<'EOF2'
import ftplib, sys
f = ftp_session(int(sys.argv[1]), login=False)
assert "AUTH" not in f.sendcmd("FEAT")
ftp_refused(f, ("AUTH TLS",), "502")
f.quit()
EOF2
}

@test "FTPS implicit (tls:): curl ftps:// lists, downloads and uploads byte-exact" {
	need curl
	make_tree
	start_server f ftp --write --self-signed -r "$T/root" tls:127.0.0.1:0
	local u="ftps://127.0.0.1:$PORT"
	timeout 30 curl -sS -k "$u/big.bin" -o "$T/got"
	cmp "$T/root/big.bin" "$T/got"
	run -0 timeout 30 curl -sS -k "$u/sub%20dir/"
	[[ $output == *lines.txt* ]]
	random_file "$T/up" 200000
	timeout 30 curl -sS -k -T "$T/up" "$u/up.bin"
	cmp "$T/up" "$T/root/up.bin"
	# Nothing in the clear on an implicit port.
	run ! timeout 30 curl -sS "ftp://127.0.0.1:$PORT/big.bin" -o /dev/null
}

@test "FTPS: lftp with ftp:ssl-force mirrors and uploads byte-exact under --tls-required, passive and active" {
	need lftp
	start_ftp --write --self-signed --tls-required
	random_file "$T/up" 300000
	local mode
	for mode in on off; do
		rm -rf "$T/copy"
		timeout 60 lftp -u anonymous,x -p "$PORT" -e "set ftp:ssl-force true; set ftp:passive-mode $mode; set ssl:verify-certificate no; set net:max-retries 1; set net:timeout 10; mirror / '$T/copy'; put '$T/up' -o up.bin; put '$T/up' -o up2.bin; quit" 127.0.0.1 \
		    >"$T/lftp.out" 2>&1 || { cat "$T/lftp.out"; return 1; }
		cmp "$T/up" "$T/root/up.bin"
		cmp "$T/up" "$T/root/up2.bin"
		rm "$T/root/up.bin" "$T/root/up2.bin"
		diff -r "$T/root" "$T/copy"
	done
}

@test "--tls-required refuses a plain login (530) and data without PROT P (521)" {
	start_ftp --self-signed --tls-required
	need curl
	run timeout 30 curl -sS "ftp://127.0.0.1:$PORT/hello.txt"
	[ "$status" -ne 0 ]
	[[ $output == *530* ]]
	py "$PORT" <<'EOF2'
import ftplib, io, ssl, sys
port = int(sys.argv[1])
f = ftp_session(port, login=False)
ftp_refused(f, ("USER anonymous", "PASS x"), "530")
f.close()
f = ftps_session(port)
try:
    f.retrlines("LIST", lambda l: None)
    sys.exit("LIST without PROT P")
except ftplib.error_perm as e:
    assert str(e).startswith("521"), e
try:
    f.prot_c()
    sys.exit("PROT C accepted")
except ftplib.error_perm as e:
    assert str(e).startswith("534"), e
f.prot_p()
got = io.BytesIO()
f.retrbinary("RETR hello.txt", got.write)
assert got.getvalue() == b"hello\n", got.getvalue()
f.quit()
EOF2
}

# A data connection made before PROT P was in the clear: a PROT sent
# between PASV and RETR must not send the file over it.
@test "FTPS: PROT P after PASV does not send the file in the clear (521, or 425 without --tls-required)" {
	local opts
	for opts in --tls-required ""; do
		start_ftp --self-signed $opts
		py "$PORT" "$opts" <<'EOF2'
import ftplib, re, socket, ssl, sys
port, required = int(sys.argv[1]), sys.argv[2] != ""
f = ftps_session(port)
if not required:
    f.prot_c()
r = f.sendcmd("PASV")
h = [int(x) for x in re.search(r"\((.*)\)", r).group(1).split(",")]
raw = socket.create_connection(("127.0.0.1", h[4] * 256 + h[5]), timeout=20)
f.prot_p()
try:
    f.sendcmd("RETR hello.txt")
    sys.exit("RETR went ahead on a connection made before PROT P")
except (ftplib.error_perm, ftplib.error_temp) as e:
    assert str(e).startswith("521" if required else "425"), e
raw.settimeout(20)
got = raw.recv(100)
assert got == b"", got	# closed, and nothing in the clear
# PASV again after PROT P: the transfer goes, protected.
import io
out = io.BytesIO()
f.retrbinary("RETR hello.txt", out.write)
assert out.getvalue() == b"hello\n", out.getvalue()
f.quit()
EOF2
		kill_servers
	done
}

# Commands sent in the clear behind AUTH TLS, before the handshake, in
# one segment or split across two: none is obeyed.
@test "FTPS: commands pipelined after AUTH TLS in the clear are dropped" {
	start_ftp --self-signed
	py "$PORT" <<'EOF2'
import socket, ssl, sys
port = int(sys.argv[1])
ctx = unverified_tls()
for first, second in ((b"AUTH TLS\r\nUSER anonymous\r\nPASS x\r\n", b""),
                      (b"AUTH TL", b"S\r\nUSER anonymous\r\nPASS x\r\n")):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    f = s.makefile("rb")
    assert f.readline().startswith(b"220")
    s.sendall(first)
    if second:
        s.sendall(second)
    assert f.readline().startswith(b"234"), "no 234"
    t = ctx.wrap_socket(s, server_hostname="127.0.0.1")
    t.sendall(b"PWD\r\n")
    r = t.recv(200)
    assert r.startswith(b"530"), r	# not logged in: USER/PASS dropped
    t.close()
EOF2
}

@test "bad use: ftp tls: without a certificate, --tls-required without TLS" {
	run -2 "$SOCKIT" ftp tls:127.0.0.1:0
	[[ $output == *"needs --cert and --key, or --self-signed"* ]]
	run -2 "$SOCKIT" ftp --tls-required 127.0.0.1:0
	[[ $output == *"--tls-required needs --cert and --key, or --self-signed"* ]]
	run -2 "$SOCKIT" ftp --cert "$T/none.pem" 127.0.0.1:0
	[[ $output == *"--cert and --key go together"* ]]
}

@test "FTPS explicit: a client that sends AUTH TLS and no handshake is closed after -w" {
	start_ftp --self-signed -w 300ms
	py "$PORT" <<'EOF2'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
f = s.makefile("rb")
assert f.readline().startswith(b"220")
s.sendall(b"AUTH TLS\r\n")
assert f.readline().startswith(b"234")
# No ClientHello: the server must let go long before -i (300 s).
try:
    assert f.read() == b""
except ConnectionResetError:
    pass
EOF2
}
