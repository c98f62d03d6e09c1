/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/param.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "loop.h"
#include "proxy.h"
#include "util.h"

enum {
	HS_GREET,	/* SOCKS5 methods sent; the choice is read */
	HS_AUTH,	/* RFC 1929 credentials sent; the status is read */
	HS_REQ,		/* SOCKS5 CONNECT sent; the reply is read */
	HS_HTTP,	/* HTTP CONNECT sent; the header is read */
	HS_DONE
};

static int
fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Credentials in a URL are percent-encoded ("p%40ss" for "p@ss"). */
static int
decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++) {
		if (k + 1 >= outlen)
			return -1;
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			out[k++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else
			out[k++] = s[i];
	}
	out[k] = '\0';
	return 0;
}

static int
parse_cred(struct proxy *px, const char *s, size_t n, char *err,
    size_t errlen)
{
	const char	*colon = memchr(s, ':', n);

	if (colon == NULL)
		return fail(err, errlen, "user@ without :password");
	if (decode(s, colon - s, px->user, sizeof(px->user)) == -1 ||
	    decode(colon + 1, n - (colon + 1 - s), px->pass,
	    sizeof(px->pass)) == -1)
		return fail(err, errlen, "user or password longer than %d "
		    "bytes", PROXY_CRED_MAX);
	px->auth = 1;
	return 0;
}

int
proxy_parse(const char *url, int family, struct proxy *px, char *err,
    size_t errlen)
{
	static const struct {
		const char	*scheme;
		enum proxy_kind	 kind;
		const char	*port;
	} schemes[] = {
		{ "socks5://", PROXY_SOCKS5, "1080" },
		{ "socks5h://", PROXY_SOCKS5H, "1080" },
		{ "http://", PROXY_HTTP, "8080" },
	};
	const char	*s = NULL, *at, *end, *defport = NULL;
	char		 hostport[ADDR_HOST_MAX + 64], why[256];
	size_t		 i, n;

	memset(px, 0, sizeof(*px));
	for (i = 0; i < NELEM(schemes) && s == NULL; i++)
		if (strncasecmp(url, schemes[i].scheme,
		    strlen(schemes[i].scheme)) == 0) {
			px->kind = schemes[i].kind;
			defport = schemes[i].port;
			s = url + strlen(schemes[i].scheme);
		}
	if (s == NULL)
		return fail(err, errlen, "not socks5://, socks5h:// or "
		    "http://");
	if ((end = strchr(s, '/')) != NULL && end[strspn(end, "/")] != '\0')
		return fail(err, errlen, "a proxy URL has no path");
	n = end != NULL ? (size_t)(end - s) : strlen(s);
	/* The password may hold '@' unencoded: the host follows the last. */
	at = NULL;
	for (end = s; end < s + n; end++)
		if (*end == '@')
			at = end;
	if (at != NULL) {
		if (parse_cred(px, s, at - s, err, errlen) == -1)
			return -1;
		n -= at + 1 - s;
		s = at + 1;
	}
	if (n == 0 || n >= sizeof(hostport) - 8)
		return fail(err, errlen, "no proxy host");
	memcpy(hostport, s, n);
	hostport[n] = '\0';
	/* No port: the usual one of the scheme. */
	end = strrchr(hostport, ']');
	if (strchr(end != NULL ? end : hostport, ':') == NULL ||
	    (end == NULL && strchr(hostport, ':') != strrchr(hostport, ':')))
		snprintf(hostport + n, sizeof(hostport) - n, ":%s", defport);
	if (addr_parse(hostport, 0, family, &px->addr, why,
	    sizeof(why)) == -1 || px->addr.kind != ADDR_TCP)
		return fail(err, errlen, "%s: %s", hostport,
		    px->addr.kind != ADDR_TCP ? "not a TCP address" : why);
	n = strstr(url, "://") + 3 - url;
	if (n < sizeof(px->name)) {
		memcpy(px->name, url, n);
		strlcpy(px->name + n, hostport, sizeof(px->name) - n);
	}
	return 0;
}

