/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"

#define MISSING_PORT	"missing port (say HOST:PORT or HOST PORT)"

static int
bad(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	return -1;
}

static int
parse_unix(const char *s, struct addr *a, char *err, size_t errlen)
{
	size_t	len;

	memset(a, 0, sizeof(*a));
	a->kind = ADDR_UNIX;
	if (*s == '@') {
		a->kind = ADDR_ABSTRACT;
		s++;
	}
	len = strlen(s);
	if (len == 0)
		return bad(err, errlen, "%s", a->kind == ADDR_ABSTRACT ?
		    "empty abstract socket name" : "empty unix socket path");
	if (len > ADDR_PATH_MAX) {
		/* Never truncate: a shortened path is another socket. */
		snprintf(err, errlen, "unix path too long (%zu bytes; "
		    "the limit is %zu)", len, ADDR_PATH_MAX);
		return -1;
	}
	memcpy(a->path, s, len + 1);
	return 0;
}

static int
parse_port(const char *s, int flags, struct addr *a, char *err,
    size_t errlen)
{
	const char	*errstr;
	long long	 port;

	if (*s == '\0')
		return bad(err, errlen, "%s", MISSING_PORT);
	if (strchr(s, ',') != NULL)
		return bad(err, errlen, "%s: socat's address options; sockit "
		    "takes options as flags (see --help)", strchr(s, ','));
	if (strlen(s) >= sizeof(a->port))
		return bad(err, errlen, "%s", "port name too long");
	if (isdigit((unsigned char)*s)) {
		port = strtonum(s, 0, 65535, &errstr);
		if (errstr != NULL)
			return bad(err, errlen, "port %s: not a number from "
			    "0 to 65535", s);
		if (port == 0 && !(flags & ADDR_SERVER))
			return bad(err, errlen, "%s",
			    "port 0 is only for servers (any free port)");
	} else if (getservbyname(s, flags & ADDR_DGRAM ? "udp" : "tcp") ==
	    NULL)
		return bad(err, errlen, "port %s: not a number or a known "
		    "service name", s);
	strlcpy(a->port, s, sizeof(a->port));
	return 0;
}

/*
 * One word with no ':': a port, or a host whose port was forgotten
 * ("127.0.0.1", "localhost"), which deserves to be told so.
 */
static int
parse_bare(const char *s, int flags, struct addr *a, char *err,
    size_t errlen)
{
	if (s[strspn(s, "0123456789")] == '\0' ||
	    (!isdigit((unsigned char)*s) && strchr(s, '.') == NULL &&
	    getservbyname(s, flags & ADDR_DGRAM ? "udp" : "tcp") != NULL))
		return parse_port(s, flags, a, err, errlen);
	if (strchr(s, '.') != NULL)
		return bad(err, errlen, "%s", MISSING_PORT);
	return bad(err, errlen, "%s", "not a port number or a service name; "
	    "a host needs a port: HOST:PORT or HOST PORT");
}

/* bare: the port is apart (HOST PORT), so an IPv6 host needs no []. */
static int
parse_host(const char *s, size_t len, int bare, struct addr *a, char *err,
    size_t errlen)
{
	struct in6_addr	in6;

	if (len >= sizeof(a->host))
		return bad(err, errlen, "%s", "host name too long");
	memcpy(a->host, s, len);
	a->host[len] = '\0';
	if (len > 0 && s[0] == '[') {
		if (len < 3 || s[len - 1] != ']')
			return bad(err, errlen, "bad IPv6 literal %s "
			    "(say [::1]:PORT)", a->host);
		memmove(a->host, a->host + 1, len - 2);
		a->host[len - 2] = '\0';
		if (inet_pton(AF_INET6, a->host, &in6) != 1)
			return bad(err, errlen, "bad IPv6 address %s", a->host);
		if (a->family == AF_INET)
			return bad(err, errlen, "%s is IPv6 but IPv4 was asked "
			    "for", a->host);
		a->family = AF_INET6;
	} else if (memchr(s, ':', len) != NULL) {
		if (!bare)
			return bad(err, errlen, "IPv6 address %s needs "
			    "brackets: [ADDRESS]:PORT", a->host);
		if (inet_pton(AF_INET6, a->host, &in6) != 1)
			return bad(err, errlen, "bad IPv6 address %s", a->host);
	}
	return 0;
}

