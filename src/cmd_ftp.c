/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit ftp: an FTP server (RFC 959, with EPSV/EPRT from RFC 2428 and
 * SIZE/MDTM/MLSD/REST from RFC 3659) for one directory tree.  Each
 * control connection is a client of the shared server lifecycle with
 * its own state (login, directory, type, REST offset, RNFR) and at most
 * one data connection (ftp/ftp_data.c).  Paths are confined beneath
 * the root by ftp/ftp_path.c.  Read-only and anonymous unless told otherwise.
 */
#include "config.h"

#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd.h"
#include "ftp/ftp.h"
#include "log.h"
#include "tls.h"
#include "util.h"

#define OPT_FTP_USER	400	/* past the shared OPT_* codes */
#define OPT_FTP_WRITE	401
#define OPT_FTP_TLS_REQ	402
#define IDLE_DEFAULT	(300 * 1000)
#define WAIT_DEFAULT	(10 * 1000)

static const struct opt_spec ftp_opts[] = {
	{ "root", 'r', required_argument, "DIR",
	    "serve DIR (default: the current directory)" },
	{ "user", OPT_FTP_USER, required_argument, "NAME:PASSWORD",
	    "require this login (default: anyone)" },
	{ "write", OPT_FTP_WRITE, no_argument, NULL,
	    "allow STOR, APPE, MKD, RMD, DELE, RNFR/RNTO" },
	{ "wait", 'w', required_argument, "DUR",
	    "data and TLS handshake deadline (default 10s)" },
	{ "tls-required", OPT_FTP_TLS_REQ, no_argument, NULL,
	    "refuse logins before AUTH TLS, data without PROT P" },
	{ NULL, 0, 0, NULL, NULL }
};

static int
ftp_opt(int ch, const char *arg, void *ctx, const char **why)
{
	struct ftpd	*F = ctx;
	const char	*colon;

	switch (ch) {
	case 'r':
		F->root = arg;
		return 0;
	case OPT_FTP_USER:
		if ((colon = strchr(arg, ':')) == NULL || colon == arg) {
			*why = "not NAME:PASSWORD";
			return -1;
		}
		F->user = arg;
		F->userlen = (size_t)(colon - arg);
		return 0;
	case OPT_FTP_WRITE:
		F->write = 1;
		return 0;
	case OPT_FTP_TLS_REQ:
		F->tls_required = 1;
		return 0;
	}
	return 1;
}

/* A client's end, through ftp_settle once it is dead or has quit. */
static void
fclient_close(struct fclient *x)
{
	log_v(1, "%s closed", x->c.name);
	ftp_data_free(x);
	buf_free(&x->in);
	buf_free(&x->out);
	free(x->cwd);
	free(x->rnfr);
	free(x->user);
	server_detach(x->c.srv, &x->c);
	free(x);
}

/* One command line, CR and LF gone. */
static void
command(struct fclient *x, char *line)
{
	const struct fcmd	*c;
	char			*arg;
	size_t			 n;

	/* Telnet IP and Synch that some clients put before ABOR. */
	while ((unsigned char)*line >= 0x80)
		line++;
	n = strcspn(line, " ");
	arg = line[n] == ' ' ? line + n + 1 : line + n;
	line[n] = '\0';
	log_v(2, "%s: -> %s%s%s", x->c.name, line, *arg ? " " : "",
	    strcasecmp(line, "PASS") == 0 ? "****" : arg);
	if ((c = ftp_cmd_find(line)) == NULL) {
		ftp_reply(x, "502 %s not implemented", n > 0 ? line : "Empty "
		    "command");
		return;
	}
	x->verb = c->name;
	x->arg = arg;
	if ((c->flags & NEED_LOGIN) && !x->logged)
		ftp_reply(x, "530 Please log in with USER and PASS");
	else if ((c->flags & NEED_ARG) && *arg == '\0')
		ftp_reply(x, "501 %s needs an argument", c->name);
	else if ((c->flags & NEED_WRITE) && !x->F->write)
		ftp_reply(x, "550 Read-only server (no --write)");
	else
		c->fn(x, arg);
	x->verb = x->arg = NULL;
}

