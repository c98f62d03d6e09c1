/*
 * What every command shares, and which exits on failure: help, usage
 * errors, option parsing, and a server's address, open and run.
 */
#include "config.h"

#include <errno.h>
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
#include "tls.h"

static const char address_help[] =
"ADDRESS: PORT, HOST:PORT, [IPV6]:PORT, tcp4:..., tcp6:..., unix:PATH,\n"
"a PATH with a '/', @ABSTRACT; or HOST PORT; tls: before any for TLS.\n"
"Datagrams: udp:..., udp4:..., udp6:..., unixgram:PATH, or -u.\n"
"DUR: 2, 2s, 500ms, 1.5m, 1h.\n";
/* relay: LISTEN TARGET leaves no room for HOST PORT. */
static const char relay_address_help[] =
"LISTEN, TARGET: one argument each: PORT, HOST:PORT, [IPV6]:PORT,\n"
"tcp4:..., tcp6:..., unix:PATH, a PATH with a '/', @ABSTRACT; tls: before\n"
"either for TLS on that side; with -u or udp:..., unixgram:PATH both sides\n"
"are datagrams.  DUR: 2, 2s, 500ms, 1.5m, 1h.\n";
/* wall: many ADDRESSes, each one argument. */
static const char wall_address_help[] =
"ADDRESS: PORT, HOST:PORT, [IPV6]:PORT, tcp4:..., tcp6:..., unix:PATH,\n"
"a PATH with a '/', @ABSTRACT; NAME= before it heads its column.\n"
"DUR: 2, 2s, 500ms, 1.5m, 1h.\n";

void
cmd_help(const struct cmd *c)
{
	printf("usage: sockit %s %s\n%s.\n\nOptions:\n", c->name, c->args,
	    c->summary);
	opts_help(stdout, c);
	printf("\n%s", c == &cmd_relay ? relay_address_help :
	    c == &cmd_wall ? wall_address_help : address_help);
}

void
usage_error(const struct cmd *c, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s", msg);
	if (c != NULL)
		fprintf(stderr, "Try 'sockit %s --help'.\n", c->name);
	else
		fprintf(stderr, "Try 'sockit --help'.\n");
	exit(2);
}

void
fatal(const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s", msg);
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
	    opts_check_tls(co, a->tls, 0, err, sizeof(err)) == -1)
		usage_error(c, "%s", err);
	if (a->dgram && !(c->flags & GROUP_DGRAM))
		usage_error(c, "%s: %s takes no datagrams", argv[0], c->name);
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
	if (server_open(s, a, &usage, err, sizeof(err)) == -1) {
		if (usage)
			usage_error(c, "%s", err);
		fatal("%s", err);
	}
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
}
