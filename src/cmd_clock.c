/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit clock: every client gets the time at once, then on every whole
 * multiple of the interval on the wall clock.  One timer serves all
 * clients; a client that does not read misses ticks and holds at most
 * the rest of one unsent tick.
 */
#include "config.h"

#include <sys/queue.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "server.h"
#include "util.h"

#define TICK_MAX	1024	/* bytes of a formatted time, less the NUL */

struct clock {
	struct common	 co;
	const char	*format;
	int64_t		 interval;
	int		 utc;
	long long	 count;
	struct server	 srv;
	struct timer	 tick_timer;
	TAILQ_HEAD(, cclient) ended;	/* clients whose input ended */
	char		 tick[TICK_MAX + 1 + DELIM_MAX];
	size_t		 ticklen;
};

struct cclient {
	struct conn	 c;
	char		*rest;		/* unsent end of the last tick */
	size_t		 restlen, restoff;
	long long	 sent;		/* ticks delivered */
	int		 eof;		/* its input ended */
	TAILQ_ENTRY(cclient) endq;
};

static const struct opt_spec clock_opts[] = {
	{ "format", 'f', required_argument, "STRFTIME",
	    "time format (default %H:%M:%S)" },
	{ "interval", 'I', required_argument, "DUR",
	    "tick interval (default 1s)" },
	{ "utc", OPT_UTC, no_argument, NULL, "UTC, whatever TZ says" },
	{ "count", 'c', required_argument, "N",
	    "close each client after N ticks" },
	{ NULL, 0, 0, NULL, NULL }
};

static int
clock_opt(int ch, const char *arg, void *ctx, const char **why)
{
	struct clock	*K = ctx;

	switch (ch) {
	case 'f':
		if (*arg == '\0') {
			*why = "empty";
			return -1;
		}
		K->format = arg;
		return 0;
	case 'I':
		if (parse_duration(arg, &K->interval, why) == -1)
			return -1;
		if (K->interval == 0) {
			*why = "must be more than 0";
			return -1;
		}
		return 0;
	case OPT_UTC:
		K->utc = 1;
		return 0;
	case 'c':
		return parse_number(arg, 1, LLONG_MAX, &K->count, why);
	}
	return 1;
}

/* The time at wall ms t, formatted and delimited, into K->tick. */
static int
format_tick(struct clock *K, int64_t t)
{
	time_t		secs = (time_t)(t / 1000);
	struct tm	tm;
	size_t		n;

	if ((K->utc ? gmtime_r(&secs, &tm) : localtime_r(&secs, &tm)) == NULL)
		return -1;
	/* 0 is an empty result or one that did not fit: a format whose
	 * output is empty ("%p" in some locales) is rare, so call it long. */
	if ((n = strftime(K->tick, TICK_MAX + 1, K->format, &tm)) == 0)
		return -1;
	memcpy(K->tick + n, K->co.delim.bytes, K->co.delim.len);
	K->ticklen = n + K->co.delim.len;
	return 0;
}

static void
cclient_end(struct server *s, struct conn *c, const char *why)
{
	struct cclient	*k = container_of(c, struct cclient, c);
	struct clock	*K = container_of(s, struct clock, srv);

	if (k->eof)
		TAILQ_REMOVE(&K->ended, k, endq);
	log_v(1, "%s closed%s%s: %lld tick%s sent", c->name, why ? ": " : "",
	    why ? why : "", k->sent, k->sent == 1 ? "" : "s");
	free(k->rest);
	server_detach(s, c);
	free(k);
}

static void
cclient_close(struct server *s, struct conn *c)
{
	cclient_end(s, c, NULL);
}

static int
wants(const struct cclient *k)
{
	return (k->eof ? 0 : LOOP_READ) | (k->restlen > 0 ? LOOP_WRITE : 0);
}

static int
interest(const struct conn *c)
{
	return conn_want(c, wants(container_of(c, struct cclient, c)));
}

/*
 * The client's input ended.  A unix peer that is gone shows it (POLLHUP)
 * and is let go at once.  Over TCP a close and a half-close (nc -N
 * </dev/null) look alike until a tick is refused, which may be hours
 * away; such a client keeps its ticks, but its slot goes to a new
 * client when --max-conns is reached (on_full).
 */
static void
input_ended(struct clock *K, struct cclient *k)
{
	if (sock_hung_up(k->c.fd)) {
		cclient_end(&K->srv, &k->c, "gone");
		return;
	}
	k->eof = 1;
	TAILQ_INSERT_TAIL(&K->ended, k, endq);
	server_settle(&k->c);
}

static int
on_full(struct server *s)
{
	struct clock	*K = container_of(s, struct clock, srv);
	struct cclient	*k;

	if ((k = TAILQ_FIRST(&K->ended)) == NULL)
		return -1;
	cclient_end(s, &k->c, "input ended, and its slot is wanted");
	return 0;
}

