/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
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
#include "cmd_dgram.h"
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
eclient_close(struct server *s, struct conn *c)
{
	struct eclient	*e = container_of(c, struct eclient, c);

	if (e->ch.err != 0)
		log_v(1, "%s: %s", c->name, strerror(e->ch.err));
	log_v(1, "%s closed: %llu bytes echoed", c->name,
	    (unsigned long long)c->tx);
	buf_free(&e->ch.buf);
	server_detach(s, c);
	free(e);
}

/* Echoed all it will get: its EOF passed on, or a write failed. */
static int
eclient_done(const struct conn *c)
{
	return c->rchan->done;
}

static const struct client_ops	eclient_ops = {
	.done = eclient_done,
	.close = eclient_close,
};

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct echo	*E = container_of(s, struct echo, srv);
	struct eclient	*e;

	if ((e = malloc(sizeof(*e))) == NULL)
		return -1;
	conn_init(&e->c, fd, name);
	chan_init(&e->ch, &e->c, &e->c, E->co.delim_set ? &E->co.delim : NULL);
	if (server_attach(s, &e->c, &eclient_ops) == -1) {
		free(e);
		return -1;
	}
	server_settle(&e->c);
	return 0;
}

/* A signal: read no more, echo what is pending, then go. */
static void
drain(struct server *s, struct conn *c)
{
	(void)s;
	chan_eof(c->rchan);
	server_settle(c);
}

static void
on_stop(struct server *s)
{
	server_each(s, drain);
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
	if (a.dgram)
		return dgram_echo_run(cmd, &E.co, &a);
	E.srv.co = &E.co;
	E.srv.on_accept = on_accept;
	E.srv.on_stop = on_stop;
	E.srv.on_idle = eclient_close;
	cmd_serve_open(cmd, &E.srv, &a);
	cmd_serve(&E.srv, eclient_close);
	return 0;
}

const struct cmd cmd_echo = {
	.name = "echo",
	.args = "[options] ADDRESS",
	.summary = "echo server: every client gets its own bytes back",
	.opts = NULL,
	.note = "(with -d or -0, replies go a whole message at a time)",
	.flags = GROUP_DELIM | GROUP_SERVER | GROUP_WORKERS | GROUP_WATCH | GROUP_IDLE,
	.serves = KIND_STREAM | KIND_DGRAM | KIND_TLS |
	    KIND_SYSTEMD | KIND_WS,
	.dials = 0,
	.exec = echo_exec
};
