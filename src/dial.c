/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The one connector: see dial.h.  Its steps run from loop callbacks,
 * so nothing here blocks; errors go back as strings.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "dial.h"
#include "log.h"
#include "tls.h"
#include "util.h"
#include "ws.h"

/* A unix target with a full backlog is tried again this often. */
#define BUSY_RETRY_MS	10
/* RFC 8305's Connection Attempt Delay: the next candidate's head start. */
#define STAGGER_MS	250
/* --retry's first pause, and its longest by default. */
#define BACKOFF_MS	100
#define BACKOFF_MAX_MS	10000

enum {
	D_IDLE,
	D_BUSY,		/* a full unix backlog: the retry timer runs */
	D_BACKOFF,	/* every candidate failed: --retry's pause */
	D_CONNECT,	/* a connect is under way */
	D_PROXY,	/* the proxy's handshake */
	D_TLS,		/* the TLS client handshake */
	D_WS,		/* the WebSocket upgrade */
	D_OUTCOME	/* done or failed: the callback comes next turn */
};

static void	try_connect(struct dial *);

/* Drop the connects in flight (all of them, at the end, or the losers). */
static void
drop_tries(struct dial *d)
{
	int	i;

	for (i = 0; i < DIAL_TRIES_MAX; i++)
		if (d->tries[i].fd != -1) {
			loop_del(d->loop, d->tries[i].fd);
			close(d->tries[i].fd);
			d->tries[i].fd = -1;
		}
	d->ntries = 0;
	timer_stop(d->loop, &d->stagger);
}

/*
 * The end, either way.  The callback waits for the loop's next turn, so
 * that no command is called back from inside its own dial_start.
 */
static void
finish(struct dial *d, const char *err)
{
	struct conn	*c = d->c;

	timer_stop(d->loop, &d->timer);
	drop_tries(d);
	if (c->fd != -1)
		loop_del(d->loop, c->fd);
	if (err != NULL && c->fd != -1) {
		ws_free(c);
		tls_free(c);
		close(c->fd);
		c->fd = -1;
	}
	if (err == NULL)
		d->err[0] = '\0';
	else if (err != d->err)
		strlcpy(d->err, err, sizeof(d->err));
	d->state = D_OUTCOME;
	timer_at(d->loop, &d->timer, now_ms());
}

/* The deadline of the step under way: -w's, or the TLS handshake's. */
static void
arm(struct dial *d)
{
	int64_t	when = d->deadline;

	if ((d->state == D_TLS || d->state == D_WS) &&
	    (when == 0 || conn_deadline(d->c) < when))
		when = conn_deadline(d->c);
	if (when != 0)
		timer_at(d->loop, &d->timer, when);
	else
		timer_stop(d->loop, &d->timer);
}

static void	start_ws(struct dial *);

static void
tls_step(struct dial *d, int events)
{
	struct conn	*c = d->c;
	char		 err[512];

	if (conn_ready(c, events, LOOP_READ | LOOP_WRITE) == -1) {
		snprintf(err, sizeof(err), "%s: %s", c->name,
		    conn_failure(c) != NULL ? conn_failure(c) : strerror(errno));
		finish(d, err);
	} else if (conn_deadline(c) != 0)
		loop_set(d->loop, c->fd, conn_want(c, 0));
	else if (d->state == D_TLS)
		start_ws(d);
	else
		finish(d, NULL);
}

/* After TLS, if any: the WebSocket upgrade, the last step. */
static void
start_ws(struct dial *d)
{
	char	why[256], err[512];

	if (d->cfg->ws == NULL) {
		finish(d, NULL);
		return;
	}
	if (ws_start(d->c, d->loop, d->cfg->ws, why, sizeof(why)) == -1) {
		snprintf(err, sizeof(err), "%s: %s", d->c->name, why);
		finish(d, err);
		return;
	}
	d->state = D_WS;
	arm(d);
	tls_step(d, 0);
}

/* Connected, through the proxy if any: TLS, if asked, comes last. */
static void
start_tls(struct dial *d)
{
	char	why[256], err[512];

	if (d->cfg->tls == NULL) {
		start_ws(d);
		return;
	}
	if (tls_start(d->c, d->cfg->tls, d->cfg->tls_host, why,
	    sizeof(why)) == -1) {
		snprintf(err, sizeof(err), "%s: %s", d->c->name, why);
		finish(d, err);
		return;
	}
	d->state = D_TLS;
	arm(d);
	tls_step(d, 0);
}

/* Move the proxy's handshake on; no byte of ours goes before its end. */
static void
proxy_step(struct dial *d)
{
	int	r, events = 0;

	r = proxy_hs_step(&d->hs, d->c->fd, &events, d->err, sizeof(d->err));
	if (r == 0)
		loop_set(d->loop, d->c->fd, events);
	else if (r == -1)
		finish(d, d->err);
	else
		start_tls(d);
}

static void
connected(struct dial *d)
{
	if (d->cfg->proxy == NULL) {
		start_tls(d);
		return;
	}
	proxy_hs_init(&d->hs, d->cfg->proxy);
	d->state = D_PROXY;
	arm(d);
	proxy_step(d);
}

