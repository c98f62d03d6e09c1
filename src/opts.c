/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/socket.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "opts.h"
#include "util.h"

static const struct opt_spec base_opts[] = {
	{ NULL, '4', no_argument, NULL, "IPv4 only / IPv6 only" },
	{ NULL, '6', no_argument, NULL, NULL },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec unix_opts[] = {
	{ "unix", 'U', no_argument, NULL, "ADDRESS is a unix socket path" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec idle_opts[] = {
	{ "idle-timeout", 'i', required_argument, "DUR",
	    "close a connection idle that long (0 = never)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec tail_opts[] = {
	{ "verbose", 'v', no_argument, NULL, "log to stderr (-vv: more)" },
	{ "log-format", OPT_LOG_FORMAT, required_argument, "text|json",
	    "log lines as text, or one JSON object each" },
	{ "help", 'h', no_argument, NULL, "this help" },
	{ "version", 'V', no_argument, NULL, "print the version" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec delim_opts[] = {
	{ "delimiter", 'd', required_argument, "DELIM",
	    "message delimiter (default \\n; escapes\n"
	    "\\n \\r \\t \\0 \\\\ \\xHH)" },
	{ "null", '0', no_argument, NULL, "same as -d '\\0'" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec server_opts[] = {
	{ "max-conns", 'x', required_argument, "N",
	    "at most N clients at once" },
	{ "mode", OPT_MODE, required_argument, "MODE",
	    "octal mode of the unix socket file" },
	{ "allow-uid", OPT_ALLOW_UID, required_argument, "UID",
	    "unix: serve only these peer uids (repeatable)" },
	{ "allow", OPT_ALLOW, required_argument, "CIDR",
	    "serve only clients in CIDR (repeatable)" },
	{ "deny", OPT_DENY, required_argument, "CIDR",
	    "refuse clients in CIDR (repeatable)" },
	{ "allow-file", OPT_ALLOW_FILE, required_argument, "FILE",
	    "--allow each CIDR of FILE (one a line, #)" },
	{ "deny-file", OPT_DENY_FILE, required_argument, "FILE",
	    "--deny each CIDR of FILE (one a line, #)" },
	{ "max-per-ip", OPT_MAX_PER_IP, required_argument, "N",
	    "at most N clients from one address (IPv6: /64)" },
	{ "accept-proxy", OPT_ACCEPT_PROXY, no_argument, NULL,
	    "clients start with a PROXY header (v1, v2)" },
	{ "backend", OPT_BACKEND, required_argument, "select|epoll",
	    "the event loop (default: $SOCKIT_BACKEND)" },
	{ "ready-fd", OPT_READY_FD, required_argument, "FD",
	    "once listening, write the address to FD" },
	{ "keep-open", 'k', no_argument, NULL,
	    "accepted for nc habits (the default)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec workers_opts[] = {
	{ "workers", OPT_WORKERS, required_argument, "N",
	    "N processes serve ADDRESS (1-64)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec watch_opts[] = {
	{ "hexdump", OPT_HEXDUMP, optional_argument, "[=FILE]",
	    "dump every chunk both ways to stderr or FILE" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec dgram_opts[] = {
	{ "udp", 'u', no_argument, NULL,
	    "datagrams: UDP, or unix datagram with -U" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec client_opts[] = {
	{ "wait", 'w', required_argument, "DUR", "connect timeout" },
	{ "source", 's', required_argument, "ADDR",
	    "bind the local end to ADDR (HOST, PORT, HOST:PORT)" },
	{ NULL, 0, 0, NULL, NULL }
};
/* Connections that survive: retry (send, relay), reconnect (send). */
static const struct opt_spec retry_opts[] = {
	{ "retry", OPT_RETRY, optional_argument, "[=N]",
	    "connect failed: try again (N times; no N:\n"
	    "until -w, or forever), pausing 100ms doubling" },
	{ "retry-max", OPT_RETRY_MAX, required_argument, "DUR",
	    "the longest pause between tries (default 10s)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec reconnect_opts[] = {
	{ "reconnect", OPT_RECONNECT, no_argument, NULL,
	    "the connection ended with input left: connect\n"
	    "again (as --retry) and go on" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec keepalive_opts[] = {
	{ "keepalive", OPT_KEEPALIVE, optional_argument, "[=SPEC]",
	    "TCP keepalive and WebSocket pings, SPEC\n"
	    "IDLE[,INTVL,COUNT] (60s,10s,6): a peer silent\n"
	    "IDLE + INTVL * COUNT is dead" },
	{ NULL, 0, 0, NULL, NULL }
};

/* TLS: what every side takes, then a client's, then a server's. */
static const struct opt_spec tls_on_opts[] = {
	{ "tls", OPT_TLS, no_argument, NULL, "TLS on ADDRESS (as tls:ADDRESS)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec tls_opts[] = {
	{ "cert", OPT_CERT, required_argument, "FILE",
	    "TLS: our certificate (PEM, with its chain)" },
	{ "key", OPT_KEY, required_argument, "FILE",
	    "TLS: the key of --cert (PEM)" },
	{ "cacert", OPT_CACERT, required_argument, "FILE",
	    "TLS: trust these CAs (PEM) to verify the peer" },
	{ "alpn", OPT_ALPN, required_argument, "LIST",
	    "TLS: offer/accept these protocols (h2,http/1.1)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec tls_client_opts[] = {
	{ "insecure", OPT_INSECURE, no_argument, NULL,
	    "TLS: do not verify the server (says so)" },
	{ "servername", OPT_SERVERNAME, required_argument, "NAME",
	    "TLS: the name to verify and send (SNI)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec tls_server_opts[] = {
	{ "self-signed", OPT_SELF_SIGNED, no_argument, NULL,
	    "TLS: make a key and certificate in memory" },
	{ "verify-client", OPT_VERIFY_CLIENT, no_argument, NULL,
	    "TLS: require a client certificate (--cacert)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec tls_wait_opts[] = {
	{ "wait", 'w', required_argument, "DUR",
	    "TLS handshake timeout (default 10s)" },
	{ NULL, 0, 0, NULL, NULL }
};

/* WebSocket: what every side takes, then a client's, then a server's. */
static const struct opt_spec ws_opts[] = {
	{ "text", OPT_TEXT, no_argument, NULL,
	    "WebSocket: text messages, one per -d message" },
	{ "ws-protocol", OPT_WS_PROTOCOL, required_argument, "NAME",
	    "WebSocket: offer/accept this subprotocol" },
	{ "ws-max-message", OPT_WS_MAX_MESSAGE, required_argument, "SIZE",
	    "WebSocket: longest message (16M)" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec ws_client_opts[] = {
	{ "header", 'H', required_argument, "HEADER",
	    "WebSocket: add 'Name: value' to the request" },
	{ NULL, 0, 0, NULL, NULL }
};
static const struct opt_spec ws_server_opts[] = {
	{ "ws-origin", OPT_WS_ORIGIN, required_argument, "ORIGIN",
	    "WebSocket: take only this Origin (repeatable)" },
	{ NULL, 0, 0, NULL, NULL }
};

#define LONG_MAX_OPTS	80
#define TABLES_MAX	24	/* relay alone takes 14 */
#define HELP_COLUMN	28	/* where the help text of a line starts */

static int
own_wait(const struct opt_spec *o)
{
	for (; o != NULL && o->ch != 0; o++)
		if (o->ch == 'w')
			return 1;
	return 0;
}

/* The tables a command takes, in the order --help lists them. */
static int
tables(const struct cmd *cmd, const struct opt_spec **t)
{
	int	n = 0, kinds = cmd->serves | cmd->dials;

	if (cmd->opts != NULL)
		t[n++] = cmd->opts;
	if (cmd->flags & CMD_OWN_OPTS)
		return n;
	if (kinds & KIND_DGRAM)
		t[n++] = dgram_opts;
	if (cmd->flags & GROUP_DELIM)
		t[n++] = delim_opts;
	if (cmd->flags & GROUP_SERVER)
		t[n++] = server_opts;
	if (cmd->flags & GROUP_WORKERS)
		t[n++] = workers_opts;
	if (cmd->flags & GROUP_CLIENT)
		t[n++] = client_opts;
	if (cmd->flags & GROUP_WATCH)
		t[n++] = watch_opts;
	/* wait and wall try again already: their own way, no --retry. */
	if ((cmd->flags & GROUP_CLIENT) && !(cmd->flags & CMD_MANY))
		t[n++] = retry_opts;
	if ((cmd->flags & GROUP_CLIENT) && (cmd->flags & CMD_STDIO))
		t[n++] = reconnect_opts;
	/* Connections that last (they can idle): wait's probes do not. */
	if ((kinds & KIND_TCP) && (cmd->flags & GROUP_IDLE))
		t[n++] = keepalive_opts;
	if (kinds & KIND_TLS) {
		/* relay has two addresses: tls: says which. */
		if (!(cmd->flags & CMD_PAIRS))
			t[n++] = tls_on_opts;
		t[n++] = tls_opts;
		if (cmd->dials & KIND_TLS)
			t[n++] = tls_client_opts;
		if (cmd->serves & KIND_TLS)
			t[n++] = tls_server_opts;
		/* ftp's own -w bounds its handshakes too. */
		if (!(cmd->flags & GROUP_CLIENT) && !own_wait(cmd->opts))
			t[n++] = tls_wait_opts;
	}
	if (kinds & KIND_WS) {
		t[n++] = ws_opts;
		if (cmd->dials & KIND_WS)
			t[n++] = ws_client_opts;
		if (cmd->serves & KIND_WS)
			t[n++] = ws_server_opts;
	}
	t[n++] = base_opts;
	if (kinds & (KIND_UNIX | KIND_UNIXGRAM))
		t[n++] = unix_opts;
	if (cmd->flags & GROUP_IDLE)
		t[n++] = idle_opts;
	t[n++] = tail_opts;
	return n;
}

/* getopt_long's tables from the specs. */
static void
build(const struct cmd *cmd, struct option *longs, char *shorts,
    size_t slen)
{
	const struct opt_spec	*t[TABLES_MAX], *o;
	int			 i, n, nt = tables(cmd, t);
	size_t			 k = 0;

	shorts[k++] = ':';	/* a missing value is told apart */
	for (i = n = 0; i < nt; i++)
		for (o = t[i]; o->ch != 0; o++) {
			if (o->name != NULL && n < LONG_MAX_OPTS - 1) {
				longs[n].name = o->name;
				longs[n].has_arg = o->has_arg;
				longs[n].flag = NULL;
				longs[n++].val = o->ch;
			}
			if (o->ch < 256 && k + 3 < slen) {
				shorts[k++] = (char)o->ch;
				if (o->has_arg == required_argument)
					shorts[k++] = ':';
			}
		}
	shorts[k] = '\0';
	memset(&longs[n], 0, sizeof(longs[n]));
}

/* One --help line: "  -i, --idle-timeout DUR    close ...". */
static void
help_line(FILE *f, const struct opt_spec *o)
{
	char		 label[64];
	const char	*p = o->help;
	int		 n;

	n = snprintf(label, sizeof(label), "  ");
	if (o->ch < 256)
		n += snprintf(label + n, sizeof(label) - n, "-%c", o->ch);
	for (; o[1].ch != 0 && o[1].help == NULL; o++)
		n += snprintf(label + n, sizeof(label) - n, ", -%c", o[1].ch);
	if (o->name != NULL)
		n += snprintf(label + n, sizeof(label) - n, "%s--%s",
		    o->ch < 256 ? ", " : "    ", o->name);
	if (o->argname != NULL)
		snprintf(label + n, sizeof(label) - n, "%s%s",
		    o->argname[0] == '[' ? "" : " ", o->argname);
	fprintf(f, "%-*s  ", HELP_COLUMN - 2, label);
	/* A help text of several lines goes on under the first. */
	for (; *p != '\0'; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fprintf(f, "%*s", HELP_COLUMN, "");
	}
	fputc('\n', f);
}

void
opts_help(FILE *f, const struct cmd *cmd)
{
	const struct opt_spec	*t[TABLES_MAX], *o;
	int			 i, nt = tables(cmd, t);

	if (cmd->opts == NULL && cmd->note != NULL)
		fprintf(f, "  %s\n", cmd->note);
	for (i = 0; i < nt; i++) {
		for (o = t[i]; o->ch != 0; o++)
			if (o->help != NULL)
				help_line(f, o);
		/* The note is about the command's own options, if any. */
		if (i == 0 && cmd->opts != NULL && cmd->note != NULL)
			fprintf(f, "  %s\n", cmd->note);
	}
}

/*
 * One line of `sockit help --options`: "--long -s ARG", each part
 * present only where the option has it, then a tab and the help on one
 * line.  ARG is the argname as --help shows it: "[=X]" is optional, and
 * one without a capital letter is the set of values ("select|epoll").
 */
static void
print_line(FILE *f, const struct opt_spec *o, const char *help)
{
	const char	*p;

	if (o->name != NULL)
		fprintf(f, "--%s", o->name);
	if (o->ch < 256)
		fprintf(f, "%s-%c", o->name != NULL ? " " : "", o->ch);
	if (o->argname != NULL)
		fprintf(f, "%s%s", o->argname[0] == '[' ? "" : " ",
		    o->argname);
	fputc('\t', f);
	for (p = help; p != NULL && *p != '\0'; p++)
		fputc(*p == '\n' ? ' ' : *p, f);
	fputc('\n', f);
}

void
opts_print(FILE *f, const struct cmd *cmd)
{
	const struct opt_spec	*t[TABLES_MAX], *o;
	const char		*help = NULL;
	int			 i, nt = tables(cmd, t);

	for (i = 0; i < nt; i++)
		for (o = t[i]; o->ch != 0; o++) {
			/* -6 goes on the line of -4: the same help. */
			if (o->help != NULL)
				help = o->help;
			print_line(f, o, help);
		}
}

static int
parse_uid(const char *s, uid_t *uid, const char **why)
{
	struct passwd	*pw;
	long long	 v;

	if (parse_number(s, 0, UINT_MAX - 1, &v, why) == 0) {
		*uid = (uid_t)v;
		return 0;
	}
	if ((pw = getpwnam(s)) == NULL) {
		*why = "not a uid or a user name";
		return -1;
	}
	*uid = pw->pw_uid;
	return 0;
}

static int
parse_mode(const char *s, int *mode, const char **why)
{
	size_t	i, len = strlen(s);
	int	v = 0;

	/* Digits only: strtol would take " 600", "+600" and "-0". */
	for (i = 0; i < len && i < 4 && s[i] >= '0' && s[i] <= '7'; i++)
		v = v * 8 + (s[i] - '0');
	if (len == 0 || i != len || v > 0777) {
		*why = "not an octal mode from 0 to 777";
		return -1;
	}
	*mode = v;
	return 0;
}

static int
parse_ready_fd(const char *s, int *fd, const char **why)
{
	long long	v;

	if (parse_number(s, 0, INT_MAX, &v, why) == -1)
		return -1;
	if (fcntl((int)v, F_GETFD) == -1) {
		*why = "not an open descriptor";
		return -1;
	}
	*fd = (int)v;
	return 0;
}

static int
tls_opt(struct tls_opts *o, int ch, const char *arg)
{
	static const char *const names[] = { "--tls", "--cert", "--key",
	    "--cacert", "--insecure", "--servername", "--self-signed",
	    "--verify-client", "--alpn" };

	if (ch < OPT_TLS || ch > OPT_ALPN)
		return 1;
	if (o->given == NULL && ch != OPT_TLS)
		o->given = names[ch - OPT_TLS];
	switch (ch) {
	case OPT_TLS:
		o->on = 1;
		break;
	case OPT_CERT:
		o->cert = arg;
		break;
	case OPT_KEY:
		o->key = arg;
		break;
	case OPT_CACERT:
		o->cacert = arg;
		break;
	case OPT_INSECURE:
		o->insecure = 1;
		break;
	case OPT_SERVERNAME:
		o->servername = arg;
		break;
	case OPT_SELF_SIGNED:
		o->self_signed = 1;
		break;
	case OPT_VERIFY_CLIENT:
		o->verify_client = 1;
		break;
	case OPT_ALPN:
		o->alpn = arg;
		break;
	}
	return 0;
}

/* Whole seconds of a duration, as TCP's keepalive options take them. */
static int
ka_seconds(const char *s, size_t n, int *out, const char **why)
{
	char	buf[32];
	int64_t	ms;

	if (n >= sizeof(buf)) {
		*why = "not IDLE or IDLE,INTVL,COUNT";
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_duration(buf, &ms, why) == -1)
		return -1;
	if (ms < 1000 || ms > 32767000 || ms % 1000 != 0) {
		*why = "IDLE and INTVL are whole seconds from 1s to 32767s";
		return -1;
	}
	*out = (int)(ms / 1000);
	return 0;
}

/* --keepalive[=IDLE[,INTVL,COUNT]] */
static int
parse_keepalive(const char *arg, struct keepalive *k, const char **why)
{
	const char	*c1, *c2;
	long long	 v;

	k->on = 1;
	k->idle = 60;
	k->interval = 10;
	k->count = 6;
	if (arg == NULL)
		return 0;
	if ((c1 = strchr(arg, ',')) == NULL)
		return ka_seconds(arg, strlen(arg), &k->idle, why);
	if ((c2 = strchr(c1 + 1, ',')) == NULL) {
		*why = "not IDLE or IDLE,INTVL,COUNT";
		return -1;
	}
	if (ka_seconds(arg, c1 - arg, &k->idle, why) == -1 ||
	    ka_seconds(c1 + 1, c2 - c1 - 1, &k->interval, why) == -1)
		return -1;
	if (parse_number(c2 + 1, 1, 127, &v, why) == -1) {
		*why = "COUNT is a number from 1 to 127";
		return -1;
	}
	k->count = (int)v;
	return 0;
}

/* --retry, --retry-max, --reconnect, --keepalive; 1 if not one. */
static int
survive_opt(struct common *co, int ch, const char *arg, const char **why)
{
	long long	v;

	switch (ch) {
	case OPT_RETRY:
		if (arg == NULL) {
			co->retry = -1;
			return 0;
		}
		if (parse_number(arg, 1, 1000000, &v, why) == -1) {
			*why = "not a number of tries from 1 to 1000000";
			return -1;
		}
		co->retry = (int)v;
		return 0;
	case OPT_RETRY_MAX:
		if (parse_duration(arg, &co->retry_max_ms, why) == -1)
			return -1;
		if (co->retry_max_ms < 100)
			*why = "shorter than the first pause (100ms)";
		return co->retry_max_ms < 100 ? -1 : 0;
	case OPT_RECONNECT:
		co->reconnect = 1;
		return 0;
	case OPT_KEEPALIVE:
		return parse_keepalive(arg, &co->keepalive, why);
	}
	return 1;
}

/* --allow, --deny, their files, --max-per-ip. */
static int
ip_opt(struct common *co, int ch, const char *arg, const char **why)
{
	static char	 msg[512];
	struct acl	*acl = ch == OPT_ALLOW || ch == OPT_ALLOW_FILE ?
			    &co->allow : &co->deny;
	long long	 v;

	if (ch == OPT_MAX_PER_IP) {
		if (parse_number(arg, 1, 1000000, &v, why) == -1)
			return -1;
		co->max_per_ip = (long)v;
		return 0;
	}
	if (ch == OPT_ALLOW || ch == OPT_DENY)
		return acl_add(acl, arg, why);
	/* A file that cannot be read is an error now, not at the first client. */
	if (acl_add_file(acl, arg, msg, sizeof(msg)) == -1) {
		*why = msg;
		return -1;
	}
	return 0;
}

/* --ws-max-message: a byte count, with K, M or G (binary) after it. */
static int
parse_size(const char *s, uint64_t *out, const char **why)
{
	char		*end;
	unsigned long long v;
	int		 shift = 0;

	*why = "not a size (say 1048576, 64K, 16M or 1G)";
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		shift = 10;
	else if (*end == 'm' || *end == 'M')
		shift = 20;
	else if (*end == 'g' || *end == 'G')
		shift = 30;
	if ((shift != 0 && end[1] != '\0') || (shift == 0 && *end != '\0'))
		return -1;
	*why = "must be from 1 byte to 1G";
	if (v == 0 || v > (1ULL << (30 - shift)) || (shift == 0 &&
	    v > (1ULL << 30)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* -H 'Name: value': a header the handshake does not set itself. */
static int
parse_header(const char *s, const char **why)
{
	static const char *const ours[] = { "host", "upgrade", "connection",
	    "sec-websocket-key", "sec-websocket-version",
	    "sec-websocket-protocol", "sec-websocket-extensions" };
	size_t	n = strcspn(s, ":"), i;

	*why = "not 'Name: value'";
	if (n == 0 || s[n] != ':' || strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~") != n)
		return -1;
	*why = "a line break in a header";
	if (strpbrk(s, "\r\n") != NULL)
		return -1;
	*why = "the handshake sets that header itself (--ws-protocol for a "
	    "subprotocol)";
	for (i = 0; i < NELEM(ours); i++)
		if (strlen(ours[i]) == n && strncasecmp(s, ours[i], n) == 0)
			return -1;
	return 0;
}

static int
ws_opt(struct common *co, int ch, const char *arg, const char **why)
{
	static const char *const names[] = { "--text", "--ws-protocol",
	    "--ws-origin", "--ws-max-message" };

	if (ch != 'H' && (ch < OPT_TEXT || ch > OPT_WS_MAX_MESSAGE))
		return 1;
	if (co->ws_given == NULL)
		co->ws_given = ch == 'H' ? "-H" : names[ch - OPT_TEXT];
	switch (ch) {
	case OPT_TEXT:
		co->ws_text = 1;
		return 0;
	case OPT_WS_PROTOCOL:
		*why = "not a token (letters, digits, -._~!#$&'*+^`|)";
		if (*arg == '\0' || strspn(arg, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~") !=
		    strlen(arg))
			return -1;
		co->ws_protocol = arg;
		return 0;
	case OPT_WS_MAX_MESSAGE:
		return parse_size(arg, &co->ws_max, why);
	}
	*why = "given too often (at most 16)";
	if (ch == 'H') {
		if (co->ws_nheaders == WS_HEADERS_MAX)
			return -1;
		if (parse_header(arg, why) == -1)
			return -1;
		co->ws_headers[co->ws_nheaders++] = arg;
		return 0;
	}
	if (co->ws_norigins == WS_ORIGINS_MAX)
		return -1;
	*why = "empty";
	if (*arg == '\0')
		return -1;
	co->ws_origins[co->ws_norigins++] = arg;
	return 0;
}

/* One shared option; 1 if it was not one of ours. */
static int
common_opt(struct common *co, int ch, const char *arg, const char **why)
{
	long long	v;

	switch (ch) {
	case '4':
	case '6':
		co->family = ch == '4' ? AF_INET : AF_INET6;
		return 0;
	case 'U':
		co->force_unix = 1;
		return 0;
	case 'u':
		co->dgram = 1;
		return 0;
	case 'i':
		co->idle_set = 1;
		return parse_duration(arg, &co->idle_ms, why);
	case 'v':
		co->verbose++;
		return 0;
	case 'd':
		co->delim_set = 1;
		return delim_parse(arg, &co->delim, why);
	case '0':
		co->delim_set = 1;
		co->delim.bytes[0] = '\0';
		co->delim.len = 1;
		return 0;
	case 'x':
		if (parse_number(arg, 1, 1000000, &v, why) == -1)
			return -1;
		co->max_conns = v;
		return 0;
	case OPT_MODE:
		return parse_mode(arg, &co->mode, why);
	case OPT_ALLOW_UID:
		if (co->nallow_uid == ALLOW_UID_MAX) {
			*why = "given too often (at most 32)";
			return -1;
		}
		return parse_uid(arg, &co->allow_uid[co->nallow_uid++], why);
	case OPT_ALLOW:
	case OPT_DENY:
	case OPT_ALLOW_FILE:
	case OPT_DENY_FILE:
	case OPT_MAX_PER_IP:
		return ip_opt(co, ch, arg, why);
	case OPT_LOG_FORMAT:
		if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0) {
			*why = "not text or json";
			return -1;
		}
		co->log_json = *arg == 'j';
		return 0;
	case OPT_WORKERS:
		if (parse_number(arg, 1, 64, &v, why) == -1)
			return -1;
		co->workers = (int)v;
		return 0;
	case OPT_ACCEPT_PROXY:
		co->accept_proxy = 1;
		return 0;
	case OPT_BACKEND:
		if (strcmp(arg, "select") == 0)
			co->backend = LOOP_SELECT;
		else if (strcmp(arg, "epoll") == 0)
			co->backend = LOOP_EPOLL;
		else {
			*why = "not select or epoll";
			return -1;
		}
		return 0;
	case OPT_READY_FD:
		return parse_ready_fd(arg, &co->ready_fd, why);
	case 'k':
		return 0;	/* servers keep listening anyway */
	case 'w':
		return parse_duration(arg, &co->wait_ms, why);
	case OPT_HEXDUMP:
		if (arg != NULL && *arg == '\0') {
			*why = "an empty FILE (--hexdump alone: stderr)";
			return -1;
		}
		co->hexdump = 1;
		co->hexdump_file = arg;
		return 0;
	case 's':
		co->source = arg;
		return 0;
	}
	if (ch >= OPT_RETRY && ch <= OPT_KEEPALIVE)
		return survive_opt(co, ch, arg, why);
	if (ws_opt(co, ch, arg, why) == 0)
		return 0;
	if (ch == 'H' || (ch >= OPT_TEXT && ch <= OPT_WS_MAX_MESSAGE))
		return -1;
	return tls_opt(&co->tls, ch, arg);
}

/* "-i" or "--idle-timeout", as the user typed it (idx: the long one). */
static void
opt_name(int ch, int idx, const struct option *longs, char *buf, size_t len)
{
	if (idx >= 0)
		snprintf(buf, len, "--%s", longs[idx].name);
	else
		snprintf(buf, len, "-%c", ch);
}

/* nc options sockit does not take, and what to do instead. */
static const struct {
	int		 ch;
	const char	*hint;
} nc_hints[] = {
	{ 'e', "a program per connection is a command: 'sockit exec "
	    "ADDRESS -- PROGRAM'" },
	{ 'c', "a program per connection is a command: 'sockit exec "
	    "ADDRESS -- sh -c COMMAND'" },
	{ 'n', "not needed: a numeric address is never looked up" },
	{ 'X', "use --proxy socks5://HOST:PORT, socks5h://... or "
	    "http://HOST:PORT (CONNECT)" },
	{ 'o', "redirect stdout, or --hexdump=FILE for a dump" },
	{ 'x', "use --proxy socks5://HOST:PORT, socks5h://... or "
	    "http://HOST:PORT (CONNECT)" },
};

const char *
opts_nc_hint(const struct cmd *cmd, int ch)
{
	size_t	i;

	if (ch == 'l')
		return cmd != NULL && (cmd->flags & GROUP_SERVER) ?
		    "not needed: servers listen" :
		    "listening is a command: use 'sockit listen ...'";
	if (ch == 'p') {
		if (cmd == NULL || !(cmd->flags & GROUP_SERVER))
			return "give the port in ADDRESS: 'sockit send "
			    "HOST:PORT' or 'sockit send HOST PORT'";
		if (cmd->flags & GROUP_CLIENT)
			return "give the ports in LISTEN and TARGET: "
			    "'sockit relay 8080 HOST:80'";
		return "give the port in ADDRESS: 'sockit listen 8080' "
		    "or HOST:PORT";
	}
	for (i = 0; i < NELEM(nc_hints); i++)
		if (nc_hints[i].ch == ch)
			return nc_hints[i].hint;
	return NULL;
}

/* ncat's long options sockit does not take, and what to do instead. */
static const struct {
	const char	*name;
	const char	*hint;
} ncat_hints[] = {
	{ "ssl", "TLS is an address prefix: tls:HOST:PORT (or --tls)" },
	{ "ssl-cert", "use --cert FILE" },
	{ "ssl-key", "use --key FILE" },
	{ "ssl-trustfile", "use --cacert FILE" },
	{ "ssl-verify", "clients verify by default (--insecure turns it "
	    "off)" },
	{ "ssl-alpn", "use --alpn LIST" },
	{ "exec", "a program per connection is a command: 'sockit exec "
	    "ADDRESS -- PROGRAM'" },
	{ "sh-exec", "a program per connection is a command: 'sockit exec "
	    "ADDRESS -- sh -c COMMAND'" },
	{ "lua-exec", "'sockit exec ADDRESS -- lua SCRIPT'" },
	{ "listen", "listening is a command: use 'sockit listen ...'" },
	{ "output", "redirect stdout, or --hexdump=FILE for a dump" },
	{ "hex-dump", "use --hexdump[=FILE]" },
	{ "proxy-type", "the type is the scheme of --proxy: socks5://, "
	    "socks5h://, http://" },
	{ "proxy-auth", "put user:password@ in the --proxy URL" },
	{ "nodns", "not needed: a numeric address is never looked up" },
	{ "source-port", "use -s [HOST:]PORT" },
	{ "udp", "datagrams: -u where a command takes them, or udp:HOST:PORT" },
};

static const char *
ncat_hint(const char *name)
{
	size_t	i, n = strcspn(name, "=");

	for (i = 0; i < NELEM(ncat_hints); i++)
		if (strlen(ncat_hints[i].name) == n &&
		    strncmp(ncat_hints[i].name, name, n) == 0)
			return ncat_hints[i].hint;
	return NULL;
}

/*
 * nc's letters in every short cluster of argv ("-lvnp 4444"), all in
 * one message, so that each try does not correct one more.  0 if there
 * are fewer than two: the usual message says it.
 */
static int
nc_letters(const struct cmd *cmd, char **argv, const char *shorts,
    char *err, size_t errlen)
{
	const char	*p, *o, *hint;
	char		 list[64] = "", why[512] = "";
	int		 i, n = 0;

	for (i = 1; argv[i] != NULL && strcmp(argv[i], "--") != 0; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '-')
			continue;
		for (p = argv[i] + 1; *p != '\0'; p++) {
			if ((o = strchr(shorts + 1, *p)) != NULL) {
				if (o[1] == ':')
					break;	/* the rest is its value */
				continue;
			}
			if ((hint = opts_nc_hint(cmd, *p)) == NULL ||
			    strchr(list, *p) != NULL || n == 16)
				continue;
			snprintf(list + strlen(list), sizeof(list) -
			    strlen(list), "%s-%c", n ? " " : "", *p);
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
			    "; -%c: %s", *p, hint);
			n++;
		}
	}
	if (n < 2)
		return 0;
	snprintf(err, errlen, "nc options %s%s", list, why);
	return 1;
}

/* "--name": is the option the user wrote this one, not a prefix of it? */
static const char *
long_token(char **argv, const struct option *o)
{
	const char	*tok = argv[optind - 1];

	/* "--name VALUE": getopt has moved past the value too. */
	if (o->has_arg == required_argument && optarg == tok)
		tok = argv[optind - 2];
	return tok;
}

static int
abbreviated(const char *tok, const struct option *o)
{
	size_t	n = strlen(o->name);

	return strncmp(tok, "--", 2) != 0 || strncmp(tok + 2, o->name,
	    n) != 0 || (tok[n + 2] != '\0' && tok[n + 2] != '=');
}

static void
unknown_option(const struct cmd *cmd, char **argv, const char *shorts,
    const struct option *longs, char *err, size_t errlen)
{
	const char	*hint, *tok = argv[optind - 1];
	size_t		 i, n;

	if (strncmp(tok, "--", 2) == 0) {
		n = strcspn(tok + 2, "=");
		for (i = 0; longs[i].name != NULL; i++)
			if (strlen(longs[i].name) == n &&
			    strncmp(longs[i].name, tok + 2, n) == 0) {
				snprintf(err, errlen, "option --%s takes no "
				    "value", longs[i].name);
				return;
			}
		if ((hint = ncat_hint(tok + 2)) != NULL)
			snprintf(err, errlen, "unknown option %.*s: %s",
			    (int)n + 2, tok, hint);
		else
			snprintf(err, errlen, "unknown option %.*s",
			    (int)n + 2, tok);
		return;
	}
	if (nc_letters(cmd, argv, shorts, err, errlen))
		return;
	if ((hint = opts_nc_hint(cmd, optopt)) != NULL)
		snprintf(err, errlen, "unknown option -%c: %s", optopt, hint);
	else
		snprintf(err, errlen, "unknown option -%c", optopt);
}

/* The default of --backend for servers: SOCKIT_BACKEND, if set. */
static int
env_backend(struct common *co, char *err, size_t errlen)
{
	const char	*v = getenv("SOCKIT_BACKEND");

	if (v == NULL || *v == '\0')
		return 0;
	if (strcmp(v, "select") == 0)
		co->backend = LOOP_SELECT;
	else if (strcmp(v, "epoll") == 0)
		co->backend = LOOP_EPOLL;
	else {
		snprintf(err, errlen, "SOCKIT_BACKEND=%s: not select or epoll",
		    v);
		return -1;
	}
	return 0;
}

/* Checks of one option against the command, once all are parsed. */
static int
opts_final(const struct cmd *cmd, struct common *co, char *err,
    size_t errlen)
{
	const char	*what = NULL;

	if (co->ready_fd == 2)
		what = "it carries the error messages";
	else if (co->ready_fd == 0 && (cmd->flags & CMD_STDIO))
		what = "it is stdin, which this command reads";
	else if (co->ready_fd == 1 && (cmd->flags & CMD_STDIO))
		what = "it is stdout, which this command writes";
	if (what != NULL) {
		snprintf(err, errlen, "--ready-fd %d: %s", co->ready_fd, what);
		return -1;
	}
	if (co->retry_max_ms > 0 && co->retry == 0 && !co->reconnect) {
		snprintf(err, errlen, "--retry-max: applies with --retry%s",
		    (cmd->flags & CMD_STDIO) ? " or --reconnect" : "");
		return -1;
	}
	co->per_client = cmd->per_client > 0 ? cmd->per_client : 1;
	co->cmd = cmd;
	return 0;
}

int
opts_parse(const struct cmd *cmd, int argc, char **argv, opt_fn *fn,
    void *ctx, struct common *co, char *err, size_t errlen)
{
	struct option	 longs[LONG_MAX_OPTS];
	char		 shorts[64], name[32];
	const char	*why, *tok;
	int		 ch, r, idx;

	memset(co, 0, sizeof(*co));
	co->family = AF_UNSPEC;
	co->delim.bytes[0] = '\n';
	co->delim.len = 1;
	co->mode = co->backend = co->ready_fd = -1;
	co->ws_max = WS_MAX_MESSAGE;
	if ((cmd->flags & GROUP_SERVER) && env_backend(co, err, errlen) == -1)
		return -1;
	build(cmd, longs, shorts, sizeof(shorts));

	optind = 0;	/* reset: main already ran getopt on its own argv */
	opterr = 0;
	/* getopt_long sets idx only for a long option. */
	while ((idx = -1, ch = getopt_long(argc, argv, shorts, longs, &idx)) !=
	    -1) {
		if (ch == '?') {
			unknown_option(cmd, argv, shorts, longs, err, errlen);
			return -1;
		}
		/*
		 * No abbreviations: --allow must not become --allow-uid,
		 * nor an option added later change what a prefix meant.
		 */
		if (idx >= 0 && abbreviated((tok = long_token(argv,
		    &longs[idx])), &longs[idx])) {
			snprintf(err, errlen, "unknown option %.*s (did you "
			    "mean --%s?)", (int)strcspn(tok, "="), tok,
			    longs[idx].name);
			return -1;
		}
		if (ch == ':') {
			/* Named as typed: --wait, not -w. */
			if (optopt != 0 && optopt < 256 &&
			    strncmp(argv[optind - 1], "--", 2) != 0)
				snprintf(err, errlen, "option -%c needs a value",
				    optopt);
			else
				snprintf(err, errlen, "option %s needs a value",
				    argv[optind - 1]);
			return -1;
		}
		if (ch == 'h' || ch == 'V')
			return -ch;	/* the caller prints and exits 0 */
		why = "invalid";
		r = common_opt(co, ch, optarg, &why);
		if (r == 1)
			r = fn != NULL ? fn(ch, optarg, ctx, &why) : 1;
		if (r != 0) {
			opt_name(ch, idx, longs, name, sizeof(name));
			snprintf(err, errlen, "%s %s: %s", name,
			    optarg ? optarg : "", r == 1 ? "unhandled" : why);
			return -1;
		}
	}
	if (opts_final(cmd, co, err, errlen) == -1)
		return -1;
	acl_finish(&co->allow);
	acl_finish(&co->deny);
	return optind;
}

void
opts_free(struct common *co)
{
	acl_free(&co->allow);
	acl_free(&co->deny);
}

int
opts_address(const struct common *co, int server, int argc, char **argv,
    struct addr *a, char *err, size_t errlen)
{
	int	flags = (co->force_unix ? ADDR_FORCE_UNIX : 0) |
		    (server ? ADDR_SERVER : 0) | (co->dgram ? ADDR_DGRAM : 0);
	char	why[256];

	if (argc == 0) {
		snprintf(err, errlen, "missing ADDRESS");
		return -1;
	}
	if (argc > 2) {
		snprintf(err, errlen, "too many arguments: %s", argv[2]);
		return -1;
	}
	/* "HOST:PORT extra" is not HOST PORT: say what is extra. */
	if (argc == 2 && !co->force_unix && addr_parse(argv[0], flags,
	    co->family, a, why, sizeof(why)) == 0 &&
	    (a->kind != ADDR_TCP || strchr(argv[0], ':') != NULL)) {
		snprintf(err, errlen, "too many arguments: %s (%s is a whole "
		    "ADDRESS)", argv[1], argv[0]);
		return -1;
	}
	if ((argc == 1 ? addr_parse(argv[0], flags, co->family, a, why,
	    sizeof(why)) : addr_parse_pair(argv[0], argv[1], flags,
	    co->family, a, why, sizeof(why))) == -1) {
		snprintf(err, errlen, "%s%s%s: %s", argv[0],
		    argc == 2 ? " " : "", argc == 2 ? argv[1] : "", why);
		return -1;
	}
	if (co->tls.on && a->dgram) {
		snprintf(err, errlen, "--tls is for streams, not datagrams");
		return -1;
	}
	if (co->tls.on)
		a->tls = 1;
	return opts_check_kind(co, server, argv[0], a, err, errlen);
}

/* The kind of a, as struct cmd's serves and dials name it. */
static int
kind_of(const struct addr *a)
{
	if (a->kind == ADDR_SYSTEMD)
		return KIND_SYSTEMD;
	if (a->kind == ADDR_SERIAL || a->kind == ADDR_PTY)
		return a->kind == ADDR_SERIAL ? KIND_SERIAL : KIND_PTY;
	if (a->ws)
		return KIND_WS;
	if (a->dgram)
		return a->kind == ADDR_TCP ? KIND_UDP : KIND_UNIXGRAM;
	return a->kind == ADDR_TCP ? KIND_TCP : KIND_UNIX;
}

int
opts_check_kind(const struct common *co, int server, const char *arg,
    const struct addr *a, char *err, size_t errlen)
{
	static const struct {
		int		 kind;
		const char	*what;
	} names[] = {
		{ KIND_TCP, "a TCP address" },
		{ KIND_UNIX, "a unix socket address" },
		{ KIND_UDP, "a UDP address (datagrams)" },
		{ KIND_UNIXGRAM, "a unix datagram address" },
		{ KIND_SYSTEMD, "a systemd socket" },
		{ KIND_TLS, "TLS" },
		{ KIND_SERIAL, "a serial device" },
		{ KIND_PTY, "a pty: link" },
		{ KIND_WS, "WebSocket" },
	};
	const struct cmd	*cmd = co->cmd;
	const char		*role;
	int			 takes, k, miss;
	size_t			 i;

	if (cmd == NULL)
		return 0;
	takes = server ? cmd->serves : cmd->dials;
	k = kind_of(a);
	if ((k & (KIND_SERIAL | KIND_PTY)) && (a->tls || a->dgram)) {
		snprintf(err, errlen, "%s: %s is for sockets, not terminals",
		    arg, a->tls ? "TLS" : "-u (datagrams)");
		return -1;
	}
	miss = !(takes & k) ? k : a->tls && !(takes & KIND_TLS) ? KIND_TLS : 0;
	if (miss == 0)
		return 0;
	for (i = 0; names[i].kind != miss; i++)
		;
	role = !(cmd->flags & CMD_PAIRS) ? "" : server ? " as LISTEN" :
	    " as TARGET";
	snprintf(err, errlen, "%s: %s does not take %s%s", arg, cmd->name,
	    names[i].what, role);
	return -1;
}

static int
alpn_ok(const char *list)
{
	const char	*p = list, *e;
	size_t		 n;

	do {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0 || n > 255)
			return 0;
		p += n + 1;
	} while (e != NULL);
	return strlen(list) < 255;
}

int
opts_check_tls(const struct common *co, int server, int client, char *err,
    size_t errlen)
{
	const struct tls_opts	*o = &co->tls;
	const char		*why = NULL;

	if (!server && !client) {
		if (o->given != NULL)
			snprintf(err, errlen, "%s: needs a tls: address (or "
			    "--tls)", o->given);
		return o->given != NULL ? -1 : 0;
	}
	if ((o->cert == NULL) != (o->key == NULL))
		why = "--cert and --key go together";
	else if (server && o->cert != NULL && o->self_signed)
		why = "--cert and --self-signed exclude each other";
	else if (server && o->cert == NULL && !o->self_signed)
		why = "a TLS server needs --cert and --key, or --self-signed";
	else if (o->verify_client && o->cacert == NULL)
		why = "--verify-client needs --cacert FILE (the CAs to trust)";
	else if (!server && (o->verify_client || o->self_signed))
		why = o->self_signed ? "--self-signed: applies to a TLS server"
		    : "--verify-client: applies to a TLS server";
	else if (!client && (o->insecure || o->servername != NULL))
		why = o->insecure ? "--insecure: applies to a TLS client" :
		    "--servername: applies to a TLS client";
	else if (o->alpn != NULL && !alpn_ok(o->alpn))
		why = "--alpn: a comma-separated list of names of 1 to 255 "
		    "bytes";
	if (why == NULL)
		return 0;
	snprintf(err, errlen, "%s", why);
	return -1;
}

int
opts_check_ws(const struct common *co, int server, int client, char *err,
    size_t errlen)
{
	const char	*why = NULL;

	if (co->ws_given == NULL)
		return 0;
	if (!server && !client)
		snprintf(err, errlen, "%s: needs a ws:// address", co->ws_given);
	else if (co->ws_norigins > 0 && !server)
		why = "--ws-origin: applies to a WebSocket server";
	else if (co->ws_nheaders > 0 && !client)
		why = "-H: applies to a WebSocket client";
	else
		return 0;
	if (why != NULL)
		snprintf(err, errlen, "%s", why);
	return -1;
}

int64_t
opts_handshake_ms(const struct common *co)
{
	return co->wait_ms > 0 ? co->wait_ms : TLS_HANDSHAKE_MS;
}

int
opts_check_server(const struct common *co, const struct addr *a, char *err,
    size_t errlen)
{
	int	room;

	if (co->mode >= 0 && a->kind != ADDR_UNIX) {
		snprintf(err, errlen, "--mode applies to a unix socket file");
		return -1;
	}
	if (co->nallow_uid > 0 && a->dgram) {
		snprintf(err, errlen, "--allow-uid applies to stream sockets "
		    "(a datagram has no peer credentials)");
		return -1;
	}
	if (co->nallow_uid > 0 && a->kind == ADDR_TCP) {
		snprintf(err, errlen, "--allow-uid applies to unix sockets");
		return -1;
	}
	/* relay pty:PATH is one terminal, not a server of clients. */
	if (a->kind == ADDR_PTY && (co->workers > 1 || co->accept_proxy ||
	    co->allow.n > 0 || co->deny.n > 0 || co->max_per_ip > 0 ||
	    co->nallow_uid > 0 || co->max_conns > 0 || co->idle_ms > 0)) {
		snprintf(err, errlen, "%s applies to socket servers, not to "
		    "pty:", co->workers > 1 ? "--workers" : co->accept_proxy ?
		    "--accept-proxy" : co->allow.n > 0 ? "--allow" :
		    co->deny.n > 0 ? "--deny" : co->max_per_ip > 0 ?
		    "--max-per-ip" : co->nallow_uid > 0 ? "--allow-uid" :
		    co->max_conns > 0 ? "--max-conns" : "--idle-timeout");
		return -1;
	}
	if (co->workers > 1 && a->dgram) {
		snprintf(err, errlen, "--workers applies to stream servers");
		return -1;
	}
	if (co->workers > 1 && co->max_per_ip > 0) {
		snprintf(err, errlen, "--max-per-ip: not with --workers "
		    "(its counts are not shared yet)");
		return -1;
	}
	if (co->accept_proxy && a->dgram) {
		snprintf(err, errlen, "--accept-proxy applies to stream "
		    "servers");
		return -1;
	}
	/* A unix client behind a proxy has the address of its header. */
	if ((co->allow.n > 0 || co->deny.n > 0 || co->max_per_ip > 0) &&
	    (a->dgram || (a->kind != ADDR_TCP && !co->accept_proxy))) {
		snprintf(err, errlen, "%s applies to TCP servers (%s)",
		    co->allow.n > 0 ? "--allow" : co->deny.n > 0 ? "--deny" :
		    "--max-per-ip", a->dgram ? "a datagram has no connection" :
		    "a unix client has no IP address");
		return -1;
	}
	/* Like server.c: 16 descriptors are kept for other uses. */
	room = (loop_fd_limit(LOOP_SELECT) - 16) / co->per_client;
	if (co->backend == LOOP_SELECT && co->max_conns > room) {
		snprintf(err, errlen, "--max-conns %lld: select() holds at "
		    "most %d%s; use --backend epoll", co->max_conns, room,
		    co->per_client == 2 ? " client pairs" : "");
		return -1;
	}
	return 0;
}
