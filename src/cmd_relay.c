/*
 * sockit relay: every client of LISTEN gets its own connection to
 * TARGET, and two chans carry the bytes both ways until both are done.
 * A half-close is passed on by conn.c; a target that cannot be reached
 * closes only its client.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "server.h"
#include "util.h"

struct relay {
	struct common	 co;
	struct server	 srv;
	struct target	 target;
	char		 tname[SOCK_NAME_MAX];
	int		 connecting;	/* pairs waiting on connect() */
};

struct pair {
	struct conn	 cli;		/* first: the table holds &cli */
	struct conn	 tgt;
	struct chan	 up, down;	/* cli -> tgt, tgt -> cli */
	int		 candidate;	/* index into the target's addresses */
	int		 connecting;
	int64_t		 deadline;	/* of the connect, monotonic ms */
};

static void
pair_close(struct relay *R, struct pair *p, const char *why)
{
	if (why != NULL)
		log_err("%s: %s", p->cli.name, why);
	else
		log_v(1, "%s closed: %llu bytes to %s, %llu bytes back",
		    p->cli.name, (unsigned long long)p->cli.rx, R->tname,
		    (unsigned long long)p->cli.tx);
	loop_del(R->srv.loop, p->cli.fd);
	conntab_del(&R->srv.tab, &p->cli);
	close(p->cli.fd);
	if (p->tgt.fd != -1) {
		loop_del(R->srv.loop, p->tgt.fd);
		close(p->tgt.fd);
	}
	if (p->connecting)
		R->connecting--;
	buf_free(&p->up.buf);
	buf_free(&p->down.buf);
	free(p);
	R->srv.clients--;
	if (R->srv.stopping && R->srv.clients == 0)
		loop_stop(R->srv.loop);
}

static void
settle(struct relay *R, struct pair *p)
{
	if (p->up.done && p->down.done) {
		pair_close(R, p, NULL);
		return;
	}
	loop_set(R->srv.loop, p->cli.fd, conn_interest(&p->cli));
	loop_set(R->srv.loop, p->tgt.fd, conn_interest(&p->tgt));
}

static void	on_pair(struct loop *, int, int, void *);

static int
is_reset(int err)
{
	return err == ECONNRESET || err == ECONNABORTED || err == ETIMEDOUT;
}

