/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * loadgen: the load generator of sockit's benchmark suite.
 *
 *   loadgen pingpong [-c N] [-r R] [-s S] [-p P] [-t SECS] ADDR
 *	N clients on one epoll loop, each doing R rounds of "send S bytes,
 *	wait for the same S bytes back".  Every byte is checked.  Setup
 *	(connect plus one unmeasured round per client, at most P clients
 *	in it at a time, default 8) comes first; then all N clients run
 *	their R rounds at once.  Prints one line: clients= rounds= size=
 *	round_trips= secs= rtt_per_s= p50_us= p99_us= max_us= setup_ms=
 *	errors=.  Exit 1 if any client failed or got a wrong byte.
 *   loadgen hold [-c N] [-r SECS] [-e] [-R] [-m B] [-f FD] [-p P] ADDR
 *	Open N connections and keep them until SIGTERM/SIGINT or SECS.
 *	-e: one checked 64-byte echo round per connection first;
 *	-R: read and discard (clock), and wait until every connection
 *	got B bytes (-m, default 1).  "held=N served=K" goes to FD (or stdout) once all
 *	are up, like sockit's --ready-fd; a summary goes to stdout at
 *	the end (min_bytes_in: what the least served connection got).
 *   loadgen udppong [-c N] [-r R] [-s S] [-t SECS] ADDR
 *	The same over UDP: N connected UDP sockets, each doing R rounds of
 *	"send one S-byte datagram, wait for the same datagram back", every
 *	byte checked; a datagram not answered in 500 ms is sent again
 *	(counted as retries=).  Prints clients= rounds= size=
 *	round_trips= secs= rtt_per_s= retries= errors=.
 *   loadgen wsping [-c N] [-r R] [-s S] [-p P] [-t SECS] ADDR
 *	pingpong over WebSocket (RFC 6455): each client first sends the
 *	HTTP upgrade for / (a fixed Sec-WebSocket-Key) and checks the
 *	101 and its Sec-WebSocket-Accept; then a round is one masked
 *	binary frame of S bytes out and the same S bytes back, unmasked,
 *	in one frame or several (continuation or binary), every byte
 *	checked.  Output as pingpong's.  hold -w: the same upgrade (and
 *	with -e, one 64-byte frame echoed) before a connection is held.
 *   loadgen gen -n BYTES	a patterned stream of BYTES to stdout
 *   loadgen sink [-n BYTES]	read stdin, check the pattern, print bytes=
 *
 * SECS (-t, -r) bound every run: what is not done by then has failed.
 * ADDR: HOST:PORT, [V6]:PORT, unix:PATH, unix:@ABSTRACT, @ABSTRACT, or a
 * PATH holding a '/' (what sockit --ready-fd reports).  Only loopback
 * addresses are accepted: this tool opens thousands of connections and
 * has no business doing that to another host.
 *
 * The payload is a fixed random pattern with a prime period, read at an
 * offset that depends on the client and the round, so a byte that is
 * lost, duplicated, reordered or delivered to the wrong client shows.
 */
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAT_PERIOD	4093		/* prime, so shifts rarely line up */
#define IO_CHUNK	(256 * 1024)	/* gen/sink: one read or write */
#define RECV_CHUNK	(64 * 1024)	/* pingpong: one read */
#define MAX_EVENTS	1024
#define MAX_CLIENTS	200000
#define MAX_SAMPLES	(50 * 1000 * 1000)	/* latency samples kept */
#define MAX_LOGGED	10		/* errors told in detail */
#define PROBE_SIZE	64
#define MAX_CONNS_INFLIGHT	256	/* conns: at a time, at most */

enum cstate {
	C_NEW,		/* no socket yet */
	C_CONNECTING,	/* non-blocking connect in flight */
	C_UPGRADE,	/* wsping, hold -w: the 101 not yet all in */
	C_READY,	/* connected, nothing asked */
	C_BUSY,		/* a round is in flight */
	C_DONE,		/* all rounds done; held open */
	C_DEAD		/* failed and closed */
};

struct client {
	int		fd;
	enum cstate	state;
	uint32_t	round;
	uint32_t	want_out;	/* EPOLLOUT asked for */
	size_t		off;		/* pattern offset of this round */
	size_t		sent, rcvd;	/* within this round */
	uint64_t	t0;		/* round start, ns */
	uint64_t	bytes_in;	/* hold -R: bytes discarded */
	/* WebSocket only: the server's frame being read, the 101. */
	uint8_t		hdr[10];	/* a server frame's header so far */
	uint8_t		hlen;		/* bytes of it in hdr */
	uint64_t	left;		/* payload bytes of that frame to come */
	char		*resp;		/* the upgrade response so far */
	size_t		resp_len;
};

struct target {
	struct sockaddr_storage	ss;
	socklen_t		len;
	int			family;
};

struct run {
	struct target	 tgt;
	struct client	*cl;
	int		 n;
	int		 ep;
	int		 inflight_max;
	int		 discard;	/* hold -R: read and drop */
	int		 ws;		/* wsping, hold -w: WebSocket frames */
	uint64_t	 least;		/* hold -m: bytes that make a client served */
	size_t		 size;		/* bytes per round */
	uint32_t	 rounds;
	uint64_t	*lat;		/* round trip times, ns */
	size_t		 nlat;
	int		 record;	/* keep round trip times */
	int		 warm;		/* one round as part of the setup */
	uint64_t	 deadline;	/* ns, monotonic */
	int		 settled;	/* connect attempts over, either way */
	int		 dead, finished, served, dropped;
	int		 errors;
};

static const char	*prog = "loadgen";
static unsigned char	*pat;		/* PAT_PERIOD + longest slice */
static char		 scratch[IO_CHUNK];
static volatile sig_atomic_t	 got_signal;
static unsigned char	*wsbuf;		/* one masked frame being sent */

