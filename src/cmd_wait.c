/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit wait: probe every ADDRESS (a dial: connect, through the proxy
 * and TLS if asked, then close) until all accept, or with --closed
 * until none does, retrying each with a growing delay.  Probes run side
 * by side on the loop, each bounded by -w, so that a black-holed
 * address stalls no other.  Then exit 0, or execute PROGRAM in our
 * place.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "dial.h"
#include "log.h"
#include "loop.h"
#include "opts.h"
#include "proxy.h"
#include "sock.h"
#include "tls.h"
#include "util.h"
#include "ws.h"

#define DELAY_MAX	1000		/* the longest pause between probes */
#define PROBE_MS	1000		/* one probe at most, unless -w */

struct wait;

struct probe {
	struct wait	*W;
	const char	*arg;		/* as given */
	struct addr	 a;
	struct target	 t;		/* resolved afresh for each probe */
	struct proxy	 px;		/* --proxy, with our CONNECT */
	struct dial_cfg	 cfg;
	struct ws_cfg	 ws;		/* ws:// is ready once upgraded */
	struct conn	 c;
	struct dial	 dial;
	struct timer	 retry;
	int		 tries;		/* the connector's backoff: 100 ms up */
	int		 done;
	char		 why[256];	/* the last failure */
};

struct wait {
	struct common	 co;
	int64_t		 timeout_ms;
	int		 closed;
	const char	*proxy;		/* --proxy URL */
	struct tls_ctx	*tls;		/* for tls: addresses, or NULL */
	struct probe	*p;
	int		 np, left;
	int64_t		 start;
	struct loop	*loop;
	struct timer	 end;		/* -t */
};

static const struct opt_spec wait_opts[] = {
	{ "timeout", 't', required_argument, "DUR",
	    "give up after DUR (default 30s; 0 = never)" },
	{ "closed", OPT_CLOSED, no_argument, NULL,
	    "wait until no ADDRESS accepts" },
	{ "proxy", OPT_PROXY, required_argument, "URL",
	    "probe through socks5://, socks5h:// or\n"
	    "http:// [USER:PASS@]HOST[:PORT]" },
	{ NULL, 0, 0, NULL, NULL }
};

static int
wait_opt(int ch, const char *arg, void *ctx, const char **why)
{
	struct wait	*W = ctx;

	switch (ch) {
	case 't':
		return parse_duration(arg, &W->timeout_ms, why);
	case OPT_CLOSED:
		W->closed = 1;
		return 0;
	case OPT_PROXY:
		W->proxy = arg;
		return 0;
	}
	return 1;
}

/* The probe found the state we wait for. */
static void
reached(struct wait *W, struct probe *p)
{
	int64_t	ms = now_ms() - W->start;

	p->done = 1;
	log_v(1, "%s %s after %lld.%03lld s", p->arg,
	    W->closed ? "closed" : "ready", (long long)(ms / 1000),
	    (long long)(ms % 1000));
	if (--W->left == 0)
		loop_stop(W->loop);
}

/* One probe is over: open (1) or not (0). */
static void
outcome(struct wait *W, struct probe *p, int open)
{
	int64_t	pause;

	sock_target_free(&p->t);
	if (open != W->closed) {
		reached(W, p);
		return;
	}
	if (open)
		snprintf(p->why, sizeof(p->why), "still accepting");
	pause = dial_backoff(p->tries++, DELAY_MAX);
	log_v(2, "%s: %s; trying again in %lld ms", p->arg, p->why,
	    (long long)pause);
	timer_at(W->loop, &p->retry, now_ms() + pause);
}

/*
 * Why a dial failed, short after the address: "connect NAME: why" and
 * "ADDRESS: why" say only the why; a proxy's refusal says it all.
 */
static void
remember(struct probe *p, const char *err)
{
	const char	*w = err;
	size_t		 n = strlen(p->arg);

	if (strncmp(err, "connect ", 8) == 0 && (w = strrchr(err, ':')) !=
	    NULL && w[1] == ' ')
		w += 2;
	else if (strncmp(err, p->arg, n) == 0 && strncmp(err + n, ": ",
	    2) == 0)
		w = err + n + 2;
	else
		w = err;
	snprintf(p->why, sizeof(p->why), "%s", w);
}

/* The dial is over: open when it connected (and its handshakes too). */
static void
on_dialed(struct dial *d, const char *err, void *arg)
{
	struct probe	*p = arg;

	(void)d;
	if (err != NULL)
		remember(p, err);
	else
		conn_close(&p->c);
	outcome(p->W, p, err == NULL);
}

/* A probe is due: resolve (a host may still be starting), then dial. */
static void
on_retry(struct loop *l, struct timer *t)
{
	struct probe	*p = container_of(t, struct probe, retry);
	struct wait	*W = p->W;
	int		 usage;

	if (sock_target(W->proxy != NULL ? &p->px.addr : &p->a, &p->t,
	    &usage, p->why, sizeof(p->why)) == -1 ||
	    (W->co.source != NULL && sock_source(&p->t, W->co.source,
	    &usage, p->why, sizeof(p->why)) == -1)) {
		outcome(W, p, 0);
		return;
	}
	p->cfg.target = &p->t;
	conn_init(&p->c, -1, p->arg);
	dial_start(&p->dial, l, &p->cfg, &p->c, on_dialed, p);
}

