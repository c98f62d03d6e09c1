/*
 * sockit clock: every client gets the time at once, then on every whole
 * multiple of the interval on the wall clock.  One timer serves all
 * clients; a client that does not read misses ticks and holds at most
 * the rest of one unsent tick.
 */
#include "config.h"

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
	char		 tick[TICK_MAX + 1 + DELIM_MAX];
	size_t		 ticklen;
};

struct cclient {
	struct conn	 c;
	char		*rest;		/* unsent end of the last tick */
	size_t		 restlen, restoff;
	long long	 sent;		/* ticks delivered */
	int		 eof;
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
cclient_close(struct clock *K, struct cclient *k, const char *why)
{
	log_v(1, "%s closed%s%s: %lld ticks sent", k->c.name, why ? ": " : "",
	    why ? why : "", k->sent);
	loop_del(K->srv.loop, k->c.fd);
	conntab_del(&K->srv.tab, &k->c);
	close(k->c.fd);
	free(k->rest);
	free(k);
	K->srv.clients--;
	if (K->srv.stopping && K->srv.clients == 0)
		loop_stop(K->srv.loop);
}

static int
interest(const struct cclient *k)
{
	return (k->eof ? 0 : LOOP_READ) | (k->restlen > 0 ? LOOP_WRITE : 0);
}

/* Write p (a tick or its rest); keep what the socket did not take. */
static int
put(struct clock *K, struct cclient *k, const char *p, size_t n)
{
	ssize_t	w;

	w = write(k->c.fd, p, n);
	if (w == -1) {
		if (errno != EAGAIN && errno != EINTR) {
			cclient_close(K, k, strerror(errno));
			return -1;
		}
		w = 0;
	}
	k->c.tx += w;
	if (w > 0)
		k->c.active = now_ms();
	if ((size_t)w == n) {
		free(k->rest);
		k->rest = NULL;
		k->restlen = 0;
		if (++k->sent == K->count) {
			cclient_close(K, k, NULL);
			return -1;
		}
	} else if (k->rest == NULL || p != k->rest + k->restoff) {
		if (w == 0 && k->rest == NULL)
			return 0;	/* not a byte taken: the tick is missed */
		if ((k->rest = malloc(n - w)) == NULL) {
			cclient_close(K, k, strerror(errno));
			return -1;
		}
		memcpy(k->rest, p + w, n - w);
		k->restoff = 0;
		k->restlen = n - w;
	} else {
		k->restoff += w;
		k->restlen -= w;
	}
	loop_set(K->srv.loop, k->c.fd, interest(k));
	return 0;
}

static void
on_client(struct loop *l, int fd, int events, void *arg)
{
	struct cclient	*k = arg;
	struct clock	*K = k->c.udata;
	ssize_t		 n;

	(void)l;
	if (events & LOOP_WRITE &&
	    put(K, k, k->rest + k->restoff, k->restlen) == -1)
		return;
	if (events & LOOP_READ) {
		/* What a client says is ignored; its EOF is not a goodbye. */
		n = read(fd, conn_scratch, sizeof(conn_scratch));
		if (n > 0)
			k->c.rx += n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			k->eof = 1;
			loop_set(K->srv.loop, fd, interest(k));
		}
	}
}

static void
on_tick(struct loop *l, void *arg)
{
	struct clock	*K = arg;
	struct conn	*c;
	int64_t		 wall = wall_ms(), next, slack;
	int		 fd;

	/* Name the tick by the multiple it is for, even if a little off. */
	slack = K->interval / 2 < 50 ? K->interval / 2 : 50;
	if (format_tick(K, (wall + slack) / K->interval * K->interval) == -1)
		K->ticklen = 0;
	for (fd = 0; fd < K->srv.tab.size; fd++) {
		if ((c = K->srv.tab.byfd[fd]) == NULL)
			continue;
		if (((struct cclient *)c)->restlen == 0 && K->ticklen > 0)
			put(K, (struct cclient *)c, K->tick, K->ticklen);
	}
	next = ((wall + slack) / K->interval + 1) * K->interval;
	loop_timer(l, TIMER_CMD, now_ms() + (next - wall), on_tick, K);
}

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct clock	*K = s->arg;
	struct cclient	*k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return -1;
	k->c.fd = fd;
	k->c.is_sock = 1;
	k->c.udata = K;
	k->c.active = now_ms();
	strlcpy(k->c.name, name, sizeof(k->c.name));
	if (conntab_put(&s->tab, &k->c) == -1 ||
	    loop_add(s->loop, fd, on_client, k) == -1) {
		log_v(1, "%s: refused: %s", name, strerror(errno));
		conntab_del(&s->tab, &k->c);
		free(k);
		return -1;
	}
	loop_set(s->loop, fd, interest(k));
	format_tick(K, wall_ms());
	put(K, k, K->tick, K->ticklen);	/* may close it: --count 1 */
	return 0;
}

static void
on_idle(struct conn *c, void *arg)
{
	struct server	*s = arg;

	/* Ticks are traffic: only an idle tick stream that stalls ends. */
	cclient_close(s->arg, (struct cclient *)c, "idle");
}

static void
on_stop(struct server *s)
{
	struct conn	*c;
	int		 fd;

	for (fd = 0; fd < s->tab.size; fd++)
		if ((c = s->tab.byfd[fd]) != NULL)
			cclient_close(s->arg, (struct cclient *)c, NULL);
	loop_stop(s->loop);
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
	K->srv.arg = K;
	K->srv.on_accept = on_accept;
	K->srv.on_stop = on_stop;
	K->srv.on_idle = on_idle;
	cmd_serve_open(cmd, &K->srv, &a);
	on_tick(K->srv.loop, K);
	cmd_serve_run(&K->srv);
	for (n = 0; n < K->srv.tab.size; n++)
		if (K->srv.tab.byfd[n] != NULL)
			cclient_close(K, (struct cclient *)K->srv.tab.byfd[n],
			    NULL);
	server_close(&K->srv);
	return 0;
}

const struct cmd cmd_clock = {
	"clock", "[options] ADDRESS",
	"every client gets the time each interval",
	clock_opts, NULL,
	GROUP_DELIM | GROUP_SERVER,
	clock_exec
};