static void
die(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Fill the pattern: random bytes, repeated so any slice is contiguous. */
static void
pat_init(size_t longest)
{
	uint64_t	x = 0x9e3779b97f4a7c15ull;
	size_t		i;

	if ((pat = malloc(PAT_PERIOD + longest)) == NULL)
		die("out of memory for a %zu-byte pattern", longest);
	for (i = 0; i < PAT_PERIOD; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		pat[i] = (unsigned char)(x >> 32);
	}
	for (; i < PAT_PERIOD + longest; i++)
		pat[i] = pat[i - PAT_PERIOD];
}

/* A number with an optional binary suffix K, M, G. */
static uint64_t
parse_size(const char *s, const char *what)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *s == '-')
		die("%s: not a number: %s", what, s);
	switch (*end) {
	case 'K': case 'k':
		v <<= 10;
		end++;
		break;
	case 'M': case 'm':
		v <<= 20;
		end++;
		break;
	case 'G': case 'g':
		v <<= 30;
		end++;
		break;
	}
	if (*end != '\0')
		die("%s: bad suffix: %s", what, s);
	return v;
}

static uint64_t
parse_num(const char *s, const char *what, uint64_t lo, uint64_t hi)
{
	uint64_t	v = parse_size(s, what);

	if (v < lo || v > hi)
		die("%s: %s is out of range %" PRIu64 "..%" PRIu64,
		    what, s, lo, hi);
	return v;
}

/* Many connections need many descriptors: take all we may. */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
is_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	sin6 = (const struct sockaddr_in6 *)sa;
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		return sin6->sin6_addr.s6_addr[12] == 127;
	return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
}

static void
parse_unix(const char *path, struct target *t)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)&t->ss;
	size_t			 len = strlen(path);

	if (len == 0 || len >= sizeof(sun->sun_path))
		die("unix path empty or longer than %zu bytes: %s",
		    sizeof(sun->sun_path) - 1, path);
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len);
	/* Abstract names are counted, not NUL-terminated. */
	if (path[0] == '@')
		sun->sun_path[0] = '\0';
	t->len = offsetof(struct sockaddr_un, sun_path) + len +
	    (path[0] == '@' ? 0 : 1);
	t->family = AF_UNIX;
}

static void
parse_addr(const char *arg, struct target *t)
{
	struct addrinfo	 hints, *res;
	char		 host[256];
	const char	*port, *h = arg;
	size_t		 hlen;
	int		 e;

	memset(t, 0, sizeof(*t));
	if (strncmp(arg, "unix:", 5) == 0) {
		parse_unix(arg + 5, t);
		return;
	}
	/* As sockit reads (and reports) them: @ABSTRACT, or a path. */
	if (arg[0] == '@' || strchr(arg, '/') != NULL) {
		parse_unix(arg, t);
		return;
	}
	if (*h == '[') {
		if ((port = strstr(h, "]:")) == NULL)
			die("bad address (want [V6]:PORT): %s", arg);
		h++;
		hlen = port - h;
		port += 2;
	} else {
		if ((port = strrchr(h, ':')) == NULL)
			die("bad address (want HOST:PORT or unix:PATH): %s",
			    arg);
		hlen = port - h;
		port++;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		die("bad host in %s", arg);
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		die("%s: %s", arg, gai_strerror(e));
	if (!is_loopback(res->ai_addr))
		die("%s: not a loopback address; refusing", arg);
	memcpy(&t->ss, res->ai_addr, res->ai_addrlen);
	t->len = res->ai_addrlen;
	t->family = res->ai_family;
	freeaddrinfo(res);
}

/* One line per error for the first few, then only a count. */
static void
client_error(struct run *r, int i, const char *fmt, ...)
{
	va_list	ap;

	if (r->errors++ < MAX_LOGGED) {
		va_start(ap, fmt);
		fprintf(stderr, "%s: client %d: ", prog, i);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	} else if (r->errors == MAX_LOGGED + 1)
		fprintf(stderr, "%s: more errors; counting only\n", prog);
}

static void
client_kill(struct run *r, int i)
{
	struct client	*c = &r->cl[i];

	if (c->fd != -1)
		close(c->fd);	/* also leaves the epoll set */
	free(c->resp);
	c->resp = NULL;
	if (c->state == C_NEW || c->state == C_CONNECTING)
		r->settled++;
	else if (c->state == C_DONE)
		r->finished--;
	c->fd = -1;
	c->state = C_DEAD;
	r->dead++;
}

static void
set_events(struct run *r, int i, uint32_t ev)
{
	struct epoll_event	e = { .events = ev, .data.u32 = (uint32_t)i };

	if (epoll_ctl(r->ep, EPOLL_CTL_MOD, r->cl[i].fd, &e) == -1) {
		client_error(r, i, "epoll_ctl: %s", strerror(errno));
		client_kill(r, i);
	}
}

/*
 * Start one connect.  Returns 1 if under way or done, 0 if the listener's
 * backlog is full (unix sockets say EAGAIN at once: try again soon), -1
 * on a hard failure.
 */
static int
client_connect(struct run *r, int i)
{
	struct client		*c = &r->cl[i];
	struct epoll_event	 e = { .events = EPOLLOUT, .data.u32 = i };
	int			 one = 1;

	c->fd = socket(r->tgt.family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd == -1) {
		client_error(r, i, "socket: %s", strerror(errno));
		client_kill(r, i);
		return -1;
	}
	if (r->tgt.family != AF_UNIX)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&r->tgt.ss, r->tgt.len) == -1 &&
	    errno != EINPROGRESS) {
		if (errno == EAGAIN) {
			close(c->fd);
			c->fd = -1;
			return 0;
		}
		client_error(r, i, "connect: %s", strerror(errno));
		client_kill(r, i);
		return -1;
	}
	c->state = C_CONNECTING;
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, c->fd, &e) == -1) {
		client_error(r, i, "epoll_ctl: %s", strerror(errno));
		client_kill(r, i);
		return -1;
	}
	return 1;
}

static void	round_start(struct run *, int);

/*
 * WebSocket (wsping, hold -w).  The key is RFC 6455's own example, so
 * the accept value to expect is the RFC's too: any fixed key will do,
 * the server computes the answer from it.
 */
#define WS_KEY		"dGhlIHNhbXBsZSBub25jZQ=="
#define WS_ACCEPT	"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
#define WS_RESP_MAX	2048		/* the longest 101 we take */

