# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
#
# ftp-get: FTP_CLIENTS curls download one file at once (FTP_SIZE, or a
# quarter of the free space); MiB/s of them all, and the server's CPU
# per GiB.  ftp-files: one curl fetches FTP_FILES small files over one
# control connection; files/s, every file compared.  ftp-idle: the
# server's RSS with FTP_IDLE control connections greeted and silent.
# Against pyftpdlib (anonymous, read-only, sendfile on).

FTP_SIZE=$(pick $((4 << 20)) $((1 << 30)))
FTP_IDLE=$(pick 100 1000)
FTP_FILES=$(pick 50 300)
FTP_CLIENTS=8

# ftp_server TOOL DIR: sets SRV and SRV_ADDR.  pyftpdlib cannot bind
# port 0 and tell: a port found free is given; its default cap of 512
# clients is lifted for the idle test.
ftp_server() {
	local tool=$1 dir=$2 port
	if [ "$tool" = sockit ]; then
		sockit_server "$SOCKIT" ftp -r "$dir" --backend epoll -x 20000 127.0.0.1:0
		return
	fi
	port=$(free_port)
	spawn -- "$PYFTPD" -c '
import sys, logging
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
logging.basicConfig(level=logging.ERROR)
a = DummyAuthorizer()
a.add_anonymous(sys.argv[2])
h = FTPHandler
h.authorizer = a
s = FTPServer(("127.0.0.1", int(sys.argv[1])), h)
s.max_cons = s.max_cons_per_ip = 0
s.serve_forever()' "$port" "$dir"
	SRV=$SPAWNED
	SRV_ERR=$SPAWN_ERR
	SRV_ADDR=127.0.0.1:$port
	wait_listen "$SRV" tcp "$port"
}

# ftp_get_run TOOL: FTP_CLIENTS curls fetch the file at once; MiB/s of
# them all.  Quick mode compares every byte; a full run the sizes.
ftp_get_run() {
	local tool=$1 i t0 t1 pids=() bad= got cpu
	if ! ftp_server "$tool" "$tmp/ftproot"; then
		fail ftp-get "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	t0=$(now_ns)
	for ((i = 1; i <= FTP_CLIENTS; i++)); do
		spawn -o "$tmp/ftp.size.$i" -e "$tmp/ftp.err.$i" -- curl -sS \
		    -w '%{size_download}' \
		    -o "$([ -n "$QUICK" ] && echo "$tmp/ftp.got.$i" || echo /dev/null)" \
		    "ftp://$SRV_ADDR/big"
		pids+=("$SPAWNED")
	done
	for i in "${!pids[@]}"; do
		wait_for "${pids[$i]}" 600 || bad="curl $((i + 1)) failed"
	done
	t1=$(now_ns)
	# The server's own CPU time (user + system), before it goes.
	cpu=$(awk '{ print $14 + $15 }' "/proc/$SRV/stat" 2>/dev/null)
	stop "$SRV"
	for ((i = 1; i <= FTP_CLIENTS; i++)); do
		got=$(cat "$tmp/ftp.size.$i" 2>/dev/null)
		[ "$got" = "$FTP_SIZE" ] || bad="curl $i got ${got:-nothing} bytes"
		if [ -n "$QUICK" ] && ! cmp -s "$tmp/ftproot/big" "$tmp/ftp.got.$i"; then
			bad="curl $i got different bytes"
		fi
		rm -f "$tmp/ftp.got.$i"
	done
	if [ -n "$bad" ]; then
		fail ftp-get "$tool" "$bad" "$tmp/ftp.err.1"
		return
	fi
	add ftp-get "$tool" "$(awk -v b=$((FTP_SIZE * FTP_CLIENTS)) \
	    -v t=$((t1 - t0)) 'BEGIN { printf "%.1f", b / 1048576 / (t / 1e9) }')"
	[ -n "$cpu" ] && add ftp-get-cpu "$tool" "$(awk -v c="$cpu" \
	    -v hz="$(getconf CLK_TCK)" -v b=$((FTP_SIZE * FTP_CLIENTS)) \
	    'BEGIN { printf "%.3f", c / hz / (b / 1073741824) }')"
}