/* The target's port as a number: the proxy gets no service names. */
static int
target_port(const struct addr *a, unsigned *port, char *err, size_t errlen)
{
	struct servent	*se;
	const char	*why;
	long long	 v;

	if (parse_number(a->port, 1, 65535, &v, &why) == 0) {
		*port = (unsigned)v;
		return 0;
	}
	if ((se = getservbyname(a->port, "tcp")) == NULL)
		return fail(err, errlen, "%s: unknown port", a->port);
	*port = ntohs(se->s_port);
	return 0;
}

/* SOCKS5 CONNECT for an address the proxy gets as it is. */
static void
socks_req(struct proxy *px, int atyp, const void *addr, size_t len,
    unsigned port)
{
	unsigned char	*p = px->req;

	*p++ = 5;	/* version */
	*p++ = 1;	/* CONNECT */
	*p++ = 0;
	*p++ = atyp;
	if (atyp == 3)
		*p++ = (unsigned char)len;
	memcpy(p, addr, len);
	p += len;
	*p++ = port >> 8;
	*p++ = port & 0xff;
	px->reqlen = p - px->req;
}

/* socks5://: the name is resolved here, the proxy gets an address. */
static int
socks_resolved(struct proxy *px, const char *host, unsigned port,
    int family, char *err, size_t errlen)
{
	struct addrinfo	 hints, *ai;
	int		 r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	/* As for a connect without a proxy: an unknown name exits 1. */
	if ((r = getaddrinfo(host, NULL, &hints, &ai)) != 0)
		return fail(err, errlen, "%s: %s", host, gai_strerror(r));
	if (ai->ai_family == AF_INET)
		socks_req(px, 1, &((struct sockaddr_in *)ai->ai_addr)->sin_addr,
		    4, port);
	else
		socks_req(px, 4,
		    &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16, port);
	freeaddrinfo(ai);
	return 0;
}