/* Bytes of a client frame's header (masked) for a payload of n. */
static size_t
ws_hdr_len(size_t n)
{
	return 2 + (n < 126 ? 0 : n < 65536 ? 2 : 8) + 4;
}

/* Send the upgrade: small, so a fresh socket takes it in one write. */
static void
ws_upgrade(struct run *r, int i)
{
	struct client	*c = &r->cl[i];
	static const char req[] =
	    "GET / HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: " WS_KEY "\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "\r\n";
	ssize_t		n;

	n = write(c->fd, req, sizeof(req) - 1);
	if (n != (ssize_t)sizeof(req) - 1) {
		client_error(r, i, "upgrade: write: %s", n == -1 ?
		    strerror(errno) : "short");
		client_kill(r, i);
		return;
	}
	if ((c->resp = malloc(WS_RESP_MAX + 1)) == NULL)
		die("out of memory");
	c->resp_len = 0;
	c->state = C_UPGRADE;
}

/* Read the 101 up to its blank line, which must end the read: the
 * server has nothing to send before the first frame of ours. */
static void
ws_upgrade_read(struct run *r, int i)
{
	struct client	*c = &r->cl[i];
	char		*end, *line, *next;
	ssize_t		 n;
	int		 accept = 0;

	n = read(c->fd, c->resp + c->resp_len, WS_RESP_MAX - c->resp_len);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_error(r, i, "upgrade: %s after %zu bytes of the "
		    "response", n == 0 ? "closed by the server" :
		    strerror(errno), c->resp_len);
		client_kill(r, i);
		return;
	}
	c->resp_len += n;
	c->resp[c->resp_len] = '\0';
	if ((end = strstr(c->resp, "\r\n\r\n")) == NULL) {
		if (c->resp_len == WS_RESP_MAX || memchr(c->resp, '\0',
		    c->resp_len) != NULL) {
			client_error(r, i, "upgrade: no end of the response "
			    "in %zu bytes", c->resp_len);
			client_kill(r, i);
		}
		return;
	}
	if (end + 4 != c->resp + c->resp_len) {
		client_error(r, i, "upgrade: %zu bytes after the response",
		    (size_t)(c->resp + c->resp_len - (end + 4)));
		client_kill(r, i);
		return;
	}
	end[2] = '\0';
	if (strncmp(c->resp, "HTTP/1.1 101 ", 13) != 0) {
		client_error(r, i, "upgrade: %.*s", (int)strcspn(c->resp,
		    "\r\n"), c->resp);
		client_kill(r, i);
		return;
	}
	for (line = strstr(c->resp, "\r\n") + 2; *line != '\0';
	    line = next + 2) {
		next = strstr(line, "\r\n");
		*next = '\0';
		if (strncasecmp(line, "Sec-WebSocket-Accept:", 21) == 0 &&
		    strcmp(line + 21 + strspn(line + 21, " \t"),
		    WS_ACCEPT) == 0)
			accept = 1;
	}
	free(c->resp);
	c->resp = NULL;
	if (!accept) {
		client_error(r, i, "upgrade: no Sec-WebSocket-Accept: "
		    WS_ACCEPT " in the 101");
		client_kill(r, i);
		return;
	}
	c->state = C_READY;
	if (r->warm)
		round_start(r, i);
	else {
		/* hold -w without -e: through the setup once upgraded. */
		c->state = C_DONE;
		r->finished++;
	}
}

static void
connect_done(struct run *r, int i)
{
	struct client	*c = &r->cl[i];
	socklen_t	 len = sizeof(int);
	int		 err = 0;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		client_error(r, i, "connect: %s", strerror(err));
		client_kill(r, i);
		return;
	}
	c->state = C_READY;
	r->settled++;
	set_events(r, i, EPOLLIN);
	if (r->ws && c->state == C_READY) {
		ws_upgrade(r, i);
		return;
	}
	if (r->warm && c->state == C_READY)
		round_start(r, i);
}

/* Read and drop what a held connection gets (clock ticks). */
static void
held_read(struct run *r, int i)
{
	struct client	*c = &r->cl[i];
	ssize_t		 n;

	n = read(c->fd, scratch, sizeof(scratch));
	if (n > 0 && r->discard) {
		if (c->bytes_in < r->least && c->bytes_in + n >= r->least)
			r->served++;
		c->bytes_in += n;
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		client_error(r, i, "%zd unexpected bytes while idle", n);
	else if (n == 0)
		client_error(r, i, "closed by the server");
	else
		client_error(r, i, "read: %s", strerror(errno));
	r->dropped++;
	client_kill(r, i);
}

/* Write what is left of this round; ask for EPOLLOUT only if needed. */
static void
round_write(struct run *r, int i)
{
	struct client	*c = &r->cl[i];
	ssize_t		 n;
	uint32_t	 need;
	size_t		 len = r->size, h, k;
	uint8_t		 mask[4];
	const unsigned char *p = pat + c->off;

	if (r->ws) {
		/*
		 * The frame is built again on each write: from the round's
		 * slice and a mask of its own, the same bytes every time,
		 * so a short write goes on where it stopped.
		 */
		h = ws_hdr_len(r->size);
		len = h + r->size;
		wsbuf[0] = 0x82;	/* FIN, binary */
		if (r->size < 126)
			wsbuf[1] = 0x80 | r->size;
		else if (r->size < 65536) {
			wsbuf[1] = 0x80 | 126;
			wsbuf[2] = r->size >> 8;
			wsbuf[3] = r->size & 0xff;
		} else {
			wsbuf[1] = 0x80 | 127;
			for (k = 0; k < 8; k++)
				wsbuf[2 + k] = (uint64_t)r->size >> (56 - 8 * k);
		}
		for (k = 0; k < 4; k++) {
			mask[k] = (uint8_t)((i * 2654435761u + c->round *
			    40503u) >> (8 * k)) | 1;
			wsbuf[h - 4 + k] = mask[k];
		}
		for (k = 0; k < r->size; k++)
			wsbuf[h + k] = p[k] ^ mask[k & 3];
		p = wsbuf;
	}
	n = write(c->fd, p + c->sent, len - c->sent);
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		client_error(r, i, "round %u: write: %s", c->round,
		    strerror(errno));
		client_kill(r, i);
		return;
	}
	if (n > 0)
		c->sent += n;
	need = c->sent < len;
	if (need != c->want_out) {
		c->want_out = need;
		set_events(r, i, EPOLLIN | (need ? EPOLLOUT : 0));
	}
}