# ftp_files_run TOOL: one curl fetches FTP_FILES small files over one
# control connection (a data connection each); files/s, every file
# compared.
ftp_files_run() {
	local tool=$1 i t0 t1 urls=() bad=
	if ! ftp_server "$tool" "$tmp/ftproot"; then
		fail ftp-files "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	rm -rf "$tmp/ftpfiles.got" && mkdir "$tmp/ftpfiles.got"
	for ((i = 1; i <= FTP_FILES; i++)); do
		urls+=("ftp://$SRV_ADDR/small/f$i" -o "$tmp/ftpfiles.got/f$i")
	done
	t0=$(now_ns)
	spawn -e "$tmp/ftpfiles.err" -- curl -sS "${urls[@]}"
	wait_for "$SPAWNED" 600 || bad="curl failed"
	t1=$(now_ns)
	stop "$SRV"
	diff -r "$tmp/ftproot/small" "$tmp/ftpfiles.got" >/dev/null 2>&1 ||
	    bad=${bad:-"files differ"}
	if [ -n "$bad" ]; then
		fail ftp-files "$tool" "$bad" "$tmp/ftpfiles.err"
		return
	fi
	add ftp-files "$tool" "$(awk -v n="$FTP_FILES" -v t=$((t1 - t0)) \
	    'BEGIN { printf "%.0f", n / (t / 1e9) }')"
}

# ftp_idle_run TOOL: the server's RSS with FTP_IDLE control connections
# that each got their 220 greeting and then say nothing.
ftp_idle_run() {
	local tool=$1 hpid line mem
	if ! ftp_server "$tool" "$tmp/ftproot"; then
		fail ftp-idle "$tool" "server did not start" "$SRV_ERR"
		stop "$SRV"
		return
	fi
	spawn -e "$tmp/ftpidle.err" -r "$tmp/ready2" -- python3 -c '
import os, socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
held = []
for i in range(int(sys.argv[2])):
    s = socket.create_connection((host, int(port)), timeout=30)
    if not s.recv(100).startswith(b"220"):
        break
    held.append(s)
os.write(3, b"held=%d\n" % len(held))
time.sleep(600)' "$SRV_ADDR" "$FTP_IDLE"
	hpid=$SPAWNED
	read_ready "$tmp/ready2" "$hpid" 120
	line=$READY_ADDR
	mem=$(group_mem_kb "$SRV")
	stop "$hpid"
	stop "$SRV"
	if [ "$line" != "held=$FTP_IDLE" ]; then
		fail ftp-idle "$tool" "not all $FTP_IDLE clients greeted: ${line:-no answer}" "$tmp/ftpidle.err"
		return
	fi
	add ftp-idle "$tool" "$(awk -v a="${mem% *}" 'BEGIN { printf "%.2f", a / 1024 }')"
}

# ftp_files: the big file (as large as the disk allows: a quarter of
# what is free; %.0f: mawk's %d stops at 2^31) and the small ones.
ftp_files() {
	local avail i
	avail=$(df -Pk "$tmp" | awk 'NR == 2 { printf "%.0f", $4 * 1024 }')
	[ "$FTP_SIZE" -gt $((avail / 4)) ] && FTP_SIZE=$((avail / 4 >> 20 << 20))
	mkdir -p "$tmp/ftproot/small"
	head -c "$FTP_SIZE" /dev/urandom >"$tmp/ftproot/big" || return 1
	for ((i = 1; i <= FTP_FILES; i++)); do
		head -c $((i * 7 % 4096 + 1)) /dev/urandom >"$tmp/ftproot/small/f$i"
	done
}

scenario_ftp() {
	row ftp-get sockit MiB/s ""
	row ftp-get pyftpdlib MiB/s "r>=3"
	row ftp-get-cpu sockit s/GiB ""
	row ftp-get-cpu pyftpdlib s/GiB ""
	row ftp-files sockit files/s ""
	row ftp-files pyftpdlib files/s "r>=3"
	row ftp-idle sockit MiB "v<=8"
	row ftp-idle pyftpdlib MiB ""
	if ! command -v curl >/dev/null; then
		fail ftp-get sockit "curl is needed"
		return
	fi
	have pyftpdlib && PYFTPD=$(pyftpd_python)
	ftp_files || { fail ftp-get sockit "cannot make the file"; return; }
	sizes "ftp $FTP_CLIENTS x $((FTP_SIZE >> 20)) MiB, $FTP_FILES small files, $FTP_IDLE idle"
	contenders sockit pyftpdlib
	alternate ftp-get ftp_get_run
	alternate ftp-files ftp_files_run
	alternate ftp-idle ftp_idle_run
	rm -rf "$tmp/ftproot/big" "$tmp/ftproot/small" "$tmp/ftpfiles.got"
}