static const char	b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t
base64(const unsigned char *s, size_t n, char *out)
{
	size_t		i, k = 0;
	unsigned	v;

	for (i = 0; i < n; i += 3) {
		v = s[i] << 16 | (i + 1 < n ? s[i + 1] << 8 : 0) |
		    (i + 2 < n ? s[i + 2] : 0);
		out[k++] = b64[v >> 18 & 63];
		out[k++] = b64[v >> 12 & 63];
		out[k++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[k++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[k] = '\0';
	return k;
}

static void
http_req(struct proxy *px, const char *hostport)
{
	unsigned char	cred[2 * PROXY_CRED_MAX + 2];
	char		auth[4 * sizeof(cred) / 3 + 8];
	int		n;

	n = snprintf((char *)px->req, sizeof(px->req),
	    "CONNECT %s HTTP/1.1\r\nHost: %s\r\n", hostport, hostport);
	if (px->auth) {
		n = snprintf((char *)cred, sizeof(cred), "%s:%s", px->user,
		    px->pass);
		base64(cred, n, auth);
		strlcat((char *)px->req, "Proxy-Authorization: Basic ",
		    sizeof(px->req));
		strlcat((char *)px->req, auth, sizeof(px->req));
		strlcat((char *)px->req, "\r\n", sizeof(px->req));
	}
	strlcat((char *)px->req, "\r\n", sizeof(px->req));
	px->reqlen = strlen((char *)px->req);
}

int
proxy_target(struct proxy *px, const struct addr *a, int family,
    int *usage, char *err, size_t errlen)
{
	const char	*host = a->host[0] != '\0' ? a->host : "localhost";
	unsigned	 port = 0;
	int		 v6 = strchr(host, ':') != NULL;

	*usage = 1;
	if (a->kind != ADDR_TCP)
		return fail(err, errlen, "--proxy: the target must be TCP, "
		    "not a unix socket");
	if (target_port(a, &port, err, errlen) == -1)
		return -1;
	snprintf(px->target, sizeof(px->target), "%s%s%s:%u", v6 ? "[" : "",
	    host, v6 ? "]" : "", port);
	*usage = 0;
	switch (px->kind) {
	case PROXY_SOCKS5:
		return socks_resolved(px, host, port, family, err, errlen);
	case PROXY_SOCKS5H:
		if (strlen(host) > 255) {
			*usage = 1;
			return fail(err, errlen, "%s: longer than SOCKS5 "
			    "allows", host);
		}
		socks_req(px, 3, host, strlen(host), port);
		return 0;
	case PROXY_HTTP:
		http_req(px, px->target);
		return 0;
	}
	return 0;
}

static void
send_out(struct proxy_hs *hs, const void *p, size_t n, int state,
    size_t need)
{
	memcpy(hs->out, p, n);
	hs->outoff = 0;
	hs->outlen = n;
	hs->inlen = 0;
	hs->need = need;
	hs->state = state;
}

void
proxy_hs_init(struct proxy_hs *hs, const struct proxy *px)
{
	unsigned char	greet[4] = { 5, 1, 0, 2 };

	memset(hs, 0, sizeof(*hs));
	hs->px = px;
	if (px->kind == PROXY_HTTP) {
		send_out(hs, px->req, px->reqlen, HS_HTTP, 0);
		return;
	}
	/* No authentication, and username/password if we have one. */
	if (px->auth)
		greet[1] = 2;
	send_out(hs, greet, px->auth ? 4 : 3, HS_GREET, 2);
}

static const char *
socks_error(int code)
{
	static const char	*why[] = {
		"succeeded", "general SOCKS server failure",
		"connection not allowed by ruleset", "network unreachable",
		"host unreachable", "connection refused", "TTL expired",
		"command not supported", "address type not supported",
	};

	return code < (int)NELEM(why) ? why[code] : "unknown error";
}

/* A SOCKS5 reply is whole: on to the next step. */
static int
socks_next(struct proxy_hs *hs, char *err, size_t errlen)
{
	const struct proxy	*px = hs->px;
	unsigned char		 auth[3 + 2 * PROXY_CRED_MAX], *p = auth;
	const unsigned char	*in = hs->in;
	size_t			 ul, pl;

	switch (hs->state) {
	case HS_GREET:
		if (in[0] != 5)
			return fail(err, errlen, "not a SOCKS5 proxy");
		if (in[1] == 0xff || (in[1] == 2 && !px->auth) ||
		    (in[1] != 0 && in[1] != 2))
			return fail(err, errlen, "the proxy takes none of our "
			    "authentication methods (%s)", px->auth ?
			    "none, username/password" : "none; give "
			    "user:password@ in the URL");
		if (in[1] == 0) {
			send_out(hs, px->req, px->reqlen, HS_REQ, 5);
			return 0;
		}
		ul = strlen(px->user);
		pl = strlen(px->pass);
		*p++ = 1;
		*p++ = ul;
		memcpy(p, px->user, ul);
		p += ul;
		*p++ = pl;
		memcpy(p, px->pass, pl);
		send_out(hs, auth, 3 + ul + pl, HS_AUTH, 2);
		return 0;
	case HS_AUTH:
		if (in[1] != 0)
			return fail(err, errlen, "authentication as %s failed "
			    "(status %d)", px->user, in[1]);
		send_out(hs, px->req, px->reqlen, HS_REQ, 5);
		return 0;
	}
	/* HS_REQ: the header first, then the bound address it names. */
	if (in[0] != 5)
		return fail(err, errlen, "not a SOCKS5 reply");
	if (in[1] != 0)
		return fail(err, errlen, "CONNECT %s: reply %d: %s", px->target,
		    in[1], socks_error(in[1]));
	if (hs->need == 5) {
		hs->need = in[3] == 1 ? 10 : in[3] == 4 ? 22 :
		    in[3] == 3 ? 7 + (size_t)in[4] : 0;
		if (hs->need == 0)
			return fail(err, errlen, "bad SOCKS5 reply address "
			    "type %d", in[3]);
		return 0;
	}
	hs->state = HS_DONE;
	return 0;
}

/* "HTTP/D.D NNN", then a space and the reason, or nothing. */
static int
status_line(const char *l)
{
	static const char	form[] = "HTTP/#.# ###";
	size_t			i;

	/* A NUL matches neither a digit nor a letter: l is never overrun. */
	for (i = 0; form[i] != '\0'; i++)
		if (form[i] == '#' ? !isdigit((unsigned char)l[i]) :
		    l[i] != form[i])
			return 0;
	return l[i] == ' ' || l[i] == '\0';
}

/*
 * The proxy's reply to CONNECT, whole in hs->in: "HTTP/D.D CODE
 * [reason]" with single spaces (RFC 9112 4), 2xx or an error.  Checked
 * by hand: scanf's " " also matches tabs and newlines.  The line is
 * copied fit for an error message: no control characters.
 */
static int
http_status(struct proxy_hs *hs, char *err, size_t errlen)
{
	char	line[sizeof(hs->in)];
	size_t	n;
	int	code;

	for (n = 0; n < hs->inlen && hs->in[n] != '\r' && hs->in[n] != '\n';
	    n++)
		line[n] = isprint(hs->in[n]) ? hs->in[n] : '?';
	line[n] = '\0';
	if (!status_line(line))
		return fail(err, errlen, "not an HTTP reply: %.60s", line);
	code = atoi(line + 9);
	if (code < 200 || code > 299)
		return fail(err, errlen, "CONNECT %s: %.80s%s", hs->px->target,
		    line + 9, code == 407 ? hs->px->auth ? " (wrong user or "
		    "password?)" : " (give user:password@ in the URL)" : "");
	hs->state = HS_DONE;
	return 0;
}

/* HTTP: take bytes up to the blank line that ends the header. */
static size_t
http_take(struct proxy_hs *hs, const unsigned char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && hs->inlen < sizeof(hs->in) - 1; i++) {
		hs->in[hs->inlen++] = p[i];
		if (hs->inlen >= 4 &&
		    memcmp(hs->in + hs->inlen - 4, "\r\n\r\n", 4) == 0) {
			hs->need = hs->inlen;
			return i + 1;
		}
	}
	return i;
}

int
proxy_hs_input(struct proxy_hs *hs, const unsigned char *p, size_t n,
    size_t *used, char *err, size_t errlen)
{
	size_t	take;

	*used = 0;
	while (hs->state != HS_DONE && hs->outoff >= hs->outlen &&
	    *used < n) {
		if (hs->state == HS_HTTP) {
			*used += http_take(hs, p + *used, n - *used);
			if (hs->need == 0) {
				if (hs->inlen < sizeof(hs->in) - 1)
					continue;
				return fail(err, errlen, "its reply is too "
				    "long");
			}
			if (http_status(hs, err, errlen) == -1)
				return -1;
			continue;
		}
		take = MIN(hs->need - hs->inlen, n - *used);
		memcpy(hs->in + hs->inlen, p + *used, take);
		hs->inlen += take;
		*used += take;
		if (hs->inlen == hs->need &&
		    socks_next(hs, err, errlen) == -1)
			return -1;
	}
	return hs->state == HS_DONE;
}

/*
 * Look at what the proxy sent and take only the bytes of its reply:
 * what follows belongs to the target.  1 when it must wait for more.
 */
static int
take_reply(struct proxy_hs *hs, int fd, char *err, size_t errlen)
{
	unsigned char	buf[sizeof(hs->in)];
	char		why[256];
	size_t		used;
	ssize_t		n;
	int		r;

	if ((n = recv(fd, buf, sizeof(buf), MSG_PEEK)) == -1 &&
	    (errno == EAGAIN || errno == EINTR))
		return 1;
	if (n == 0)
		return fail(err, errlen, "proxy %s: closed the connection "
		    "during the handshake", hs->px->name);
	if (n == -1)
		return fail(err, errlen, "proxy %s: %s", hs->px->name,
		    strerror(errno));
	r = proxy_hs_input(hs, buf, n, &used, why, sizeof(why));
	/* Peeked bytes are there: this read takes them at once. */
	if (used > 0 && recv(fd, buf, used, 0) != (ssize_t)used)
		return fail(err, errlen, "proxy %s: %s", hs->px->name,
		    strerror(errno));
	if (r == -1)
		return fail(err, errlen, "proxy %s: %s", hs->px->name, why);
	return 0;
}

int
proxy_hs_step(struct proxy_hs *hs, int fd, int *events, char *err,
    size_t errlen)
{
	ssize_t	n;
	int	r;

	while (hs->state != HS_DONE) {
		if (hs->outoff < hs->outlen) {
			n = write(fd, hs->out + hs->outoff,
			    hs->outlen - hs->outoff);
			if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
				*events = LOOP_WRITE;
				return 0;
			}
			if (n == -1)
				return fail(err, errlen, "proxy %s: %s",
				    hs->px->name, strerror(errno));
			hs->outoff += n;
			continue;
		}
		if ((r = take_reply(hs, fd, err, errlen)) == -1)
			return -1;
		if (r == 1) {
			*events = LOOP_READ;
			return 0;
		}
	}
	return 1;
}