static void
round_start(struct run *r, int i)
{
	struct client	*c = &r->cl[i];

	c->state = C_BUSY;
	c->sent = c->rcvd = 0;
	c->hlen = 0;
	c->left = 0;
	/* Another slice for every client and round: misdelivery shows. */
	c->off = ((uint64_t)i * 7919 + (uint64_t)c->round * 131) % PAT_PERIOD;
	c->t0 = now_ns();
	round_write(r, i);
}

static void
round_end(struct run *r, int i)
{
	struct client	*c = &r->cl[i];

	if (r->record && r->nlat < MAX_SAMPLES)
		r->lat[r->nlat++] = now_ns() - c->t0;
	if (++c->round < r->rounds) {
		round_start(r, i);
		return;
	}
	c->state = C_DONE;
	r->finished++;
	if (!r->discard)
		r->served++;	/* hold -e: this one passed its probe */
	if (c->want_out) {
		c->want_out = 0;
		set_events(r, i, EPOLLIN);
	}
}

/* Payload bytes of this round on the wire so far. */
static size_t
payload_sent(const struct run *r, const struct client *c)
{
	size_t	h;

	if (!r->ws)
		return c->sent;
	h = ws_hdr_len(r->size);
	return c->sent > h ? c->sent - h : 0;
}

/*
 * WebSocket: the echo comes as server frames (unmasked; binary, or a
 * fragmented message's continuations) whose payloads, end to end,
 * must be exactly what was sent; any other frame is an error.
 */
static void
ws_round_read(struct run *r, int i, const unsigned char *b, size_t n)
{
	struct client	*c = &r->cl[i];
	size_t		 pos = 0, need, m, k;
	unsigned	 op;

	while (pos < n) {
		if (c->left == 0) {
			c->hdr[c->hlen++] = b[pos++];
			if (c->hlen < 2)
				continue;
			if (c->hdr[1] & 0x80) {
				client_error(r, i, "round %u: a masked frame "
				    "from the server", c->round);
				client_kill(r, i);
				return;
			}
			m = c->hdr[1] & 0x7f;
			need = 2 + (m == 126 ? 2 : m == 127 ? 8 : 0);
			if (c->hlen < need)
				continue;
			op = c->hdr[0] & 0x0f;
			if ((c->hdr[0] & 0x70) != 0 || (op != 0 && op != 2)) {
				client_error(r, i, "round %u: a frame 0x%02x "
				    "from the server, not binary data",
				    c->round, c->hdr[0]);
				client_kill(r, i);
				return;
			}
			if (m >= 126)
				for (m = 0, k = 2; k < need; k++)
					m = m << 8 | c->hdr[k];
			c->left = m;
			c->hlen = 0;
			continue;
		}
		m = n - pos < c->left ? n - pos : c->left;
		if (c->rcvd + m > payload_sent(r, c)) {
			client_error(r, i, "round %u: %zu bytes back, only "
			    "%zu sent", c->round, c->rcvd + m,
			    payload_sent(r, c));
			client_kill(r, i);
			return;
		}
		if (memcmp(b + pos, pat + c->off + c->rcvd, m) != 0) {
			client_error(r, i, "round %u: wrong bytes at offset "
			    "%zu", c->round, c->rcvd);
			client_kill(r, i);
			return;
		}
		c->rcvd += m;
		c->left -= m;
		pos += m;
		if (c->rcvd == r->size && c->left == 0) {
			if (pos < n || c->hlen != 0) {
				client_error(r, i, "round %u: %zu bytes "
				    "after the echo", c->round, n - pos);
				client_kill(r, i);
				return;
			}
			round_end(r, i);
			return;
		}
	}
}

/* The echo must be exactly what was sent so far, no more. */
static void
round_read(struct run *r, int i)
{
	struct client	*c = &r->cl[i];
	ssize_t		 n;

	n = read(c->fd, scratch, RECV_CHUNK);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_error(r, i, "round %u: %s after %zu of %zu bytes",
		    c->round, n == 0 ? "closed by the server" :
		    strerror(errno), c->rcvd, r->size);
		client_kill(r, i);
		return;
	}
	if (r->ws) {
		ws_round_read(r, i, (const unsigned char *)scratch, n);
		return;
	}
	if (c->rcvd + n > c->sent) {
		client_error(r, i, "round %u: %zu bytes back, only %zu sent",
		    c->round, c->rcvd + n, c->sent);
		client_kill(r, i);
		return;
	}
	if (memcmp(scratch, pat + c->off + c->rcvd, n) != 0) {
		client_error(r, i, "round %u: wrong bytes at offset %zu",
		    c->round, c->rcvd);
		client_kill(r, i);
		return;
	}
	c->rcvd += n;
	if (c->rcvd == r->size)
		round_end(r, i);
}

