/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * What every command shares, and which exits on failure: help, usage
 * errors, option parsing, and a server's address, open and run.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dump.h"
#include "log.h"
#include "loop.h"
#include "opts.h"
#include "server.h"
#include "sock.h"
#include "tls.h"
#include "util.h"
#include "workers.h"

/* The address forms of the --help footer, one line a kind. */
static const struct {
	int		 kind;
	const char	*name;
	const char	*forms;
} kind_help[] = {
	{ KIND_TCP, "TCP", "PORT, HOST:PORT, [IPV6]:PORT, tcp4:..., tcp6:..." },
	{ KIND_UNIX, "unix", "unix:PATH, a PATH with a '/', @ABSTRACT; -U" },
	{ KIND_TLS, "TLS", "tls: before a TCP or unix form" },
	{ KIND_UDP, "UDP", "udp:..., udp4:..., udp6:..., or a TCP form with -u" },
	{ KIND_UNIXGRAM, "unixgram", "unixgram:PATH, unixgram:@NAME, or -U -u" },
	{ KIND_SYSTEMD, "systemd", "systemd, systemd:NAME (socket activation)" },
	{ KIND_WS, "WebSocket", "ws://HOST:PORT/PATH, wss://..., ws+unix:PATH[:/PATH]" },
};

static void
kinds_help(const char *what, int kinds)
{
	size_t	i;

	printf("%s\n", what);
	for (i = 0; i < NELEM(kind_help); i++)
		if (kinds & kind_help[i].kind)
			printf("  %-9s %s\n", kind_help[i].name,
			    kind_help[i].forms);
}

/* The footer is made from what the command declares it takes. */
static void
address_help(const struct cmd *c)
{
	if (c->flags & CMD_OWN_OPTS) {
		printf("HOST PORT: netcat's; PORT 80, http, or 20-30 with -z;"
		    " with -U, a PATH.\nSECS: whole seconds.\n");
		return;
	}
	if (c->flags & CMD_PAIRS) {
		kinds_help("LISTEN, one argument:", c->serves);
		kinds_help("TARGET, one argument:", c->dials);
		if ((c->serves & KIND_DGRAM) && (c->dials & KIND_DGRAM))
			printf("Both are datagrams or neither is.\n");
	} else if (c->flags & CMD_NAMED)
		kinds_help("ADDRESS, one argument each; NAME= before it heads "
		    "its column:", c->dials);
	else if (c->flags & CMD_MANY)
		kinds_help("ADDRESS, one argument each:", c->dials);
	else
		kinds_help("ADDRESS, one argument (or HOST PORT):",
		    c->serves | c->dials);
	printf("DUR: 2, 2s, 500ms, 1.5m, 1h.\n");
}

void
cmd_help(const struct cmd *c)
{
	printf("usage: sockit %s %s\n%s.\n\nOptions:\n", c->name, c->args,
	    c->summary);
	opts_help(stdout, c);
	putchar('\n');
	address_help(c);
}

/* "sockit: CMD: msg" on stderr. */
static void
say(const char *fmt, va_list ap)
{
	char	msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_err("%s", msg);
}

void
usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	if (log_is_json())
		;	/* every line a JSON object */
	else if (c != NULL)
		fprintf(stderr, "Try 'sockit %s --help'.\n", c->name);
	else
		fprintf(stderr, "Try 'sockit --help'.\n");
	exit(2);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	exit(1);
}

int
cmd_parse(const struct cmd *c, int argc, char **argv, opt_fn *fn, void *ctx,
    struct common *co)
{
	char	err[512];
	int	n;

	n = opts_parse(c, argc, argv, fn, ctx, co, err, sizeof(err));
	if (n == -'h') {
		cmd_help(c);
		exit(0);
	}
	if (n == -'V') {
		printf("sockit %s\n", PACKAGE_VERSION);
		exit(0);
	}
	if (n < 0)
		usage_error(c, "%s", err);
	log_init(c->name, co->verbose);
	log_set_json(co->log_json);
	if (co->hexdump && dump_open(co->hexdump_file, err, sizeof(err)) == -1)
		fatal("%s", err);
	return n;
}

void
cmd_server_address(const struct cmd *c, const struct common *co, int argc,
    char **argv, struct addr *a)
{
	char	err[512];

	if (opts_address(co, 1, argc, argv, a, err, sizeof(err)) == -1 ||
	    opts_check_server(co, a, err, sizeof(err)) == -1 ||
	    opts_check_tls(co, a->tls, 0, err, sizeof(err)) == -1 ||
	    opts_check_ws(co, a->ws, 0, err, sizeof(err)) == -1)
		usage_error(c, "%s", err);
}

void
cmd_serve_open(const struct cmd *c, struct server *s, const struct addr *a)
{
	char	err[512];
	int	usage;

	/* Certificates are read before anything listens. */
	if (a->tls && (s->tls = tls_ctx_new(&s->co->tls, 1,
	    opts_handshake_ms(s->co), err, sizeof(err))) == NULL)
		fatal("%s", err);
	if (a->ws && (s->ws = malloc(sizeof(*s->ws))) == NULL)
		fatal("%s", strerror(errno));
	if (a->ws)
		ws_cfg_init(s->ws, s->co, a, 1, opts_handshake_ms(s->co));
	if (server_open(s, a, &usage, err, sizeof(err)) == -1) {
		if (usage)
			usage_error(c, "%s", err);
		fatal("%s", err);
	}
	if (s->co->workers <= 1)
		return;
	/* The parent supervises and never serves; a worker goes on. */
	if ((usage = workers_run(s, s->co->workers, err, sizeof(err))) == -1)
		fatal("%s", err);
	if (usage == 0)
		return;
	sock_unlink_owned();
	if (loop_last_signal() == SIGINT) {
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
	}
	exit(0);
}

void
cmd_serve_run(struct server *s)
{
	char	err[512];

	if (server_ready(s, err, sizeof(err)) == -1)
		fatal("%s", err);
	if (loop_run(s->loop) == -1)
		fatal("event loop: %s", strerror(errno));
}

void
cmd_serve(struct server *s, void (*let_go)(struct server *, struct conn *))
{
	cmd_serve_run(s);
	server_stop_accepting(s);
	server_each(s, let_go);
	server_close(s);
	/* The command's own options, which the server only reads. */
	opts_free((struct common *)s->co);
}

void
cmd_stop_on_signal(struct loop *l, int signo, void *arg)
{
	(void)arg;
	log_v(1, "%s: stopping", strsignal(signo));
	loop_stop(l);
}