/* "a (why), b (why)": those not ready, for the one error line. */
static void
timed_out(struct loop *l, struct timer *t)
{
	struct wait	*W = container_of(t, struct wait, end);
	char		 list[1024] = "";
	char		 one[512];
	int		 i;

	(void)l;
	for (i = 0; i < W->np; i++) {
		if (W->p[i].done)
			continue;
		snprintf(one, sizeof(one), "%s%s (%s)", list[0] ? ", " : "",
		    W->p[i].arg, W->p[i].why[0] ? W->p[i].why :
		    "no answer yet");
		strlcat(list, one, sizeof(list));
	}
	if (W->timeout_ms % 1000 == 0)
		snprintf(one, sizeof(one), "%lld s",
		    (long long)W->timeout_ms / 1000);
	else
		snprintf(one, sizeof(one), "%lld ms",
		    (long long)W->timeout_ms);
	fatal("timed out after %s: %s %s", one, list,
	    W->closed ? "still open" : "not ready");
}

/*
 * Exit 127 when PROGRAM is not found, 126 when it cannot be run, as
 * env(1), nohup and xargs do: a caller tells those from a timeout (1)
 * and from the program's own status.
 */
static void
run_program(char **prog)
{
	int	e;

	stdio_restore();
	execvp(prog[0], prog);
	e = errno;
	log_err("%s: %s", prog[0], e == ENOENT ? "command not found" :
	    strerror(e));
	exit(e == ENOENT ? 127 : 126);
}

/* --proxy and TLS, checked and read before any probe. */
static void
setup(const struct cmd *cmd, struct wait *W, struct proxy *px, int tls)
{
	char	err[512];

	if (W->proxy != NULL && proxy_parse(W->proxy, W->co.family, px, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "--proxy %s: %s", W->proxy, err);
	if (opts_check_tls(&W->co, 0, tls, err, sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	/* Certificates are read now: a bad file is not a probe's failure. */
	if (tls && (W->tls = tls_ctx_new(&W->co.tls, 0, W->co.wait_ms > 0 ?
	    W->co.wait_ms : PROBE_MS, err, sizeof(err))) == NULL)
		fatal("%s", err);
}

/* Probe i of ADDRESS arg: parsed now, its first dial at once. */
static void
probe_init(const struct cmd *cmd, struct wait *W, int i, char *arg,
    const struct proxy *px)
{
	struct probe	*p = &W->p[i];
	char		 err[512];
	int		 usage;

	p->W = W;
	p->arg = arg;
	if (opts_address(&W->co, 0, 1, &arg, &p->a, err, sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	p->cfg.proxy = W->proxy != NULL ? &p->px : NULL;
	p->cfg.tls = p->a.tls ? W->tls : NULL;
	p->cfg.tls_host = p->a.kind == ADDR_TCP ? p->a.host : NULL;
	p->cfg.wait_ms = W->co.wait_ms > 0 ? W->co.wait_ms : PROBE_MS;
	if (p->a.ws) {
		ws_cfg_init(&p->ws, &W->co, &p->a, 0, p->cfg.wait_ms);
		p->cfg.ws = &p->ws;
	}
	timer_init(&p->retry, on_retry);
	if (W->proxy == NULL)
		return;
	/* socks5:// resolves the name here, once: a name that is not
	 * there yet wants socks5h://. */
	p->px = *px;
	if (proxy_target(&p->px, &p->a, W->co.family, &usage, err,
	    sizeof(err)) == -1) {
		if (usage)
			usage_error(cmd, "%s", err);
		fatal("%s", err);
	}
}

/* Any tls: address (or --tls) among the arguments?  ws (1 or 0): ws:? */
static int
any_tls(struct wait *W, int argc, char **argv, int *ws)
{
	struct addr	a;
	char		err[256];
	int		i, tls = 0;

	*ws = 0;
	for (i = 0; i < argc; i++)
		if (opts_address(&W->co, 0, 1, argv + i, &a, err,
		    sizeof(err)) == 0) {
			tls |= a.tls;
			*ws |= a.ws;
		}
	return tls;
}

static int
wait_exec(const struct cmd *cmd, int argc, char **argv)
{
	struct wait	 W;
	struct proxy	 px;
	char		 err[512];
	int		 n, dd, i;

	memset(&W, 0, sizeof(W));
	W.timeout_ms = 30000;
	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	n = cmd_parse(cmd, dd, argv, wait_opt, &W, &W.co);
	if (dd + 1 == argc)
		usage_error(cmd, "missing PROGRAM after --");
	if (n == dd)
		usage_error(cmd, "missing ADDRESS");
	W.np = W.left = dd - n;
	if ((W.p = calloc(W.np, sizeof(*W.p))) == NULL)
		fatal("%s", strerror(errno));
	setup(cmd, &W, &px, any_tls(&W, W.np, argv + n, &i));
	if (opts_check_ws(&W.co, 0, i, err, sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	if ((W.loop = loop_new(loop_pick(W.np + 8), err,
	    sizeof(err))) == NULL)
		fatal("%s", err);
	for (i = 0; i < W.np; i++)
		probe_init(cmd, &W, i, argv[n + i], &px);
	W.start = now_ms();
	for (i = 0; i < W.np; i++)
		timer_at(W.loop, &W.p[i].retry, W.start);
	timer_init(&W.end, timed_out);
	if (W.timeout_ms > 0)
		timer_at(W.loop, &W.end, W.start + W.timeout_ms);
	if (loop_run(W.loop) == -1)
		fatal("event loop: %s", strerror(errno));
	loop_free(W.loop);
	tls_ctx_free(W.tls);
	free(W.p);
	if (dd < argc)
		run_program(argv + dd + 1);
	return 0;
}

const struct cmd cmd_wait = {
	.name = "wait",
	.args = "[options] ADDRESS... [-- PROGRAM [ARG...]]",
	.summary = "wait until every ADDRESS accepts a connection",
	.opts = wait_opts,
	.note = NULL,
	.flags = GROUP_CLIENT | CMD_MANY,
	.serves = 0,
	.dials = KIND_STREAM | KIND_TLS | KIND_WS,
	.exec = wait_exec
};
