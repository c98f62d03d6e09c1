/*
 * sockit wait: probe every ADDRESS (connect, then close) until all
 * accept, or with --closed until none does, retrying each with a
 * growing delay.  Probes are non-blocking and run side by side, each
 * bounded by -w, so that a black-holed address stalls no other.  Then
 * exit 0, or execute PROGRAM in our place.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "loop.h"
#include "opts.h"
#include "proxy.h"
#include "sock.h"
#include "util.h"

#define DELAY_FIRST	50		/* ms between probes, at first */
#define DELAY_MAX	1000		/* ... growing to this */
#define PROBE_MS	1000		/* one probe at most, unless -w */

struct probe {
	const char	*arg;		/* as given */
	struct addr	 a;
	struct target	 t;
	int		 resolved;
	int		 cand;		/* candidate of t being tried */
	int		 fd;		/* a connect under way, or -1 */
	int64_t		 deadline;	/* of that connect */
	int64_t		 next;		/* when to start the next probe */
	int64_t		 delay;
	int		 done;
	char		 why[256];	/* the last failure */
	struct proxy	 px;		/* --proxy, with our CONNECT */
	struct proxy_hs	 hs;
	int		 hs_on;		/* connected: the proxy's handshake */
	int		 hs_events;	/* what it waits for */
};

struct wait {
	struct common	 co;
	int64_t		 timeout_ms;
	int		 closed;
	const char	*proxy;		/* --proxy URL */
	struct probe	*p;
	int		 np, left;
	int64_t		 start;
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
	W->left--;
	sock_target_free(&p->t);
	p->resolved = 0;
	log_v(1, "%s %s after %lld.%03lld s", p->arg,
	    W->closed ? "closed" : "ready", (long long)(ms / 1000),
	    (long long)(ms % 1000));
}

/* One probe is over: open (1) or not (0). */
static void
outcome(struct wait *W, struct probe *p, int open)
{
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	p->hs_on = 0;
	if (open != W->closed) {
		reached(W, p);
		return;
	}
	if (open)
		snprintf(p->why, sizeof(p->why), "still accepting");
	p->next = now_ms() + p->delay;
	p->delay = p->delay * 2 > DELAY_MAX ? DELAY_MAX : p->delay * 2;
}

/*
 * Move the proxy's handshake on: the address is open when the proxy
 * says it connected, and not when it refuses.
 */
static void
handshake(struct wait *W, struct probe *p)
{
	int	r;

	r = proxy_hs_step(&p->hs, p->fd, &p->hs_events, p->why,
	    sizeof(p->why));
	if (r != 0)
		outcome(W, p, r == 1);
}

/* The connect is done: without a proxy the address is open. */
static void
connected(struct wait *W, struct probe *p)
{
	if (W->proxy == NULL) {
		outcome(W, p, 1);
		return;
	}
	proxy_hs_init(&p->hs, &p->px);
	p->hs_on = 1;
	handshake(W, p);
}

/* Begin (or go on to the next candidate of) a probe of p. */
static void
start(struct wait *W, struct probe *p)
{
	int64_t	bound = W->co.wait_ms > 0 ? W->co.wait_ms : PROBE_MS;
	char	err[256];
	char	*w;
	int	usage, pending;

	/* A name that does not resolve yet may be a host still starting. */
	if (!p->resolved) {
		if (sock_target(W->proxy != NULL ? &p->px.addr : &p->a,
		    &p->t, &usage, p->why,
		    sizeof(p->why)) == -1 || (W->co.source != NULL &&
		    sock_source(&p->t, W->co.source, &usage, p->why,
		    sizeof(p->why)) == -1)) {
			sock_target_free(&p->t);
			outcome(W, p, 0);
			return;
		}
		p->resolved = 1;
		p->cand = 0;
	}
	err[0] = '\0';
	p->fd = sock_connect_next(&p->t, &p->cand, &pending, err,
	    sizeof(err));
	if (p->fd == -1) {
		/* "connect HOST: why": the why is enough after the name. */
		/* "connect NAME: why", or nothing when no candidate was
		 * left after a failed pending one, which said why. */
		w = strrchr(err, ':');
		if (err[0] != '\0')
			snprintf(p->why, sizeof(p->why), "%s", w != NULL &&
			    w[1] == ' ' ? w + 2 : err);
		sock_target_free(&p->t);
		p->resolved = 0;	/* resolve again next time */
		outcome(W, p, 0);
	} else {
		p->deadline = now_ms() + bound;	/* and of a handshake */
		if (!pending)
			connected(W, p);
	}
}

