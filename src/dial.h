/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The one connector of the clients (send, relay's TARGET, wait, wall):
 * a dial is a small state machine on the event loop that takes a conn
 * from nothing to connected: each candidate address of the target in
 * happy eyeballs order (RFC 8305: families interleaved, a new try
 * every 250 ms without waiting for the last to fail, the first to
 * connect wins; -s bound first; a unix listener's full backlog tried
 * again), with --retry's backoff around the connects, then the proxy's
 * handshake, then the TLS client handshake, all under one deadline for
 * the whole connect.  The command gets one callback
 * with success or a one-line error.  Returns errors; never exits.
 */
#ifndef SOCKIT_DIAL_H
#define SOCKIT_DIAL_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "proxy.h"
#include "sock.h"

struct conn;
struct dial;
struct tls_ctx;
struct ws_cfg;

/*
 * What to dial, shared by any number of dials and outliving them:
 * target is resolved (it is the proxy when there is one), and proxy
 * has its CONNECT made by proxy_target.
 */
struct dial_cfg {
	struct target		*target;
	const struct proxy	*proxy;		/* or NULL */
	struct tls_ctx		*tls;		/* a client context, or NULL */
	const char		*tls_host;	/* whom TLS verifies */
	int64_t			 wait_ms;	/* for it all; 0 = none */
	int			 retry;		/* --retry: tries again; -1 = no end */
	int64_t			 retry_max_ms;	/* the longest pause; 0: 10 s */
	const struct keepalive	*keepalive;	/* TCP keepalive, or NULL */
	const struct ws_cfg	*ws;		/* WebSocket after all, or NULL */
};

/* The pause before try n + 1 (n from 0): 100 ms doubling to max, ±20 %. */
int64_t	dial_backoff(int n, int64_t max_ms);

/*
 * --proxy url toward TCP target a: px parsed, with its CONNECT made, and
 * t the proxy resolved, its connects bound to source (-s) if not NULL,
 * ready for a dial_cfg.  -1 with err filled, and *usage set when the
 * command line is at fault.
 */
int	dial_proxy(const char *url, const struct addr *a, int family,
	    const char *source, struct proxy *px, struct target *t,
	    int *usage, char *err, size_t errlen);

/* err is NULL on success: the conn is connected, its fd off the loop. */
typedef void	dial_fn(struct dial *, const char *err, void *arg);

/*
 * A connect in flight to one candidate.  A dial keeps a list, several
 * racing for happy eyeballs (RFC 8305); the first to connect gives the
 * conn its fd, and the rest are dropped.
 */
#define DIAL_TRIES_MAX	4
struct dial_try {
	struct dial	*d;
	int		 fd;		/* -1: the slot is free */
	int		 cand;		/* which candidate of the target */
};

struct dial {
	const struct dial_cfg	*cfg;
	struct loop		*loop;
	struct conn		*c;
	dial_fn			*done;
	void			*arg;
	int			 state;
	int			 cand;		/* the next candidate to try */
	struct dial_try		 tries[DIAL_TRIES_MAX];
	int			 ntries;	/* in flight */
	int			 busy_said;	/* a full backlog was logged */
	int			 failures;	/* rounds of candidates failed */
	int64_t			 deadline;	/* 0 = none */
	struct timer		 timer;		/* deadline, retry, outcome */
	struct timer		 stagger;	/* the next candidate's start */
	struct proxy_hs		 hs;
	char			 err[512];
};

/*
 * Dial cfg into c, whose fd is -1 and whose name is used in errors.  The
 * callback always comes from the loop, never from within dial_start.
 */
void	dial_start(struct dial *, struct loop *, const struct dial_cfg *,
	    struct conn *c, dial_fn *, void *arg);
/* Give up a dial under way: its socket is closed, no callback comes. */
void	dial_cancel(struct dial *);
/* Is d under way? */
int	dial_busy(const struct dial *);
/*
 * Run one dial to its end on l (which nothing else uses meanwhile):
 * 0, or -1 with err filled.
 */
int	dial_run(struct loop *, const struct dial_cfg *, struct conn *c,
	    char *err, size_t errlen);

#endif
