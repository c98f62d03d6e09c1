/*
 * sockit echo: every client gets its own bytes back (RFC 862).  Each
 * client is one chan from itself to itself, so backpressure and
 * half-close come from conn.c: a client that does not read stops being
 * read, and after its EOF what is pending is echoed before the close.
 */
#include "config.h"

#include <errno.h>
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

struct echo {
	struct common	co;
	struct server	srv;
};

struct eclient {
	struct conn	c;
	struct chan	ch;
};

static void
eclient_close(struct echo *E, struct eclient *e)
{
	if (e->ch.err != 0)
		log_v(1, "%s: %s", e->c.name, strerror(e->ch.err));
	log_v(1, "%s closed: %llu bytes echoed", e->c.name,
	    (unsigned long long)e->c.tx);
	loop_del(E->srv.loop, e->c.fd);
	conntab_del(&E->srv.tab, &e->c);
	close(e->c.fd);
	buf_free(&e->ch.buf);
	free(e);
	E->srv.clients--;
	if (E->srv.stopping && E->srv.clients == 0)
		loop_stop(E->srv.loop);
}

static void
settle(struct echo *E, struct eclient *e)
{
	if (e->ch.done)
		eclient_close(E, e);
	else
		loop_set(E->srv.loop, e->c.fd, conn_interest(&e->c));
}

static void
on_client(struct loop *l, int fd, int events, void *arg)
{
	struct eclient	*e = arg;

	(void)l;
	(void)fd;
	if (events & LOOP_WRITE)
		chan_write(&e->ch);
	if (events & LOOP_READ)
		chan_read(&e->ch);
	settle(e->c.udata, e);
}

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct echo	*E = s->arg;
	struct eclient	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	e->c.fd = fd;
	e->c.is_sock = 1;
	e->c.active = now_ms();
	e->c.udata = E;
	strlcpy(e->c.name, name, sizeof(e->c.name));
	chan_init(&e->ch, &e->c, &e->c, E->co.delim_set ? &E->co.delim : NULL);
	if (conntab_put(&s->tab, &e->c) == -1 ||
	    loop_add(s->loop, fd, on_client, e) == -1) {
		log_v(1, "%s: refused: %s", name, strerror(errno));
		conntab_del(&s->tab, &e->c);
		free(e);
		return -1;
	}
	loop_set(s->loop, fd, conn_interest(&e->c));
	return 0;
}

static void
on_idle(struct conn *c, void *arg)
{
	struct server	*s = arg;

	log_v(1, "%s: idle for %lld ms: closing", c->name,
	    (long long)s->co->idle_ms);
	eclient_close(s->arg, (struct eclient *)c);
}

/* A signal: read no more, echo what is pending, then go. */
static void
on_stop(struct server *s)
{
	struct conn	*c;
	int		 fd;

	if (s->clients == 0) {
		loop_stop(s->loop);
		return;
	}
	for (fd = 0; fd < s->tab.size; fd++)
		if ((c = s->tab.byfd[fd]) != NULL) {
			chan_eof(c->rchan);
			settle(s->arg, (struct eclient *)c);
		}
}

static int
echo_exec(const struct cmd *cmd, int argc, char **argv)
{
	struct echo	 E;
	struct addr	 a;
	int		 n;

	memset(&E, 0, sizeof(E));
	n = cmd_parse(cmd, argc, argv, NULL, NULL, &E.co);
	cmd_server_address(cmd, &E.co, argc - n, argv + n, &a);
	E.srv.co = &E.co;
	E.srv.arg = &E;
	E.srv.on_accept = on_accept;
	E.srv.on_stop = on_stop;
	E.srv.on_idle = on_idle;
	cmd_serve_open(cmd, &E.srv, &a);
	cmd_serve_run(&E.srv);
	for (n = 0; n < E.srv.tab.size; n++)
		if (E.srv.tab.byfd[n] != NULL)
			eclient_close(&E, (struct eclient *)E.srv.tab.byfd[n]);
	server_close(&E.srv);
	return 0;
}

const struct cmd cmd_echo = {
	"echo", "[options] ADDRESS",
	"echo server: every client gets its own bytes back",
	NULL, "(with -d or -0, replies go a whole message at a time)",
	GROUP_DELIM | GROUP_SERVER,
	echo_exec
};