/* A pending connect finished (ready) or ran out of time (not). */
static void
settle(struct wait *W, struct probe *p, int ready)
{
	int	e;

	if (p->hs_on) {
		if (ready)
			handshake(W, p);
		else {
			snprintf(p->why, sizeof(p->why), "proxy: %s",
			    strerror(ETIMEDOUT));
			outcome(W, p, 0);
		}
		return;
	}
	if (ready && sock_connect_result(p->fd) == 0) {
		connected(W, p);
		return;
	}
	e = ready ? errno : ETIMEDOUT;
	snprintf(p->why, sizeof(p->why), "%s", strerror(e));
	close(p->fd);
	p->fd = -1;
	p->cand++;	/* another address of the name, at once */
	start(W, p);
}

/* One turn: start what is due, poll what is under way. */
static void
turn(struct wait *W, int64_t end)
{
	struct pollfd	 pfd[W->np];
	int		 idx[W->np];
	int64_t		 now = now_ms(), soon = end;
	int		 i, n = 0;

	for (i = 0; i < W->np; i++) {
		struct probe	*p = &W->p[i];

		if (!p->done && p->fd == -1 && p->next <= now)
			start(W, p);
		if (p->done)
			continue;
		if (p->fd != -1) {
			pfd[n].fd = p->fd;
			pfd[n].events = !p->hs_on ? POLLOUT :
			    (p->hs_events & LOOP_READ ? POLLIN : 0) |
			    (p->hs_events & LOOP_WRITE ? POLLOUT : 0);
			idx[n++] = i;
			if (p->deadline < soon)
				soon = p->deadline;
		} else if (p->next < soon)
			soon = p->next;
	}
	if (W->left == 0)
		return;
	now = now_ms();
	if (soon > now + DELAY_MAX)
		soon = now + DELAY_MAX;
	if (poll(pfd, n, soon > now ? (int)(soon - now) : 0) == -1 &&
	    errno != EINTR)
		fatal("poll: %s", strerror(errno));
	now = now_ms();
	for (i = 0; i < n; i++) {
		struct probe	*p = &W->p[idx[i]];

		if (pfd[i].revents != 0)
			settle(W, p, 1);
		else if (p->deadline <= now)
			settle(W, p, 0);
	}
}

/* "a (why), b (why)": those not ready, for the one error line. */
static void
timed_out(struct wait *W)
{
	char	list[1024] = "";
	char	one[512];
	int	i;

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

static int
wait_exec(const struct cmd *cmd, int argc, char **argv)
{
	struct wait	 W;
	struct proxy	 px;
	char		 err[512];
	char		*one[1];
	int64_t		 end;
	int		 n, dd, i, usage;

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
	if (W.proxy != NULL && proxy_parse(W.proxy, W.co.family, &px, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "--proxy %s: %s", W.proxy, err);
	for (i = 0; i < W.np; i++) {
		W.p[i].arg = one[0] = argv[n + i];
		if (opts_address(&W.co, 0, 1, one, &W.p[i].a, err,
		    sizeof(err)) == -1)
			usage_error(cmd, "%s", err);
		W.p[i].fd = -1;
		W.p[i].delay = DELAY_FIRST;
		if (W.proxy == NULL)
			continue;
		/* socks5:// resolves the name here, once: a name that is
		 * not there yet wants socks5h://. */
		W.p[i].px = px;
		if (proxy_target(&W.p[i].px, &W.p[i].a, W.co.family, &usage,
		    err, sizeof(err)) == -1) {
			if (usage)
				usage_error(cmd, "%s", err);
			fatal("%s", err);
		}
	}
	W.start = now_ms();
	end = W.timeout_ms > 0 ? W.start + W.timeout_ms : INT64_MAX;
	while (W.left > 0) {
		if (now_ms() >= end)
			timed_out(&W);
		turn(&W, end);
	}
	free(W.p);
	if (dd < argc)
		run_program(argv + dd + 1);
	return 0;
}

const struct cmd cmd_wait = {
	"wait", "[options] ADDRESS... [-- PROGRAM [ARG...]]",
	"wait until every ADDRESS accepts a connection",
	wait_opts, NULL,
	GROUP_CLIENT,
	wait_exec
};