static void	on_io(struct loop *, int, int, void *);

/* fd is connected: the conn's now, on the loop for the handshakes. */
static void
won(struct dial *d, int fd)
{
	struct conn	*c = d->c;

	drop_tries(d);
	c->fd = fd;
	if (d->cfg->keepalive != NULL && d->cfg->target->addr.kind ==
	    ADDR_TCP && sock_keepalive(fd, d->cfg->keepalive) == -1)
		log_v(1, "%s: keepalive: %s", c->name, strerror(errno));
	if (loop_add(d->loop, fd, on_io, d) == -1) {
		snprintf(d->err, sizeof(d->err), "%s: %s", c->name,
		    strerror(errno));
		finish(d, d->err);
		return;
	}
	connected(d);
}

/* A connect in flight is over: this candidate failed, or it won. */
static void
on_try(struct loop *l, int fd, int events, void *arg)
{
	struct dial_try	*tr = arg;
	struct dial	*d = tr->d;

	(void)events;
	loop_del(l, fd);
	tr->fd = -1;
	d->ntries--;
	if (sock_connect_result(fd) == 0) {
		won(d, fd);
		return;
	}
	sock_connect_error(d->cfg->target, tr->cand, errno, d->err,
	    sizeof(d->err));
	close(fd);
	log_v(2, "%s", d->err);
	/* A failure starts the next candidate at once (RFC 8305, 5). */
	timer_stop(d->loop, &d->stagger);
	try_connect(d);
}

static void
on_io(struct loop *l, int fd, int events, void *arg)
{
	struct dial	*d = arg;

	(void)l;
	(void)fd;
	switch (d->state) {
	case D_PROXY:
		proxy_step(d);
		break;
	case D_TLS:
	case D_WS:
		tls_step(d, events);
		break;
	}
}

/* Every candidate failed: --retry's pause, or the end. */
static void
round_failed(struct dial *d)
{
	const struct dial_cfg	*cfg = d->cfg;
	int64_t			 pause;
	size_t			 n;

	d->failures++;
	if (cfg->retry == 0) {
		finish(d, d->err);
		return;
	}
	pause = dial_backoff(d->failures - 1, cfg->retry_max_ms);
	if ((cfg->retry > 0 && d->failures > cfg->retry) ||
	    (d->deadline != 0 && now_ms() + pause >= d->deadline)) {
		n = strlen(d->err);
		snprintf(d->err + n, sizeof(d->err) - n, " (%d %s)",
		    d->failures, d->failures == 1 ? "try" : "tries");
		finish(d, d->err);
		return;
	}
	log_v(1, "%s; trying again in %lld ms", d->err, (long long)pause);
	d->cand = 0;
	d->state = D_BACKOFF;
	timer_at(d->loop, &d->timer, now_ms() + pause);
}

/* A full unix backlog passes: again, until the deadline.  0 if not. */
static int
busy_wait(struct dial *d)
{
	if (!d->cfg->target->busy || (d->deadline != 0 &&
	    now_ms() + BUSY_RETRY_MS >= d->deadline))
		return 0;
	if (!d->busy_said)
		log_v(2, "%s: backlog full, trying again", d->c->name);
	d->busy_said = 1;
	d->cand = 0;
	d->state = D_BUSY;
	timer_at(d->loop, &d->timer, now_ms() + BUSY_RETRY_MS);
	return 1;
}

static struct dial_try *
free_try(struct dial *d)
{
	int	i;

	for (i = 0; i < DIAL_TRIES_MAX; i++)
		if (d->tries[i].fd == -1)
			return &d->tries[i];
	return NULL;
}

/*
 * Start a connect to candidate d->cand on; d->err keeps the last why.
 * The tries in flight go on: the next candidate gets its head start
 * only, not the others' failure.
 */
static void
try_connect(struct dial *d)
{
	struct dial_try	*tr;
	char		 why[512];
	int		 fd, pending;

	if ((tr = free_try(d)) == NULL)
		return;		/* the next failure starts the next */
	fd = sock_connect_next(d->cfg->target, &d->cand, &pending, d->err,
	    sizeof(d->err));
	if (fd == -1) {
		if (d->ntries == 0 && !busy_wait(d))
			round_failed(d);
		return;
	}
	if (!pending) {
		won(d, fd);
		return;
	}
	tr->d = d;
	tr->fd = fd;
	tr->cand = d->cand++;
	d->ntries++;
	sock_connect_error(d->cfg->target, tr->cand, EINPROGRESS, why,
	    sizeof(why));
	log_v(2, "%s", why);
	if (loop_add(d->loop, fd, on_try, tr) == -1) {
		snprintf(d->err, sizeof(d->err), "%s: %s", d->c->name,
		    strerror(errno));
		finish(d, d->err);
		return;
	}
	d->state = D_CONNECT;
	loop_set(d->loop, fd, LOOP_WRITE);
	arm(d);
	timer_at(d->loop, &d->stagger, now_ms() + STAGGER_MS);
}

