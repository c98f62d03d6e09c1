#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "util.h"

enum {
	O_MODE = 256, O_ALLOW_UID, O_BACKEND, O_READY_FD
};

static const struct option base_long[] = {
	{ "unix",		no_argument,		NULL, 'U' },
	{ "idle-timeout",	required_argument,	NULL, 'i' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
};
static const struct option delim_long[] = {
	{ "delimiter",		required_argument,	NULL, 'd' },
	{ "null",		no_argument,		NULL, '0' },
};
static const struct option server_long[] = {
	{ "max-conns",		required_argument,	NULL, 'x' },
	{ "mode",		required_argument,	NULL, O_MODE },
	{ "allow-uid",		required_argument,	NULL, O_ALLOW_UID },
	{ "backend",		required_argument,	NULL, O_BACKEND },
	{ "ready-fd",		required_argument,	NULL, O_READY_FD },
	{ "keep-open",		no_argument,		NULL, 'k' },
};
static const struct option client_long[] = {
	{ "wait",		required_argument,	NULL, 'w' },
};

#define LONG_MAX_OPTS	40

static int
add_long(struct option *dst, int n, const struct option *src, size_t count)
{
	size_t	i;

	for (i = 0; i < count && n < LONG_MAX_OPTS - 1; i++)
		dst[n++] = src[i];
	return n;
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
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 8);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 0777) {
		*why = "not an octal mode from 0 to 777";
		return -1;
	}
	*mode = (int)v;
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
	case 'i':
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
	case O_MODE:
		return parse_mode(arg, &co->mode, why);
	case O_ALLOW_UID:
		if (co->nallow_uid == ALLOW_UID_MAX) {
			*why = "given too often (at most 32)";
			return -1;
		}
		return parse_uid(arg, &co->allow_uid[co->nallow_uid++], why);
	case O_BACKEND:
		if (strcmp(arg, "select") == 0)
			co->backend = LOOP_SELECT;
		else if (strcmp(arg, "epoll") == 0)
			co->backend = LOOP_EPOLL;
		else {
			*why = "not select or epoll";
			return -1;
		}
		return 0;
	case O_READY_FD:
		return parse_ready_fd(arg, &co->ready_fd, why);
	case 'k':
		return 0;	/* servers keep listening anyway */
	case 'w':
		return parse_duration(arg, &co->wait_ms, why);
	}
	return 1;
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

int
opts_parse(const struct cmd *cmd, int argc, char **argv,
    const struct option *own, const char *ownshort, opt_fn *fn, void *ctx,
    struct common *co, char *err, size_t errlen)
{
	struct option	 longs[LONG_MAX_OPTS];
	char		 shorts[64], name[32];
	const char	*why;
	int		 n = 0, ch, r, idx;

	memset(co, 0, sizeof(*co));
	co->family = AF_UNSPEC;
	co->delim.bytes[0] = '\n';
	co->delim.len = 1;
	co->mode = co->backend = co->ready_fd = -1;

	n = add_long(longs, n, base_long, NELEM(base_long));
	strlcpy(shorts, ":46Ui:vhV", sizeof(shorts));
	if (cmd->groups & OPT_DELIM) {
		n = add_long(longs, n, delim_long, NELEM(delim_long));
		strlcat(shorts, "d:0", sizeof(shorts));
	}
	if (cmd->groups & OPT_SERVER) {
		n = add_long(longs, n, server_long, NELEM(server_long));
		strlcat(shorts, "x:k", sizeof(shorts));
	}
	if (cmd->groups & OPT_CLIENT) {
		n = add_long(longs, n, client_long, NELEM(client_long));
		strlcat(shorts, "w:", sizeof(shorts));
	}
	for (; own != NULL && own->name != NULL; own++)
		n = add_long(longs, n, own, 1);
	strlcat(shorts, ownshort, sizeof(shorts));
	memset(&longs[n], 0, sizeof(longs[n]));

	optind = 0;	/* reset: main already ran getopt on its own argv */
	opterr = 0;
	/* getopt_long sets idx only for a long option. */
	while ((idx = -1, ch = getopt_long(argc, argv, shorts, longs, &idx)) !=
	    -1) {
		if (ch == '?') {
			if (optopt != 0)
				snprintf(err, errlen, "unknown option -%c",
				    optopt);
			else
				snprintf(err, errlen, "unknown option %s",
				    argv[optind - 1]);
			return -1;
		}
		if (ch == ':') {
			if (optopt != 0 && optopt < 256)
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
	return optind;
}

int
opts_address(const struct common *co, int server, int argc, char **argv,
    struct addr *a, char *err, size_t errlen)
{
	int	flags = (co->force_unix ? ADDR_FORCE_UNIX : 0) |
		    (server ? ADDR_SERVER : 0);
	char	why[256];

	if (argc == 0) {
		snprintf(err, errlen, "missing ADDRESS");
		return -1;
	}
	if (argc > 2) {
		snprintf(err, errlen, "too many arguments: %s", argv[2]);
		return -1;
	}
	if ((argc == 1 ? addr_parse(argv[0], flags, co->family, a, why,
	    sizeof(why)) : addr_parse_pair(argv[0], argv[1], flags,
	    co->family, a, why, sizeof(why))) == -1) {
		snprintf(err, errlen, "%s%s%s: %s", argv[0],
		    argc == 2 ? " " : "", argc == 2 ? argv[1] : "", why);
		return -1;
	}
	return 0;
}

int
opts_check_server(const struct common *co, const struct addr *a, char *err,
    size_t errlen)
{
	if (co->mode >= 0 && a->kind != ADDR_UNIX) {
		snprintf(err, errlen, "--mode applies to a unix socket file");
		return -1;
	}
	if (co->nallow_uid > 0 && a->kind == ADDR_TCP) {
		snprintf(err, errlen, "--allow-uid applies to unix sockets");
		return -1;
	}
	if (co->backend == LOOP_SELECT && co->max_conns >
	    loop_fd_limit(LOOP_SELECT) - 16) {
		snprintf(err, errlen, "--max-conns %lld: select() holds at "
		    "most %d; use --backend epoll", co->max_conns,
		    loop_fd_limit(LOOP_SELECT) - 16);
		return -1;
	}
	return 0;
}
