/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * connread: connection rate of a server that talks first and hangs up,
 * for the exec-pty scenario (a program on a terminal that prints one
 * line and exits).  loadgen conns cannot drive it: it sends first and
 * wants its own bytes back.
 *
 *   connread [-n N] [-p P] [-t SECS] -e TEXT HOST:PORT
 *	N connections, P at a time.  Each connects, sends nothing (no
 *	half-close either: a terminal would read it as ^D), reads until
 *	the server closes, and must have got exactly TEXT (C escapes \r
 *	\n \t \\ are understood).  Prints conns= secs= conns_per_s=
 *	p50_us= p99_us= max_us= errors=; latency is connect() to the end.
 *	Exit 1 on any wrong, missing or extra byte, reset or timeout.
 *
 * Loopback (127/8) only, as loadgen: it opens connections in bulk.
 * C11 and libc only, like the other helpers of bench/.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_INFLIGHT	256
#define MAX_TEXT	4096
#define MAX_LOGGED	10

struct slot {
	int		fd;
	int		connecting;
	size_t		rcvd;
	uint64_t	t0;
};

static char		text[MAX_TEXT];
static size_t		textlen;
static struct sockaddr_in sin4;

static uint64_t
now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
usage(void)
{
	fprintf(stderr, "usage: connread [-n N] [-p P] [-t SECS] -e TEXT "
	    "HOST:PORT\n");
	exit(2);
}

static long
num(const char *s, long lo, long hi)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

/* TEXT with \r \n \t \\ made bytes. */
static void
unescape(const char *s)
{
	for (textlen = 0; *s != '\0'; s++) {
		if (textlen == sizeof(text))
			usage();
		if (*s == '\\' && s[1] != '\0') {
			s++;
			switch (*s) {
			case 'r': text[textlen++] = '\r'; break;
			case 'n': text[textlen++] = '\n'; break;
			case 't': text[textlen++] = '\t'; break;
			default: text[textlen++] = *s; break;
			}
		} else
			text[textlen++] = *s;
	}
}

static void
parse_addr(const char *arg)
{
	char	 host[64];
	const char *colon = strrchr(arg, ':');

	if (colon == NULL || (size_t)(colon - arg) >= sizeof(host))
		usage();
	memcpy(host, arg, colon - arg);
	host[colon - arg] = '\0';
	memset(&sin4, 0, sizeof(sin4));
	sin4.sin_family = AF_INET;
	sin4.sin_port = htons((uint16_t)num(colon + 1, 1, 65535));
	if (inet_pton(AF_INET, host, &sin4.sin_addr) != 1 ||
	    (ntohl(sin4.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "connread: %s: only 127/8 addresses\n", arg);
		exit(2);
	}
}

static int
start(struct slot *c)
{
	memset(c, 0, sizeof(*c));
	c->t0 = now_ns();
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd == -1)
		return -1;
	if (connect(c->fd, (struct sockaddr *)&sin4, sizeof(sin4)) == -1) {
		if (errno != EINPROGRESS)
			return -1;
		c->connecting = 1;
	}
	return 0;
}

/* 1: ended with exactly TEXT; -1: an error (in why); 0: go on. */
static int
step(struct slot *c, uint64_t *lat, char *why, size_t whylen)
{
	char		buf[MAX_TEXT + 1];
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
	for (;;) {
		n = read(c->fd, buf, sizeof(buf));
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n == -1) {
			snprintf(why, whylen, "read after %zu bytes: %s",
			    c->rcvd, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		if (c->rcvd + n > textlen ||
		    memcmp(buf, text + c->rcvd, n) != 0) {
			snprintf(why, whylen, "wrong bytes at offset %zu",
			    c->rcvd);
			return -1;
		}
		c->rcvd += n;
	}
	if (c->rcvd != textlen) {
		snprintf(why, whylen, "ended after %zu bytes of %zu", c->rcvd,
		    textlen);
		return -1;
	}
	*lat = now_ns() - c->t0;
	return 1;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct_us(const uint64_t *v, size_t n, int p)
{
	size_t	i;

	if (n == 0)
		return 0;
	i = (n * (size_t)p + 99) / 100;
	return v[i > 0 ? i - 1 : 0] / 1e3;
}

int
main(int argc, char **argv)
{
	struct pollfd	 pfd[MAX_INFLIGHT];
	struct slot	 sl[MAX_INFLIGHT];
	uint64_t	*lat, t0, deadline, l = 0;
	size_t		 nlat = 0;
	char		 why[128];
	int		 ch, i, n = 1000, p = 8, secs = 120, r;
	int		 started = 0, active = 0, errors = 0, have_text = 0;
	double		 el;

	while ((ch = getopt(argc, argv, "e:n:p:t:")) != -1) {
		switch (ch) {
		case 'e': unescape(optarg); have_text = 1; break;
		case 'n': n = (int)num(optarg, 1, 10000000); break;
		case 'p': p = (int)num(optarg, 1, MAX_INFLIGHT); break;
		case 't': secs = (int)num(optarg, 1, 3600); break;
		default: usage();
		}
	}
	if (!have_text || optind != argc - 1)
		usage();
	parse_addr(argv[optind]);
	signal(SIGPIPE, SIG_IGN);
	if ((lat = calloc((size_t)n, sizeof(*lat))) == NULL) {
		fprintf(stderr, "connread: out of memory\n");
		return 2;
	}
	for (i = 0; i < p; i++)
		sl[i].fd = -1;
	t0 = now_ns();
	deadline = t0 + (uint64_t)secs * 1000000000u;
	while (started < n || active > 0) {
		for (i = 0; i < p && started < n; i++) {
			if (sl[i].fd != -1)
				continue;
			started++;
			if (start(&sl[i]) == -1) {
				if (errors++ < MAX_LOGGED)
					fprintf(stderr, "connread: connect: "
					    "%s\n", strerror(errno));
				if (sl[i].fd != -1)
					close(sl[i].fd);
				sl[i].fd = -1;
			} else
				active++;
		}
		for (i = 0; i < p; i++) {
			pfd[i].fd = sl[i].fd;
			pfd[i].events = sl[i].connecting ? POLLOUT : POLLIN;
			pfd[i].revents = 0;
		}
		if (now_ns() > deadline) {
			fprintf(stderr, "connread: out of time after %zu "
			    "connections\n", nlat);
			return 1;
		}
		if (poll(pfd, (nfds_t)p, 1000) == -1 && errno != EINTR) {
			fprintf(stderr, "connread: poll: %s\n",
			    strerror(errno));
			return 1;
		}
		for (i = 0; i < p; i++) {
			if (sl[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if ((r = step(&sl[i], &l, why, sizeof(why))) == 0)
				continue;
			if (r == 1)
				lat[nlat++] = l;
			else if (errors++ < MAX_LOGGED)
				fprintf(stderr, "connread: %s\n", why);
			close(sl[i].fd);
			sl[i].fd = -1;
			active--;
		}
	}
	el = (now_ns() - t0) / 1e9;
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	printf("conns=%zu secs=%.3f conns_per_s=%.0f p50_us=%.1f "
	    "p99_us=%.1f max_us=%.1f errors=%d\n", nlat, el, nlat / el,
	    pct_us(lat, nlat, 50), pct_us(lat, nlat, 99),
	    pct_us(lat, nlat, 100), errors);
	free(lat);
	return errors > 0;
}