static int
parse_tcp(const char *s, int flags, struct addr *a, char *err,
    size_t errlen)
{
	const char	*colon;

	a->kind = ADDR_TCP;
	if (*s == '\0')
		return bad(err, errlen, "%s", "empty address");
	if (s[0] == '[' && (colon = strchr(s, ']')) != NULL) {
		if (colon[1] == '\0')
			return bad(err, errlen, "%s", MISSING_PORT);
		if (colon[1] != ':')
			return bad(err, errlen, "bad IPv6 literal %s "
			    "(say [::1]:PORT)", s);
		colon++;
	} else
		colon = strrchr(s, ':');
	if (colon == NULL)
		return parse_bare(s, flags, a, err, errlen);
	if (s[0] != '[' && memchr(s, ':', colon - s) != NULL)
		return bad(err, errlen, "IPv6 address %s needs brackets: "
		    "[ADDRESS]:PORT", s);
	if (parse_host(s, colon - s, 0, a, err, errlen) == -1)
		return -1;
	return parse_port(colon + 1, flags, a, err, errlen);
}

/*
 * socat's address types, and how sockit says each: a socat user's
 * first try should get the sockit spelling, not a parse error.
 */
static const struct {
	const char	*type;		/* up to the first ':' or ',' */
	const char	*instead;
} socat_types[] = {
	{ "TCP-LISTEN",
	    "sockit says PORT or HOST:PORT for a server (sockit listen 8080)" },
	{ "TCP4-LISTEN",
	    "sockit says tcp4:HOST:PORT for a server" },
	{ "TCP6-LISTEN", "sockit says tcp6:[HOST]:PORT for a server" },
	{ "TCP-CONNECT", "sockit says HOST:PORT" },
	{ "UDP-LISTEN",
	    "sockit says udp:PORT for a server (sockit listen udp:5000)" },
	{ "UDP-RECVFROM", "sockit says udp:HOST:PORT for a server" },
	{ "UDP-RECV", "sockit says udp:HOST:PORT for a server" },
	{ "UDP-CONNECT", "sockit says udp:HOST:PORT" },
	{ "UDP-SENDTO", "sockit says udp:HOST:PORT" },
	{ "UNIX-LISTEN", "sockit says unix:PATH for a server" },
	{ "UNIX-CONNECT", "sockit says unix:PATH" },
	{ "UNIX-CLIENT",
	    "sockit says unix:PATH, or unixgram:PATH for datagrams" },
	{ "UNIX-RECVFROM", "sockit says unixgram:PATH for a server" },
	{ "UNIX-SENDTO", "sockit says unixgram:PATH" },
	{ "ABSTRACT-LISTEN", "sockit says @NAME for a server" },
	{ "ABSTRACT-CONNECT", "sockit says @NAME" },
	{ "OPENSSL", "sockit says tls:HOST:PORT" },
	{ "SSL", "sockit says tls:HOST:PORT" },
	{ "OPENSSL-LISTEN",
	    "sockit says tls:PORT with --cert and --key" },
	{ "SSL-LISTEN",
	    "sockit says tls:PORT with --cert and --key" },
	{ "EXEC", "sockit says 'sockit exec ADDRESS -- PROGRAM'" },
	{ "SYSTEM", "sockit says 'sockit exec ADDRESS -- sh -c COMMAND'" },
	{ "SOCKS4", "sockit says --proxy socks5://HOST:PORT" },
	{ "SOCKS4A", "sockit says --proxy socks5h://HOST:PORT" },
	{ "SOCKS5", "sockit says --proxy socks5://HOST:PORT" },
	{ "PROXY", "sockit says --proxy http://HOST:PORT (CONNECT)" },
	{ "STDIO", "sockit needs none: stdin and stdout are its other end" },
	{ "STDIN", "sockit needs none: stdin and stdout are its other end" },
	{ "STDOUT", "sockit needs none: stdin and stdout are its other end" },
	{ "-", "sockit needs none: stdin and stdout are its other end" },
};