static void
pair_reset(struct relay *R, struct pair *p)
{
	struct linger	lg = { 1, 0 };

	log_v(1, "%s: %s: resetting the other side", p->cli.name,
	    strerror(is_reset(p->up.err) ? p->up.err : p->down.err));
	/* SO_LINGER 0: close() sends RST. */
	setsockopt(p->cli.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (p->tgt.fd != -1)
		setsockopt(p->tgt.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	pair_close(R, p, NULL);
}

/* Start (or go on to the next address of) the connect to the target. */
static int
pair_connect(struct relay *R, struct pair *p, char *err, size_t errlen)
{
	int	fd;

	fd = sock_connect_next(&R->target, &p->candidate, &p->connecting, err,
	    errlen);
	if (fd == -1) {
		p->tgt.fd = -1;
		return -1;
	}
	p->tgt.fd = fd;
	if (loop_add(R->srv.loop, fd, on_pair, p) == -1) {
		snprintf(err, errlen, "%s: %s", R->tname, strerror(errno));
		close(fd);
		p->tgt.fd = -1;
		p->connecting = 0;
		return -1;
	}
	if (p->connecting) {
		R->connecting++;
		loop_set(R->srv.loop, fd, LOOP_WRITE);
	} else {
		log_v(2, "%s: connected to %s", p->cli.name, R->tname);
		settle(R, p);
	}
	return 0;
}

static void
connect_done(struct relay *R, struct pair *p)
{
	struct pollfd	pfd = { p->tgt.fd, POLLOUT, 0 };
	char		err[512];

	/* An event meant for an earlier user of this fd number: not yet. */
	if (poll(&pfd, 1, 0) != 1)
		return;
	p->connecting = 0;
	R->connecting--;
	if (sock_connect_result(p->tgt.fd) == 0) {
		log_v(2, "%s: connected to %s", p->cli.name, R->tname);
		settle(R, p);
		return;
	}
	snprintf(err, sizeof(err), "connect %s: %s", R->tname,
	    strerror(errno));
	loop_del(R->srv.loop, p->tgt.fd);
	close(p->tgt.fd);
	p->tgt.fd = -1;
	/* Another address of the target may answer (::1, then 127.0.0.1). */
	p->candidate++;
	if (pair_connect(R, p, err, sizeof(err)) == -1)
		pair_close(R, p, err);
}

static void
on_pair(struct loop *l, int fd, int events, void *arg)
{
	struct pair	*p = arg;
	struct relay	*R = p->cli.udata;

	(void)l;
	if (p->connecting) {
		connect_done(R, p);
		return;
	}
	if (fd == p->cli.fd) {
		if (events & LOOP_WRITE)
			chan_write(&p->down);
		if (events & LOOP_READ)
			chan_read(&p->up);
	} else {
		if (events & LOOP_WRITE)
			chan_write(&p->up);
		if (events & LOOP_READ)
			chan_read(&p->down);
	}
	/*
	 * A reset on one side is passed on as a reset, not as a clean EOF
	 * that would make a cut-off upload look complete.
	 */
	if (is_reset(p->up.err) || is_reset(p->down.err)) {
		pair_reset(R, p);
		return;
	}
	/* Idle means no traffic either way: the table sweeps cli only. */
	if (p->tgt.active > p->cli.active)
		p->cli.active = p->tgt.active;
	settle(R, p);
}

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct relay	*R = s->arg;
	struct pair	*p;
	char		 err[512] = "no address to connect to";

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	p->cli.fd = fd;
	p->cli.is_sock = p->tgt.is_sock = 1;
	p->cli.udata = R;
	p->cli.active = now_ms();
	strlcpy(p->cli.name, name, sizeof(p->cli.name));
	strlcpy(p->tgt.name, R->tname, sizeof(p->tgt.name));
	chan_init(&p->up, &p->cli, &p->tgt, NULL);
	chan_init(&p->down, &p->tgt, &p->cli, NULL);
	if (conntab_put(&s->tab, &p->cli) == -1 ||
	    loop_add(s->loop, fd, on_pair, p) == -1) {
		log_v(1, "%s: refused: %s", name, strerror(errno));
		conntab_del(&s->tab, &p->cli);
		free(p);
		return -1;
	}
	p->deadline = R->co.wait_ms > 0 ? now_ms() + R->co.wait_ms : 0;
	if (pair_connect(R, p, err, sizeof(err)) == -1)
		pair_close(R, p, err);
	return 0;
}

/* -w: connects that take too long fail like refused ones. */
static void
on_connect_timer(struct loop *l, void *arg)
{
	struct relay	*R = arg;
	struct conn	*c;
	struct pair	*p;
	int64_t		 now = now_ms();
	int		 fd;
	char		 err[512];

	for (fd = 0; R->connecting > 0 && fd < R->srv.tab.size; fd++) {
		if ((c = R->srv.tab.byfd[fd]) == NULL)
			continue;
		p = (struct pair *)c;
		if (!p->connecting || p->deadline > now)
			continue;
		snprintf(err, sizeof(err), "connect %s: %s", R->tname,
		    strerror(ETIMEDOUT));
		pair_close(R, p, err);
	}
	loop_timer(l, TIMER_CMD, now + (R->co.wait_ms < 100 ?
	    R->co.wait_ms : 100), on_connect_timer, R);
}

static void
on_idle(struct conn *c, void *arg)
{
	struct server	*s = arg;

	log_v(1, "%s: idle for %lld ms: closing", c->name,
	    (long long)s->co->idle_ms);
	pair_close(s->arg, (struct pair *)c, NULL);
}

/* A signal: read no more, deliver what is in flight, then go. */
static void
on_stop(struct server *s)
{
	struct conn	*c;
	struct pair	*p;
	int		 fd;

	if (s->clients == 0) {
		loop_stop(s->loop);
		return;
	}
	for (fd = 0; fd < s->tab.size; fd++) {
		if ((c = s->tab.byfd[fd]) == NULL)
			continue;
		p = (struct pair *)c;
		if (p->connecting) {
			pair_close(s->arg, p, NULL);
			continue;
		}
		chan_eof(&p->up);
		chan_eof(&p->down);
		settle(s->arg, p);
	}
}

static int
relay_exec(const struct cmd *cmd, int argc, char **argv)
{
	/* Lives as long as the process: static, never freed. */
	static struct relay	 R_;
	struct relay		*R = &R_;
	struct addr	 la, ta;
	char		 err[512];
	int		 n, usage, flags;

	n = cmd_parse(cmd, argc, argv, NULL, NULL, &R->co);
	if (argc - n != 2)
		usage_error(cmd, argc - n < 2 ? "need LISTEN and TARGET, one "
		    "argument each" : "too many arguments: %s (LISTEN and "
		    "TARGET are one argument each: HOST:PORT)", argv[n + 2]);
	flags = R->co.force_unix ? ADDR_FORCE_UNIX : 0;
	if (addr_parse(argv[n], flags | ADDR_SERVER, R->co.family, &la, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "%s: %s", argv[n], err);
	if (addr_parse(argv[n + 1], flags, R->co.family, &ta, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "%s: %s", argv[n + 1], err);
	if (opts_check_server(&R->co, &la, err, sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	strlcpy(R->tname, argv[n + 1], sizeof(R->tname));
	if (sock_target(&ta, &R->target, &usage, err, sizeof(err)) == -1) {
		if (usage)
			usage_error(cmd, "%s", err);
		fatal("%s", err);
	}
	R->srv.co = &R->co;
	R->srv.arg = R;
	R->srv.per_client = 2;
	R->srv.on_accept = on_accept;
	R->srv.on_stop = on_stop;
	R->srv.on_idle = on_idle;
	cmd_serve_open(cmd, &R->srv, &la);
	if (R->co.wait_ms > 0)
		on_connect_timer(R->srv.loop, R);
	cmd_serve_run(&R->srv);
	for (n = 0; n < R->srv.tab.size; n++)
		if (R->srv.tab.byfd[n] != NULL)
			pair_close(R, (struct pair *)R->srv.tab.byfd[n], NULL);
	server_close(&R->srv);
	sock_target_free(&R->target);
	return 0;
}

const struct cmd cmd_relay = {
	"relay", "[options] LISTEN TARGET",
	"forward each client of LISTEN to TARGET, both ways",
	NULL, "(-w is the connect timeout to TARGET; -x counts client pairs)",
	GROUP_SERVER | GROUP_CLIENT | CMD_PAIRS,
	relay_exec
};