/* The head start of the tries in flight is over: the next candidate. */
static void
on_stagger(struct loop *l, struct timer *t)
{
	(void)l;
	try_connect(container_of(t, struct dial, stagger));
}

/* The oldest try in flight, for the deadline's message. */
static int
oldest_cand(const struct dial *d)
{
	int	i, cand = -1;

	for (i = 0; i < DIAL_TRIES_MAX; i++)
		if (d->tries[i].fd != -1 && (cand == -1 ||
		    d->tries[i].cand < cand))
			cand = d->tries[i].cand;
	return cand == -1 ? 0 : cand;
}

static void
on_timer(struct loop *l, struct timer *t)
{
	struct dial	*d = container_of(t, struct dial, timer);
	char		 err[512];

	(void)l;
	switch (d->state) {
	case D_OUTCOME:
		d->state = D_IDLE;
		d->done(d, d->err[0] != '\0' ? d->err : NULL, d->arg);
		return;
	case D_BUSY:
	case D_BACKOFF:
		if (d->deadline != 0 && now_ms() >= d->deadline)
			finish(d, d->err);
		else
			try_connect(d);
		return;
	case D_CONNECT:
		sock_connect_error(d->cfg->target, oldest_cand(d), ETIMEDOUT,
		    err, sizeof(err));
		break;
	case D_PROXY:
		snprintf(err, sizeof(err), "proxy %s: %s",
		    d->cfg->proxy->name, strerror(ETIMEDOUT));
		break;
	case D_TLS:
		snprintf(err, sizeof(err), "%s: TLS handshake timed out",
		    d->c->name);
		break;
	case D_WS:
		snprintf(err, sizeof(err), "%s: WebSocket handshake timed out",
		    d->c->name);
		break;
	default:
		return;
	}
	finish(d, err);
}

int
dial_proxy(const char *url, const struct addr *a, int family,
    const char *source, struct proxy *px, struct target *t, int *usage,
    char *err, size_t errlen)
{
	char	why[512];

	*usage = 1;
	if (proxy_parse(url, family, px, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "--proxy %s: %s", url, why);
		return -1;
	}
	if (proxy_target(px, a, family, usage, err, errlen) == -1)
		return -1;
	if (sock_target(&px->addr, t, usage, why, sizeof(why)) == -1) {
		if (*usage)
			snprintf(err, errlen, "--proxy %s: %s", url, why);
		else
			snprintf(err, errlen, "proxy %s: %s", px->name, why);
		return -1;
	}
	if (source != NULL && sock_source(t, source, usage, err,
	    errlen) == -1) {
		sock_target_free(t);
		return -1;
	}
	return 0;
}

void
dial_start(struct dial *d, struct loop *l, const struct dial_cfg *cfg,
    struct conn *c, dial_fn *fn, void *arg)
{
	int	i;

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->loop = l;
	d->c = c;
	d->done = fn;
	d->arg = arg;
	d->deadline = cfg->wait_ms > 0 ? now_ms() + cfg->wait_ms : 0;
	timer_init(&d->timer, on_timer);
	timer_init(&d->stagger, on_stagger);
	for (i = 0; i < DIAL_TRIES_MAX; i++)
		d->tries[i].fd = -1;
	snprintf(d->err, sizeof(d->err), "%s: no address to connect to",
	    c->name);
	try_connect(d);
}

void
dial_cancel(struct dial *d)
{
	struct conn	*c = d->c;

	if (d->state == D_IDLE)
		return;
	timer_stop(d->loop, &d->timer);
	drop_tries(d);
	if (c->fd != -1) {
		loop_del(d->loop, c->fd);
		ws_free(c);
		tls_free(c);
		close(c->fd);
		c->fd = -1;
	}
	d->state = D_IDLE;
}

int64_t
dial_backoff(int n, int64_t max_ms)
{
	int64_t	pause = BACKOFF_MS;

	if (max_ms <= 0)
		max_ms = BACKOFF_MAX_MS;
	while (n-- > 0 && pause < max_ms)
		pause *= 2;
	if (pause > max_ms)
		pause = max_ms;
	/* Jitter: clients cut off together must not come back together. */
	return pause * (80 + (int64_t)arc4random_uniform(41)) / 100;
}

int
dial_busy(const struct dial *d)
{
	return d->state != D_IDLE;
}

struct outcome {
	char	*err;
	size_t	 errlen;
	int	 ok;
};

static void
on_done(struct dial *d, const char *err, void *arg)
{
	struct outcome	*o = arg;

	o->ok = err == NULL;
	if (err != NULL)
		strlcpy(o->err, err, o->errlen);
	loop_stop(d->loop);
}

int
dial_run(struct loop *l, const struct dial_cfg *cfg, struct conn *c,
    char *err, size_t errlen)
{
	struct dial	d;
	struct outcome	o = { err, errlen, 0 };

	dial_start(&d, l, cfg, c, on_done, &o);
	if (loop_run(l) == -1) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		dial_cancel(&d);
		return -1;
	}
	l->stop = 0;	/* the loop goes on serving the connection */
	return o.ok ? 0 : -1;
}