static int
socat_form(const char *s, char *err, size_t errlen)
{
	size_t	i, n = strcspn(s, ":,");

	for (i = 0; i < sizeof(socat_types) / sizeof(socat_types[0]); i++)
		if (strlen(socat_types[i].type) == n &&
		    strncasecmp(s, socat_types[i].type, n) == 0) {
			snprintf(err, errlen, "%.*s is socat's spelling; %s",
			    (int)n, s,
			    socat_types[i].instead);
			return -1;
		}
	return 0;
}

/* serial:DEVICE[,SETTINGS] and pty:PATH: a path, not a socket's. */
static int
parse_tty(const char *s, struct addr *a, char *err, size_t errlen)
{
	int	ser = tolower((unsigned char)*s) == 's';
	size_t	n;

	memset(a, 0, sizeof(*a));
	a->kind = ser ? ADDR_SERIAL : ADDR_PTY;
	s += ser ? 7 : 4;
	n = ser ? strcspn(s, ",") : strlen(s);
	if (n == 0)
		return bad(err, errlen, "%s", ser ? "serial: needs a DEVICE "
		    "(serial:/dev/ttyUSB0,115200)" : "pty: needs a PATH for "
		    "its link (pty:/tmp/ttyV0)");
	if (n > ADDR_PATH_MAX)
		return bad(err, errlen, "%s", "path too long");
	memcpy(a->path, s, n);
	a->path[n] = '\0';
	if (!ser)
		return 0;
	return serial_parse(s + n + (s[n] == ','), &a->serial, err, errlen);
}

/* A WebSocket URL's path (and query): it goes in the request line. */
static int
ws_path(const char *p, struct addr *a, char *err, size_t errlen)
{
	const char	*c;

	for (c = p; *c != '\0'; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f || *c == '#')
			return bad(err, errlen, "%s", *c == '#' ? "a fragment "
			    "(#) has no place in a WebSocket URL" :
			    "a space or control character in the URL path");
	if (strlcpy(a->wspath, p, sizeof(a->wspath)) >= sizeof(a->wspath))
		return bad(err, errlen, "%s", "URL path too long");
	a->ws = 1;
	return 0;
}

/* ws://HOST[:PORT][/PATH], wss://...: ports 80 and 443 by default. */
static int
parse_ws_url(const char *s, int flags, int family, struct addr *a,
    char *err, size_t errlen)
{
	int		 tls = tolower((unsigned char)s[2]) == 's';
	const char	*auth = s + (tls ? 6 : 5), *slash, *colon;
	char		 hp[ADDR_HOST_MAX + ADDR_PORT_MAX + 8];
	size_t		 n;

	n = strcspn(auth, "/?");
	slash = auth + n;
	if (n == 0)
		return bad(err, errlen, "%s", "missing host (say "
		    "ws://HOST:PORT/PATH)");
	if (n >= sizeof(hp) - 5)
		return bad(err, errlen, "%s", "host name too long");
	if (memchr(auth, '@', n) != NULL)
		return bad(err, errlen, "%s", "no user in a WebSocket URL: "
		    "say -H 'Authorization: ...'");
	memcpy(hp, auth, n);
	hp[n] = '\0';
	colon = hp[0] == '[' ? strstr(hp, "]:") : strchr(hp, ':');
	/* A bare number is a port, as everywhere in sockit. */
	if (colon == NULL && hp[strspn(hp, "0123456789")] != '\0')
		strlcat(hp, tls ? ":443" : ":80", sizeof(hp));
	memset(a, 0, sizeof(*a));
	a->family = family;
	if (parse_tcp(hp, flags, a, err, errlen) == -1)
		return -1;
	a->tls = tls;
	if (*slash == '?')
		return bad(err, errlen, "%s", "the URL path must begin with /");
	return ws_path(*slash != '\0' ? slash : "/", a, err, errlen);
}