/* Take whole lines from s; return what was used. */
static size_t
lines(struct fclient *x, char *s, size_t n)
{
	char	*nl, *start = s;
	size_t	 len;

	while (!x->quit && !x->dead && !x->starttls &&
	    (nl = memchr(s, '\n', n - (size_t)(s - start))) != NULL) {
		len = (size_t)(nl - s);
		*nl = '\0';
		if (len > 0 && s[len - 1] == '\r')
			s[--len] = '\0';
		if (x->toolong || len > FTP_LINE_MAX || memchr(s, '\0', len)) {
			x->toolong = 0;
			ftp_reply(x, "500 Command line too long or not text");
		} else
			command(x, s);
		s = nl + 1;
	}
	return (size_t)(s - start);
}

/* Keep the start of a line; past FTP_LINE_MAX, drop it as it comes. */
static void
keep_rest(struct fclient *x, const char *p, size_t n, int from_in)
{
	if (n > FTP_LINE_MAX || (x->toolong && n > 0)) {
		x->toolong = 1;
		if (from_in)
			buf_free(&x->in);
		return;
	}
	if (!from_in && buf_append(&x->in, p, n) == -1)
		x->dead = 1;
}

static void
control_read(struct fclient *x)
{
	char	*p;
	ssize_t	 n;
	size_t	 used;
	int	 from_in = x->in.len > 0;

	n = conn_read(&x->c, &x->in, &p);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		x->dead = 1;
		return;
	}
	if (n == -1)
		return;
	if (from_in) {
		p = x->in.data + x->in.off;
		n = (ssize_t)x->in.len;
	}
	used = lines(x, p, (size_t)n);
	if (x->starttls) {
		/* What came after AUTH TLS in the clear is not obeyed. */
		buf_free(&x->in);
		return;
	}
	if (from_in)
		buf_consume(&x->in, used);
	keep_rest(x, p + used, (size_t)n - used, from_in);
}

static int
control_io(struct conn *c, int events)
{
	struct fclient	*x = container_of(c, struct fclient, c);

	events = conn_ready(c, events, x->out.len > 0 ? LOOP_WRITE :
	    LOOP_READ);
	if (events == -1) {
		log_v(1, "%s: %s", c->name, conn_failure(c) != NULL ?
		    conn_failure(c) : strerror(errno));
		x->dead = 1;
	} else if ((events & LOOP_READ) && x->out.len == 0 && !x->quit)
		control_read(x);
	ftp_settle(x);
	return -1;	/* settled */
}

static void
control_close(struct server *s, struct conn *c)
{
	(void)s;
	fclient_close(container_of(c, struct fclient, c));
}

static const struct client_ops	control_ops = {
	.io = control_io,
	.done = ftp_done,
	.interest = ftp_interest,
	.close = control_close,
};

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct ftpd	*F = container_of(s, struct ftpd, srv);
	struct fclient	*x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return -1;
	conn_init(&x->c, fd, name);
	x->F = F;
	x->in.cap = 2 * FTP_LINE_MAX;
	x->out.cap = BUF_CAP;
	if ((x->cwd = strdup("/")) == NULL ||
	    server_attach(s, &x->c, &control_ops) == -1) {
		free(x->cwd);
		free(x);
		return -1;
	}
	/* Implicit FTPS: TLS from the first byte, data too by default. */
	x->tls = x->prot_p = s->tls != NULL;
	ftp_reply(x, "220 sockit FTP server ready");
	ftp_settle(x);
	return 0;
}

static void
say_goodbye(struct server *s, struct conn *c)
{
	struct fclient	*x = container_of(c, struct fclient, c);

	ftp_reply(x, "421 Service closing");
	(void)s;
	x->dead = 1;
	ftp_settle(x);
}