/* Write p (a tick or its rest); keep what the socket did not take. */
static int
put(struct clock *K, struct cclient *k, const char *p, size_t n)
{
	ssize_t	w;

	if ((w = conn_write(&k->c, p, n)) == -1) {
		if (errno != EAGAIN && errno != EINTR) {
			cclient_end(&K->srv, &k->c, strerror(errno));
			return -1;
		}
		w = 0;
	}
	if ((size_t)w == n) {
		free(k->rest);
		k->rest = NULL;
		k->restlen = 0;
		if (++k->sent == K->count) {
			cclient_end(&K->srv, &k->c, NULL);
			return -1;
		}
	} else if (k->rest == NULL || p != k->rest + k->restoff) {
		/* Not a byte taken: the tick is missed, but the first
		 * waits for the TLS handshake. */
		if (w == 0 && k->rest == NULL && conn_deadline(&k->c) == 0)
			return 0;
		if ((k->rest = malloc(n - w)) == NULL) {
			cclient_end(&K->srv, &k->c, strerror(errno));
			return -1;
		}
		memcpy(k->rest, p + w, n - w);
		k->restoff = 0;
		k->restlen = n - w;
	} else {
		k->restoff += w;
		k->restlen -= w;
	}
	server_settle(&k->c);
	return 0;
}

/* -1 once the client is let go (an end, an error, --count). */
static int
cclient_io(struct conn *c, int events)
{
	struct cclient	*k = container_of(c, struct cclient, c);
	struct clock	*K = container_of(c->srv, struct clock, srv);
	struct buf	 none = { 0 };
	char		*p;
	ssize_t		 n;

	if ((events = conn_ready(c, events, wants(k))) == -1) {
		cclient_end(&K->srv, c, "TLS handshake failed");
		return -1;
	}
	if (events & LOOP_WRITE &&
	    put(K, k, k->rest + k->restoff, k->restlen) == -1)
		return -1;
	if (events & LOOP_READ) {
		/* What a client says is ignored. */
		n = conn_read(c, &none, &p);
		if (n == 0) {
			input_ended(K, k);
			return -1;	/* settled, or gone */
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR) {
			cclient_end(&K->srv, c, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static const struct client_ops	cclient_ops = {
	.io = cclient_io,
	.interest = interest,
	.close = cclient_close,
};

static void
send_tick(struct server *s, struct conn *c)
{
	struct clock	*K = container_of(s, struct clock, srv);
	struct cclient	*k = container_of(c, struct cclient, c);

	if (k->restlen == 0 && K->ticklen > 0)
		put(K, k, K->tick, K->ticklen);
}

static void
on_tick(struct loop *l, struct timer *t)
{
	struct clock	*K = container_of(t, struct clock, tick_timer);
	int64_t		 wall = wall_ms(), next, slack;

	/* Name the tick by the multiple it is for, even if a little off. */
	slack = K->interval / 2 < 50 ? K->interval / 2 : 50;
	if (format_tick(K, (wall + slack) / K->interval * K->interval) == -1)
		K->ticklen = 0;
	server_each(&K->srv, send_tick);
	next = ((wall + slack) / K->interval + 1) * K->interval;
	timer_at(l, t, now_ms() + (next - wall));
}

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct clock	*K = container_of(s, struct clock, srv);
	struct cclient	*k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return -1;
	conn_init(&k->c, fd, name);
	if (server_attach(s, &k->c, &cclient_ops) == -1) {
		free(k);
		return -1;
	}
	server_settle(&k->c);
	format_tick(K, wall_ms());
	put(K, k, K->tick, K->ticklen);	/* may close it: --count 1 */
	return 0;
}

static void
on_idle(struct server *s, struct conn *c)
{
	/* Ticks are traffic: only an idle tick stream that stalls ends. */
	cclient_end(s, c, "idle");
}

static void
on_stop(struct server *s)
{
	server_each(s, cclient_close);
}

static int
clock_exec(const struct cmd *cmd, int argc, char **argv)
{
	/* Lives as long as the process: static, never freed. */
	static struct clock	 K_;
	struct clock		*K = &K_;
	struct addr	 a;
	int		 n;

	K->format = "%H:%M:%S";
	K->interval = 1000;
	n = cmd_parse(cmd, argc, argv, clock_opt, K, &K->co);
	cmd_server_address(cmd, &K->co, argc - n, argv + n, &a);
	tzset();
	if (format_tick(K, wall_ms()) == -1)
		usage_error(cmd, "-f: formats to nothing, or to more than "
		    "%d bytes", TICK_MAX);	/* the format may be huge */
	K->srv.co = &K->co;
	K->srv.on_accept = on_accept;
	K->srv.on_stop = on_stop;
	K->srv.on_idle = on_idle;
	K->srv.on_full = on_full;
	TAILQ_INIT(&K->ended);
	cmd_serve_open(cmd, &K->srv, &a);
	timer_init(&K->tick_timer, on_tick);
	on_tick(K->srv.loop, &K->tick_timer);
	cmd_serve(&K->srv, cclient_close);
	return 0;
}

const struct cmd cmd_clock = {
	.name = "clock",
	.args = "[options] ADDRESS",
	.summary = "every client gets the time each interval",
	.opts = clock_opts,
	.note = NULL,
	.flags = GROUP_DELIM | GROUP_SERVER | GROUP_WORKERS | GROUP_IDLE,
	.serves = KIND_STREAM | KIND_TLS | KIND_SYSTEMD | KIND_WS,
	.dials = 0,
	.exec = clock_exec
};