/* ws+unix:PATH[:/URLPATH] */
static int
parse_ws_unix(const char *s, struct addr *a, char *err, size_t errlen)
{
	const char	*sep = strstr(s, ":/");
	char		 path[ADDR_PATH_MAX + 2];
	size_t		 n = sep != NULL ? (size_t)(sep - s) : strlen(s);

	if (n > ADDR_PATH_MAX)
		return bad(err, errlen, "%s", "unix path too long");
	memcpy(path, s, n);
	path[n] = '\0';
	if (parse_unix(path, a, err, errlen) == -1)
		return -1;
	return ws_path(sep != NULL ? sep + 1 : "/", a, err, errlen);
}

static int
parse_any(const char *s, int flags, int family, struct addr *a, char *err,
    size_t errlen)
{
	static const struct {
		const char	*prefix;
		int		 family;
		int		 dgram;
	} tcp[] = {
		{ "tcp:", AF_UNSPEC, 0 }, { "tcp4:", AF_INET, 0 },
		{ "tcp6:", AF_INET6, 0 }, { "udp:", AF_UNSPEC, 1 },
		{ "udp4:", AF_INET, 1 }, { "udp6:", AF_INET6, 1 },
	};
	size_t	i, n;

	if (socat_form(s, err, errlen) == -1)
		return -1;
	/* Parsed for clients too, so that they refuse it by its name. */
	if (strcmp(s, "systemd") == 0 || strncmp(s, "systemd:", 8) == 0) {
		memset(a, 0, sizeof(*a));
		a->kind = ADDR_SYSTEMD;
		if (strlcpy(a->path, s + (s[7] == ':' ? 8 : 7),
		    sizeof(a->path)) >= sizeof(a->path))
			return bad(err, errlen, "%s: name too long", s);
		return 0;
	}
	if (strncasecmp(s, "serial:", 7) == 0 || strncasecmp(s, "pty:", 4) == 0)
		return parse_tty(s, a, err, errlen);
	if ((strncasecmp(s, "ws://", 5) == 0 || strncasecmp(s, "wss://",
	    6) == 0 || strncasecmp(s, "ws+unix:", 8) == 0) &&
	    (flags & ADDR_DGRAM))
		return bad(err, errlen, "%s", "WebSocket is for streams, not "
		    "datagrams");
	if (strncasecmp(s, "ws://", 5) == 0 || strncasecmp(s, "wss://", 6) == 0)
		return parse_ws_url(s, flags, family, a, err, errlen);
	if (strncasecmp(s, "ws+unix:", 8) == 0)
		return parse_ws_unix(s + 8, a, err, errlen);
	/* TLS is a layer over any stream address. */
	if (strncasecmp(s, "tls:", 4) == 0) {
		if (strncasecmp(s + 4, "tls:", 4) == 0)
			return bad(err, errlen, "%s", "tls: given twice");
		if (addr_parse(s + 4, flags, family, a, err, errlen) == -1)
			return -1;
		if (a->dgram)
			return bad(err, errlen, "%s",
			    "TLS is for streams, not datagrams");
		a->tls = 1;
		return 0;
	}
	if (flags & ADDR_FORCE_UNIX)
		return parse_unix(s, a, err, errlen);
	/* socat's spelling, TCP: UNIX: UDP:, is ours in any case. */
	if (strncasecmp(s, "unix:", 5) == 0)
		return parse_unix(s + 5, a, err, errlen);
	if (strncasecmp(s, "unixgram:", 9) == 0) {
		if (parse_unix(s + 9, a, err, errlen) == -1)
			return -1;
		a->dgram = 1;
		return 0;
	}
	if (*s == '@')
		return parse_unix(s, a, err, errlen);
	memset(a, 0, sizeof(*a));
	a->family = family;
	for (i = 0; i < sizeof(tcp) / sizeof(tcp[0]); i++) {
		n = strlen(tcp[i].prefix);
		if (strncasecmp(s, tcp[i].prefix, n) != 0)
			continue;
		if (tcp[i].family != AF_UNSPEC && family != AF_UNSPEC &&
		    tcp[i].family != family)
			return bad(err, errlen, "%s contradicts -4/-6", s);
		if (tcp[i].family != AF_UNSPEC)
			a->family = tcp[i].family;
		a->dgram = tcp[i].dgram;
		return parse_tcp(s + n, flags | (a->dgram ? ADDR_DGRAM : 0),
		    a, err, errlen);
	}
	if (strchr(s, '/') != NULL)
		return parse_unix(s, a, err, errlen);
	return parse_tcp(s, flags, a, err, errlen);
}