static void
on_idle(struct server *s, struct conn *c)
{
	struct fclient	*x = container_of(c, struct fclient, c);

	(void)s;
	ftp_reply(x, "421 Idle too long: closing");
	x->dead = 1;
	ftp_settle(x);
}

static void
on_stop(struct server *s)
{
	server_each(s, say_goodbye);
}

static void
open_root(const struct cmd *cmd, struct ftpd *F)
{
	struct stat	st;

	if (F->root == NULL)
		F->root = ".";
	if ((F->rootfd = open(F->root, O_PATH | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || fstat(F->rootfd, &st) == -1)
		usage_error(cmd, "--root %s: %s", F->root, strerror(errno));
	ftp_path_init();
}

/*
 * The address, and TLS: a tls: address is implicit FTPS; --cert and
 * --key or --self-signed with a plain one, explicit (AUTH TLS).
 */
static void
ftp_address(const struct cmd *cmd, struct ftpd *F, int argc, char **argv,
    struct addr *a)
{
	char	err[512];

	if (opts_address(&F->co, 1, argc, argv, a, err, sizeof(err)) == -1 ||
	    opts_check_server(&F->co, a, err, sizeof(err)) == -1 ||
	    opts_check_tls(&F->co, a->tls || F->co.tls.given != NULL, 0, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	if (a->kind != ADDR_TCP)
		usage_error(cmd, "FTP needs a TCP address");
	if (F->tls_required && !a->tls && F->co.tls.given == NULL)
		usage_error(cmd, "--tls-required needs --cert and --key, or "
		    "--self-signed");
}

/* SIGUSR1: explicit FTPS has its own context; server.c reloads the other. */
static int
on_reload(struct server *s)
{
	struct ftpd	*F = container_of(s, struct ftpd, srv);
	char		 err[512];

	if (F->tls == NULL || F->tls == s->tls)
		return 0;
	if (tls_ctx_reload(F->tls, &F->co.tls, err, sizeof(err)) == -1) {
		log_err("SIGUSR1: %s: keeping the certificate in use", err);
		return -1;
	}
	return 0;
}

static int
ftp_exec(const struct cmd *cmd, int argc, char **argv)
{
	/* Lives as long as the process: static, never freed. */
	static struct ftpd	 F_;
	struct ftpd		*F = &F_;
	struct addr		 a;
	char			 err[512];
	int			 n;

	n = cmd_parse(cmd, argc, argv, ftp_opt, F, &F->co);
	if (!F->co.idle_set)
		F->co.idle_ms = IDLE_DEFAULT;
	F->wait_ms = F->co.wait_ms > 0 ? F->co.wait_ms : WAIT_DEFAULT;
	ftp_address(cmd, F, argc - n, argv + n, &a);
	open_root(cmd, F);
	/* Explicit FTPS: the context waits for AUTH TLS. */
	if (F->co.tls.given != NULL && !a.tls &&
	    (F->tls = tls_ctx_new(&F->co.tls, 1, opts_handshake_ms(&F->co),
	    err, sizeof(err))) == NULL)
		fatal("%s", err);
	F->srv.co = &F->co;
	F->srv.on_accept = on_accept;
	F->srv.on_stop = on_stop;
	F->srv.on_idle = on_idle;
	F->srv.on_reload = on_reload;
	cmd_serve_open(cmd, &F->srv, &a);
	if (a.tls)
		F->tls = F->srv.tls;
	cmd_serve(&F->srv, say_goodbye);
	return 0;
}

const struct cmd cmd_ftp = {
	.name = "ftp",
	.args = "[options] ADDRESS",
	.summary = "FTP server for a directory tree, read-only by default",
	.opts = ftp_opts,
	.note = "(-i defaults to 300s here; --cert/--self-signed: FTPS)",
	.flags = GROUP_SERVER | GROUP_WORKERS | GROUP_IDLE,
	/* Data connections need an address to name in PASV and PORT. */
	.serves = KIND_TCP | KIND_TLS,
	/* Control, data (or its listener), and a file or directory. */
	.per_client = 3,
	.dials = 0,
	.exec = ftp_exec
};