static void
on_event(struct run *r, int i, uint32_t ev)
{
	struct client	*c = &r->cl[i];

	switch (c->state) {
	case C_CONNECTING:
		connect_done(r, i);
		break;
	case C_UPGRADE:
		ws_upgrade_read(r, i);
		break;
	case C_BUSY:
		if (ev & EPOLLOUT)
			round_write(r, i);
		if (c->state == C_BUSY && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			round_read(r, i);
		break;
	case C_READY:
	case C_DONE:
		held_read(r, i);
		break;
	default:
		break;
	}
}

/* Wait at most until the deadline (or ms, if sooner); run the events. */
static int
poll_once(struct run *r, int ms, const sigset_t *mask)
{
	struct epoll_event	ev[MAX_EVENTS];
	uint64_t		now = now_ns(), left;
	int			n, k;

	if (now >= r->deadline)
		return -1;
	left = (r->deadline - now) / 1000000 + 1;
	if (ms < 0 || (uint64_t)ms > left)
		ms = (int)left;
	n = epoll_pwait(r->ep, ev, MAX_EVENTS, ms, mask);
	if (n == -1 && errno != EINTR) {
		fprintf(stderr, "%s: epoll_wait: %s\n", prog, strerror(errno));
		exit(1);
	}
	for (k = 0; k < n; k++)
		on_event(r, (int)ev[k].data.u32, ev[k].events);
	return 0;
}

/* Clients through the setup: connected (and warmed up), or dead. */
static int
setup_out(const struct run *r)
{
	return r->warm || r->ws ? r->finished + r->dead : r->settled;
}

/* At the deadline: whoever is not through the setup has failed. */
static void
setup_expire(struct run *r)
{
	static const char	*why[] = {
		[C_NEW] = "connect: not started in time",
		[C_CONNECTING] = "connect: timed out",
		[C_UPGRADE] = "upgrade: no 101 in time",
		[C_BUSY] = "warm-up round: no answer in time",
	};
	enum cstate		 st;
	int			 i;

	for (i = 0; i < r->n; i++) {
		st = r->cl[i].state;
		if (st == C_NEW || st == C_CONNECTING || st == C_UPGRADE ||
		    st == C_BUSY) {
			client_error(r, i, "%s", why[st]);
			client_kill(r, i);
		}
	}
}

/*
 * Connect all clients (with warm set, each also does one round), at
 * most inflight_max in the setup at a time.  A burst of thousands of
 * connects overflows a small accept queue (ncat's is tiny), and then
 * the kernel's SYN-ACK retry timers, seconds long, are what would be
 * measured, not the server.
 */
static void
connect_all(struct run *r, const sigset_t *mask)
{
	int	next = 0, backoff;

	while (setup_out(r) < r->n && !got_signal) {
		backoff = 0;
		while (next < r->n && next - setup_out(r) < r->inflight_max) {
			if (client_connect(r, next) == 0) {
				backoff = 1;	/* unix backlog full */
				break;
			}
			next++;
		}
		if (poll_once(r, backoff ? 1 : 100, mask) == -1)
			break;
	}
	setup_expire(r);
}

/* Clients that finished their rounds may start over. */
static void
rearm(struct run *r)
{
	int	i;

	for (i = 0; i < r->n; i++)
		if (r->cl[i].state == C_DONE) {
			r->cl[i].state = C_READY;
			r->cl[i].round = 0;
		}
	r->finished = 0;
}

/* Run the rounds of every connected client until all are done. */
static void
run_rounds(struct run *r, const sigset_t *mask)
{
	int	i;

	for (i = 0; i < r->n; i++)
		if (r->cl[i].state == C_READY)
			round_start(r, i);
	while (r->finished + r->dead < r->n && !got_signal)
		if (poll_once(r, -1, mask) == -1)
			break;
	for (i = 0; i < r->n; i++)
		if (r->cl[i].state == C_BUSY) {
			client_error(r, i, "round %u: no answer in time "
			    "(%zu of %zu bytes back)", r->cl[i].round,
			    r->cl[i].rcvd, r->size);
			client_kill(r, i);
		}
}

static void
on_signal(int sig)
{
	got_signal = sig;
}

/*
 * SIGTERM and SIGINT are blocked except inside epoll_pwait(), so one
 * that arrives between two waits is not lost.
 */
static void
signals_setup(sigset_t *waitmask)
{
	struct sigaction	sa;
	sigset_t		block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, waitmask);
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
}