int
addr_parse(const char *s, int flags, int family, struct addr *a, char *err,
    size_t errlen)
{
	if ((flags & ADDR_DGRAM) && !(flags & ADDR_FORCE_UNIX) &&
	    strncasecmp(s, "tcp", 3) == 0 && strchr(s, ':') != NULL &&
	    strchr(s, ':') - s <= 4)
		return bad(err, errlen, "%s is TCP; -u asks for datagrams", s);
	if (parse_any(s, flags, family, a, err, errlen) == -1)
		return -1;
	if (flags & ADDR_DGRAM)
		a->dgram = 1;
	return 0;
}

int
addr_parse_pair(const char *host, const char *port, int flags, int family,
    struct addr *a, char *err, size_t errlen)
{
	if (flags & ADDR_FORCE_UNIX)
		return bad(err, errlen, "%s", "a unix address is one argument");
	memset(a, 0, sizeof(*a));
	a->kind = ADDR_TCP;
	a->family = family;
	if (*host == '\0')
		return bad(err, errlen, "%s", "empty host");
	a->dgram = (flags & ADDR_DGRAM) != 0;
	if (parse_host(host, strlen(host), 1, a, err, errlen) == -1)
		return -1;
	return parse_port(port, flags, a, err, errlen);
}

void
addr_format_sa(const struct sockaddr *sa, socklen_t salen, char *buf,
    size_t len)
{
	const struct sockaddr_un	*sun = (const struct sockaddr_un *)sa;
	const struct sockaddr_in6	*sin6;
	char				 host[INET6_ADDRSTRLEN];
	size_t				 plen;

	switch (sa->sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    host, sizeof(host));
		snprintf(buf, len, "%s:%u", host,
		    ntohs(((const struct sockaddr_in *)sa)->sin_port));
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)sa;
		/* A dual-stack server sees IPv4 peers as ::ffff:a.b.c.d. */
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], host,
			    sizeof(host));
			snprintf(buf, len, "%s:%u", host,
			    ntohs(sin6->sin6_port));
			break;
		}
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
		break;
	case AF_UNIX:
		plen = salen > offsetof(struct sockaddr_un, sun_path) ?
		    salen - offsetof(struct sockaddr_un, sun_path) : 0;
		if (plen == 0)
			snprintf(buf, len, "unix:");	/* unnamed peer */
		else if (sun->sun_path[0] == '\0')
			snprintf(buf, len, "@%.*s", (int)(plen - 1),
			    sun->sun_path + 1);
		else
			snprintf(buf, len, "unix:%.*s", (int)strnlen(sun->sun_path, plen),
			    sun->sun_path);
		break;
	default:
		snprintf(buf, len, "?");
	}
}
