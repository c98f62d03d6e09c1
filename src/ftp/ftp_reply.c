/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The control connection's way out: replies, and what is done after
 * each event (flush, close a dead client, set the loop's interest).
 * Both the commands and the data connections answer through here; the
 * client's close itself is the command's, reached through the server
 * (server_settle and the command's client_ops), so that this file
 * calls back into neither.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ftp.h"
#include "log.h"
#include "util.h"

#define REPLY_MAX	(FTP_PATH_MAX * 2 + 64)

const char *
ftp_who(const struct fclient *x, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %.63s", x->c.name,
	    x->user != NULL ? x->user : "-");
	return buf;
}

/* -v: a failed login or a refused command, with what was asked. */
static void
refusal(const struct fclient *x, const char *line)
{
	char	who[FTP_WHO_MAX];

	if (x->verb == NULL || (strncmp(line, "530 ", 4) != 0 &&
	    strncmp(line, "550 ", 4) != 0))
		return;
	log_v(1, "%s: %s%s%.1024s: %s", ftp_who(x, who, sizeof(who)),
	    x->verb, *x->arg != '\0' ? " " : "",
	    strcasecmp(x->verb, "PASS") == 0 ? "****" : x->arg, line);
}

void
ftp_reply(struct fclient *x, const char *fmt, ...)
{
	char	 line[REPLY_MAX];
	va_list	 ap;
	int	 n;
	ssize_t	 w = 0;

	if (x->dead)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 3)
		n = sizeof(line) - 3;
	/* A name with a CR or LF in it must not make a reply of its own. */
	for (w = 0; w < n; w++)
		if (line[w] == '\r' || line[w] == '\n')
			line[w] = ' ';
	w = 0;
	log_v(2, "%s: <- %s", x->c.name, line);
	refusal(x, line);
	memcpy(line + n, "\r\n", 2);
	n += 2;
	if (x->out.len == 0 && (w = conn_write(&x->c, line, n)) == -1) {
		if (errno != EAGAIN && errno != EINTR) {
			x->dead = 1;
			return;
		}
		w = 0;
	}
	/* A client that does not read its replies is not served more. */
	if (w < n && buf_append(&x->out, line + w, n - w) == -1)
		x->dead = 1;
}

/* AUTH TLS was answered and the answer is out: TLS from here on. */
static void
start_tls(struct fclient *x)
{
	struct timer	*t = &x->c.idle;
	int64_t		 hs;
	char		 err[256];

	x->starttls = 0;
	if (tls_start(&x->c, x->F->tls, NULL, err, sizeof(err)) == -1) {
		log_v(1, "%s: %s", x->c.name, err);
		x->dead = 1;
		return;
	}
	x->tls = 1;
	/*
	 * The server's timer of the client ends a handshake that is not
	 * done by its deadline (-w), as for an implicit one: bring it on.
	 */
	hs = conn_deadline(&x->c);
	if ((!timer_armed(t) || hs < t->when) &&
	    timer_at(x->c.srv->loop, t, hs) == -1)
		x->dead = 1;
}

void
ftp_settle(struct fclient *x)
{
	if (!x->dead && x->out.len > 0 && buf_flush(&x->out, &x->c) == -1)
		x->dead = 1;
	if (!x->dead && x->starttls && x->out.len == 0)
		start_tls(x);
	server_settle(&x->c);
}

int
ftp_done(const struct conn *c)
{
	const struct fclient	*x = container_of(c, struct fclient, c);

	return x->dead || (x->quit && x->out.len == 0);
}

int
ftp_interest(const struct conn *c)
{
	const struct fclient	*x = container_of(c, struct fclient, c);

	return conn_want(c, x->out.len > 0 ? LOOP_WRITE : x->quit ? 0 :
	    LOOP_READ);
}