static void
run_init(struct run *r, const char *addr, int n, int inflight, double secs)
{
	int	i;

	memset(r, 0, sizeof(*r));
	parse_addr(addr, &r->tgt);
	raise_nofile();
	r->n = n;
	r->inflight_max = inflight ? inflight : 8;
	if ((r->cl = calloc(n, sizeof(*r->cl))) == NULL)
		die("out of memory for %d clients", n);
	for (i = 0; i < n; i++)
		r->cl[i].fd = -1;
	if ((r->ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1: %s", strerror(errno));
	r->deadline = now_ns() + (uint64_t)(secs * 1e9);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v, in microseconds. */
static double
percentile_us(const uint64_t *v, size_t n, double p)
{
	size_t	k;

	if (n == 0)
		return 0;
	k = (size_t)(p / 100 * n + 0.999999);
	if (k < 1)
		k = 1;
	return v[k - 1] / 1e3;
}

static void
report(struct run *r, double setup_ms, double secs)
{
	qsort(r->lat, r->nlat, sizeof(*r->lat), cmp_u64);
	printf("clients=%d rounds=%u size=%zu round_trips=%zu secs=%.3f "
	    "rtt_per_s=%.0f p50_us=%.1f p99_us=%.1f max_us=%.1f "
	    "setup_ms=%.1f errors=%d\n", r->n, r->rounds, r->size, r->nlat,
	    secs, secs > 0 ? r->nlat / secs : 0,
	    percentile_us(r->lat, r->nlat, 50),
	    percentile_us(r->lat, r->nlat, 99),
	    percentile_us(r->lat, r->nlat, 100), setup_ms, r->errors);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s pingpong [-c N] [-r R] [-s S] [-p P] [-t SECS] ADDR\n"
	    "       %s hold [-c N] [-r SECS] [-e] [-R] [-w] [-m B] [-f FD] [-p P] ADDR\n"
	    "       %s wsping [-c N] [-r R] [-s S] [-p P] [-t SECS] ADDR\n"
	    "       %s udppong [-c N] [-r R] [-s S] [-t SECS] ADDR\n"
	    "       %s gen -n BYTES\n"
	    "       %s sink [-n BYTES]\n"
	    "       %s conns [-k] [-n N] [-p P] [-s S] [-t SECS] ADDR\n"
	    "ADDR: HOST:PORT, [V6]:PORT, unix:PATH, @ABSTRACT (loopback only)\n",
	    prog, prog, prog, prog, prog, prog, prog);
	exit(2);
}

/* Options of pingpong and hold; -r is rounds for one, seconds for the other. */
struct opts {
	int		n, inflight, probe, discard, fd, ws;
	uint64_t	least;
	uint32_t	rounds;
	size_t		size;
	double		secs;
	const char	*addr;
};

static void
parse_opts(int argc, char **argv, int hold, struct opts *o)
{
	int	ch;

	memset(o, 0, sizeof(*o));
	o->n = 1;
	o->rounds = 1;
	o->size = hold ? PROBE_SIZE : 64;
	o->secs = hold ? 60 : 120;
	o->fd = -1;
	o->least = 1;
	while ((ch = getopt(argc, argv, hold ? "c:r:eRwm:f:p:" :
	    "c:r:s:p:t:")) != -1) {
		switch (ch) {
		case 'c':
			o->n = parse_num(optarg, "-c", 1, MAX_CLIENTS);
			break;
		case 'r':
			if (hold)
				o->secs = parse_num(optarg, "-r", 1, 3600);
			else
				o->rounds = parse_num(optarg, "-r", 1,
				    100000000);
			break;
		case 's':
			o->size = parse_num(optarg, "-s", 1, 64 << 20);
			break;
		case 't':
			o->secs = parse_num(optarg, "-t", 1, 3600);
			break;
		case 'p':
			o->inflight = parse_num(optarg, "-p", 1, MAX_CLIENTS);
			break;
		case 'e':
			o->probe = 1;
			break;
		case 'R':
			o->discard = 1;
			break;
		case 'w':
			o->ws = 1;
			break;
		case 'm':
			o->least = parse_num(optarg, "-m", 1, 1 << 20);
			break;
		case 'f':
			o->fd = parse_num(optarg, "-f", 0, INT_MAX);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	o->addr = argv[optind];
	if ((uint64_t)o->n * o->size > (1ull << 32))
		die("-c times -s is over 4 GiB");
	if (o->ws && o->discard)
		die("-w and -R: a WebSocket clock is not read frame by frame");
}

/* wsping, hold -w: one masked frame of SIZE bytes at most. */
static void
ws_init(struct run *r, size_t size)
{
	r->ws = 1;
	if ((wsbuf = malloc(ws_hdr_len(size) + size)) == NULL)
		die("out of memory for a %zu-byte frame", size);
}

static int	ping_ws;	/* wsping: pingpong over WebSocket */

static int
cmd_pingpong(int argc, char **argv)
{
	struct opts	o;
	struct run	r;
	sigset_t	mask;
	uint64_t	t0, t1, tc;

	parse_opts(argc, argv, 0, &o);
	pat_init(o.size);
	signals_setup(&mask);
	run_init(&r, o.addr, o.n, o.inflight, o.secs);
	if (ping_ws)
		ws_init(&r, o.size);
	r.size = o.size;
	r.rounds = 1;
	r.nlat = (uint64_t)o.n * o.rounds;
	if (r.nlat > MAX_SAMPLES)
		r.nlat = MAX_SAMPLES;
	if ((r.lat = calloc(r.nlat, sizeof(*r.lat))) == NULL)
		die("out of memory for latency samples");
	r.nlat = 0;

	/*
	 * One unmeasured round first: the measured rounds then see a
	 * server that has accepted (or forked for) every client, and the
	 * kernel's retry timers for a full accept queue show in setup_ms
	 * rather than as seconds-long round trips.
	 */
	tc = now_ns();
	r.warm = 1;
	connect_all(&r, &mask);
	rearm(&r);
	r.rounds = o.rounds;
	r.record = 1;
	t0 = now_ns();
	run_rounds(&r, &mask);
	t1 = now_ns();
	report(&r, (t0 - tc) / 1e6, (t1 - t0) / 1e9);
	if (got_signal)
		fprintf(stderr, "%s: stopped by signal %d\n", prog,
		    (int)got_signal);
	return r.errors > 0 || got_signal ? 1 : 0;
}

/* One udppong client: the round in flight and when it was sent. */
struct uclient {
	int		fd;
	uint32_t	round;
	uint64_t	sent_at;
};

static size_t
udp_off(int i, uint32_t round)
{
	return ((size_t)i * 7919 + (size_t)round * 131) % PAT_PERIOD;
}

static void
udp_send(struct uclient *c, int i, size_t size)
{
	if (send(c->fd, pat + udp_off(i, c->round), size, MSG_DONTWAIT) == -1 &&
	    errno != EAGAIN && errno != ECONNREFUSED && errno != ENOBUFS)
		die("udppong: send: %s", strerror(errno));
	c->sent_at = now_ns();
}

static int
cmd_udppong(int argc, char **argv)
{
	struct opts		 o;
	struct target		 t;
	struct uclient		*cl;
	struct epoll_event	 ev, evs[MAX_EVENTS];
	uint64_t		 t0, t1, deadline, retries = 0, trips = 0;
	int			 ep, i, k, n, done = 0, errors = 0;
	ssize_t			 got;

	parse_opts(argc, argv, 0, &o);
	parse_addr(o.addr, &t);
	pat_init(o.size);
	raise_nofile();
	if ((cl = calloc(o.n, sizeof(*cl))) == NULL ||
	    (ep = epoll_create1(0)) == -1)
		die("udppong: %s", strerror(errno));
	for (i = 0; i < o.n; i++) {
		cl[i].fd = socket(t.family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (cl[i].fd == -1 || connect(cl[i].fd,
		    (struct sockaddr *)&t.ss, t.len) == -1)
			die("udppong: client %d: %s", i, strerror(errno));
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &ev) == -1)
			die("udppong: epoll: %s", strerror(errno));
	}
	t0 = now_ns();
	deadline = t0 + (uint64_t)(o.secs * 1e9);
	for (i = 0; i < o.n; i++)
		udp_send(&cl[i], i, o.size);
	while (done < o.n && !got_signal && now_ns() < deadline) {
		n = epoll_wait(ep, evs, MAX_EVENTS, 100);
		for (k = 0; k < n; k++) {
			i = evs[k].data.u32;
			while ((got = recv(cl[i].fd, scratch, sizeof(scratch),
			    0)) >= 0 || errno == ECONNREFUSED) {
				if (got < 0 || cl[i].round >= o.rounds)
					continue;
				/* A late answer to a resent round: not ours. */
				if ((size_t)got != o.size || memcmp(scratch,
				    pat + udp_off(i, cl[i].round), o.size) != 0) {
					if ((size_t)got == o.size && cl[i].round > 0 &&
					    memcmp(scratch, pat + udp_off(i,
					    cl[i].round - 1), o.size) == 0)
						continue;
					if (errors++ < MAX_LOGGED)
						fprintf(stderr, "%s: client %d round "
						    "%u: wrong datagram of %zd "
						    "bytes\n", prog, i,
						    cl[i].round, got);
					continue;
				}
				trips++;
				if (++cl[i].round == o.rounds)
					done++;
				else
					udp_send(&cl[i], i, o.size);
			}
		}
		/* Lost on the way (a full queue): send that round again. */
		t1 = now_ns();
		for (i = 0; i < o.n; i++)
			if (cl[i].round < o.rounds &&
			    t1 - cl[i].sent_at > 500000000u) {
				retries++;
				udp_send(&cl[i], i, o.size);
			}
	}
	t1 = now_ns();
	if (done < o.n && errors++ < MAX_LOGGED)
		fprintf(stderr, "%s: udppong: %d of %d clients not done\n",
		    prog, o.n - done, o.n);
	printf("clients=%d rounds=%u size=%zu round_trips=%" PRIu64
	    " secs=%.3f rtt_per_s=%.0f retries=%" PRIu64 " errors=%d\n",
	    o.n, o.rounds, o.size, trips, (t1 - t0) / 1e9,
	    trips / ((t1 - t0) / 1e9), retries, errors);
	return errors > 0 ? 1 : 0;
}

/* Tell the script we are up: one line to fd, then close it. */
static void
announce(int fd, const struct run *r)
{
	char	line[64];
	int	len;

	len = snprintf(line, sizeof(line), "held=%d served=%d\n",
	    r->settled - r->dead, r->served);
	if (fd == -1) {
		fputs(line, stdout);
		fflush(stdout);
		return;
	}
	if (write(fd, line, len) != len)
		fprintf(stderr, "%s: ready fd %d: %s\n", prog, fd,
		    strerror(errno));
	close(fd);
}

/* The least any live connection got shows a starved client. */
static void
hold_report(const struct run *r)
{
	uint64_t	bytes = 0, least = UINT64_MAX;
	int		i;

	for (i = 0; i < r->n; i++) {
		if (r->cl[i].state == C_DEAD)
			continue;
		bytes += r->cl[i].bytes_in;
		if (r->cl[i].bytes_in < least)
			least = r->cl[i].bytes_in;
	}
	printf("held=%d served=%d dropped=%d bytes_in=%" PRIu64
	    " min_bytes_in=%" PRIu64 " errors=%d\n", r->settled - r->dead,
	    r->served, r->dropped, bytes, least == UINT64_MAX ? 0 : least,
	    r->errors);
}

static int
cmd_hold(int argc, char **argv)
{
	struct opts	o;
	struct run	r;
	sigset_t	mask;

	parse_opts(argc, argv, 1, &o);
	pat_init(PROBE_SIZE);
	signals_setup(&mask);
	run_init(&r, o.addr, o.n, o.inflight, o.secs);
	r.discard = o.discard;
	r.least = o.least;
	r.size = PROBE_SIZE;
	r.rounds = 1;
	r.warm = o.probe;
	if (o.ws)
		ws_init(&r, PROBE_SIZE);
	if ((r.lat = calloc(o.n, sizeof(*r.lat))) == NULL)
		die("out of memory");

	connect_all(&r, &mask);
	/* Clock: all are served once each has had -m bytes of ticks. */
	while (o.discard && r.served < r.settled - r.dead && !got_signal)
		if (poll_once(&r, -1, &mask) == -1)
			break;
	announce(o.fd, &r);
	/* Now only the signal or the time limit ends it. */
	while (!got_signal && poll_once(&r, -1, &mask) == 0)
		continue;
	hold_report(&r);
	return r.errors > 0 ? 1 : 0;
}

/* Write the whole buffer, whatever the pipe takes at once. */
static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

static int
cmd_gen(int argc, char **argv)
{
	uint64_t	total = 0, off = 0;
	size_t		n;
	int		ch;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n')
			usage();
		total = parse_size(optarg, "-n");
	}
	if (optind != argc)
		usage();
	pat_init(IO_CHUNK);
	signal(SIGPIPE, SIG_IGN);
	while (off < total) {
		n = total - off < IO_CHUNK ? total - off : IO_CHUNK;
		if (write_all(1, pat + off % PAT_PERIOD, n) == -1) {
			fprintf(stderr, "%s: gen: write at byte %" PRIu64
			    ": %s\n", prog, off, strerror(errno));
			return 1;
		}
		off += n;
	}
	return 0;
}

static int
cmd_sink(int argc, char **argv)
{
	uint64_t	want = 0, off = 0;
	ssize_t		n;
	int		ch, have_want = 0;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n')
			usage();
		want = parse_size(optarg, "-n");
		have_want = 1;
	}
	if (optind != argc)
		usage();
	pat_init(IO_CHUNK);
	for (;;) {
		if ((n = read(0, scratch, IO_CHUNK)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: sink: read: %s\n", prog,
			    strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		if (memcmp(scratch, pat + off % PAT_PERIOD, n) != 0) {
			fprintf(stderr, "%s: sink: wrong bytes in a %zd-byte "
			    "read at offset %" PRIu64 "\n", prog, n, off);
			return 1;
		}
		off += n;
	}
	printf("bytes=%" PRIu64 "\n", off);
	if (have_want && off != want) {
		fprintf(stderr, "%s: sink: got %" PRIu64 " bytes, want %"
		    PRIu64 "\n", prog, off, want);
		return 1;
	}
	return 0;
}

/*
 * conns: N connections, P at a time, each one exchange: connect, send S
 * bytes, half-close, read the S bytes back and the end.  For servers
 * that start a process per connection (sockit exec, tcpserver, socat
 * fork, ncat --exec): the cost measured is the connection's, not a
 * round trip's.  Latency is from connect() to the last byte of the
 * reply; conns_per_s counts connections ended cleanly.
 */
/* conns -k: never half-close; done once the reply is in (ncat --exec
 * ends the program at the client's half-close, before its reply). */
static int	keep_open;

struct slot {
	int		fd;
	int		connecting;
	size_t		off, sent, rcvd;
	uint64_t	t0;
};

static int
conn_start(const struct target *t, struct slot *c, size_t off)
{
	memset(c, 0, sizeof(*c));
	c->off = off;
	c->t0 = now_ns();
	c->fd = socket(t->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (c->fd == -1)
		return -1;
	if (connect(c->fd, (const struct sockaddr *)&t->ss, t->len) == -1) {
		if (errno != EINPROGRESS && errno != EAGAIN)
			return -1;
		c->connecting = 1;
	}
	return 0;
}

/* Advance c; 1 when it ended cleanly, -1 on an error, 0 to go on. */
static int
conn_step(struct slot *c, size_t size, uint64_t *lat, char *why,
    size_t whylen)
{
	socklen_t	len = sizeof(int);
	ssize_t		n;
	int		e = 0;

	if (c->connecting) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1 ||
		    e != 0) {
			snprintf(why, whylen, "connect: %s", strerror(e));
			return -1;
		}
		c->connecting = 0;
	}
	while (c->sent < size) {
		n = write(c->fd, pat + c->off + c->sent, size - c->sent);
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n == -1) {
			snprintf(why, whylen, "write: %s", strerror(errno));
			return -1;
		}
		if ((c->sent += n) == size && !keep_open)
			shutdown(c->fd, SHUT_WR);
	}
	for (;;) {
		n = read(c->fd, scratch, sizeof(scratch));
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n == -1) {
			snprintf(why, whylen, "read: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		if (c->rcvd + n > size ||
		    memcmp(scratch, pat + c->off + c->rcvd, n) != 0) {
			snprintf(why, whylen, "wrong bytes back");
			return -1;
		}
		if ((c->rcvd += n) == size) {
			*lat = now_ns() - c->t0;
			if (keep_open)
				return 1;	/* no end to wait for */
		}
	}
	if (c->rcvd != size) {
		snprintf(why, whylen, "%zu bytes back of %zu", c->rcvd, size);
		return -1;
	}
	return 1;
}

static int
cmd_conns(int argc, char **argv)
{
	struct target	 t;
	struct pollfd	 pfd[MAX_CONNS_INFLIGHT];
	struct slot	 sl[MAX_CONNS_INFLIGHT];
	uint64_t	*lat, t0, deadline, l = 0;
	char		 why[128];
	size_t		 size = 64, nlat = 0;
	int		 ch, i, n = 1000, p = 8, secs = 120, started = 0;
	int		 active = 0, errors = 0, r;

	while ((ch = getopt(argc, argv, "kn:p:s:t:")) != -1) {
		switch (ch) {
		case 'k':
			keep_open = 1;
			break;
		case 'n':
			n = parse_num(optarg, "-n", 1, MAX_SAMPLES);
			break;
		case 'p':
			p = parse_num(optarg, "-p", 1, MAX_CONNS_INFLIGHT);
			break;
		case 's':
			size = parse_num(optarg, "-s", 1, IO_CHUNK);
			break;
		case 't':
			secs = parse_num(optarg, "-t", 1, 3600);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	parse_addr(argv[optind], &t);
	pat_init(size);
	signal(SIGPIPE, SIG_IGN);
	if ((lat = calloc(n, sizeof(*lat))) == NULL)
		die("out of memory");
	t0 = now_ns();
	deadline = t0 + (uint64_t)secs * 1000000000u;
	for (i = 0; i < p; i++)
		sl[i].fd = -1;
	while (started < n || active > 0) {
		for (i = 0; i < p && started < n; i++)
			if (sl[i].fd == -1) {
				if (conn_start(&t, &sl[i],
				    (size_t)started * 7 % PAT_PERIOD) == -1) {
					if (errors++ < MAX_LOGGED)
						fprintf(stderr, "%s: connect: "
						    "%s\n", prog,
						    strerror(errno));
					if (sl[i].fd != -1)
						close(sl[i].fd);
					sl[i].fd = -1;
				} else
					active++;
				started++;
			}
		for (i = 0; i < p; i++) {
			pfd[i].fd = sl[i].fd;
			pfd[i].events = sl[i].connecting ||
			    sl[i].sent < size ? POLLOUT : POLLIN;
			pfd[i].revents = 0;
		}
		if (now_ns() > deadline)
			die("conns: out of time after %zu connections", nlat);
		if (poll(pfd, p, 1000) == -1 && errno != EINTR)
			die("poll: %s", strerror(errno));
		for (i = 0; i < p; i++) {
			if (sl[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if ((r = conn_step(&sl[i], size, &l, why,
			    sizeof(why))) == 0)
				continue;
			if (r == 1)
				lat[nlat++] = l;
			else if (errors++ < MAX_LOGGED)
				fprintf(stderr, "%s: %s\n", prog, why);
			close(sl[i].fd);
			sl[i].fd = -1;
			active--;
		}
	}
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	printf("conns=%zu secs=%.3f conns_per_s=%.0f p50_us=%.1f "
	    "p99_us=%.1f max_us=%.1f errors=%d\n", nlat,
	    (now_ns() - t0) / 1e9, nlat / ((now_ns() - t0) / 1e9),
	    percentile_us(lat, nlat, 50), percentile_us(lat, nlat, 99),
	    percentile_us(lat, nlat, 100), errors);
	free(lat);
	return errors > 0;
}

static int
cmd_wsping(int argc, char **argv)
{
	ping_ws = 1;
	return cmd_pingpong(argc, argv);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		int		(*fn)(int, char **);
	} cmds[] = {
		{ "pingpong", cmd_pingpong },
		{ "wsping", cmd_wsping },
		{ "hold", cmd_hold },
		{ "udppong", cmd_udppong },
		{ "gen", cmd_gen },
		{ "sink", cmd_sink },
		{ "conns", cmd_conns },
	};
	size_t	i;

	if (argc < 2)
		usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	usage();
	return 2;
}
