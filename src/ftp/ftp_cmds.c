/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The FTP commands sockit ftp answers, one function each.  Every path
 * argument goes through ftp_path_resolve and ftp_path_open
 * (ftp_path.c), so no command can reach outside the root; write
 * commands are refused by the dispatcher unless --write was given.
 */
#include "config.h"

#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ftp.h"
#include "log.h"
#include "util.h"

/* arg, resolved against the working directory, into buf; or a 550. */
static int
vpath(struct fclient *x, const char *arg, char *buf)
{
	if (ftp_path_resolve(x->cwd, arg, buf, FTP_PATH_MAX) == -1) {
		ftp_reply(x, "550 Path too long");
		return -1;
	}
	return 0;
}

static void
fail(struct fclient *x, const char *what)
{
	if (errno == EXDEV || errno == ELOOP)
		ftp_reply(x, "550 %s: outside the served directory", what);
	else
		ftp_reply(x, "550 %s: %s", what, strerror(errno));
}

/* Open arg beneath the root, or answer 550. */
static int
open_arg(struct fclient *x, const char *arg, int flags, mode_t mode)
{
	char	buf[FTP_PATH_MAX];
	int	fd;

	if (vpath(x, arg, buf) == -1)
		return -1;
	if ((fd = ftp_path_open(x->F->rootfd, buf, flags, mode)) == -1)
		fail(x, arg);
	return fd;
}

/* Open arg's parent directory, or answer 550; *base is its last name. */
static int
parent_arg(struct fclient *x, const char *arg, char *buf, const char **base)
{
	int	fd;

	if (vpath(x, arg, buf) == -1)
		return -1;
	if ((fd = ftp_path_parent(x->F->rootfd, buf, base)) == -1)
		fail(x, arg);
	return fd;
}

/* A regular file's status, or a 550. */
static int
plain_file(struct fclient *x, int fd, const char *arg, struct stat *st)
{
	if (fstat(fd, st) == -1) {
		fail(x, arg);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		ftp_reply(x, "550 %s: not a plain file", arg);
		return -1;
	}
	return 0;
}

/*
 * Open arg for a transfer, never blocking: a FIFO or a device beneath
 * the root would stop the whole server in open(2) until someone opened
 * its other end.  An existing name that is not a regular file is
 * refused before the real open, which so cannot truncate or wait on
 * it; O_NONBLOCK covers one that appears in between.  The descriptor
 * returned blocks again (a regular file never waits anyway).
 */
static int
open_file(struct fclient *x, const char *arg, int flags, mode_t mode,
    struct stat *st)
{
	char	buf[FTP_PATH_MAX];
	int	fd, r;

	if (vpath(x, arg, buf) == -1)
		return -1;
	if ((fd = ftp_path_open(x->F->rootfd, buf, O_PATH, 0)) != -1) {
		r = plain_file(x, fd, arg, st);
		close(fd);
		if (r == -1)
			return -1;
	} else if (errno != ENOENT || !(flags & O_CREAT)) {
		fail(x, arg);
		return -1;
	}
	fd = ftp_path_open(x->F->rootfd, buf, flags | O_NONBLOCK | O_NOCTTY, mode);
	if (fd == -1) {
		fail(x, arg);
		return -1;
	}
	if (plain_file(x, fd, arg, st) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A path in a 257 reply: quotes doubled (RFC 959). */
static void
reply_257(struct fclient *x, const char *path, const char *what)
{
	char	q[FTP_PATH_MAX * 2 + 1];
	size_t	k = 0;

	for (; *path != '\0'; path++) {
		if (*path == '"')
			q[k++] = '"';
		q[k++] = *path;
	}
	q[k] = '\0';
	ftp_reply(x, "257 \"%s\" %s", q, what);
}

/* --tls-required: no name or password in the clear. */
static int
clear_login(struct fclient *x)
{
	if (!x->F->tls_required || x->tls)
		return 0;
	ftp_reply(x, "530 TLS required: send AUTH TLS first");
	return 1;
}

static void
c_user(struct fclient *x, char *arg)
{
	if (clear_login(x))
		return;
	free(x->user);
	x->logged = 0;
	if ((x->user = strdup(arg)) == NULL) {
		ftp_reply(x, "421 Out of memory");
		x->quit = 1;
		return;
	}
	ftp_reply(x, "331 %s", x->F->user == NULL ? "Any password will do" :
	    "Password required");
}

static int
good_login(const struct ftpd *F, const char *user, const char *pass)
{
	if (F->user == NULL)
		return 1;
	return strlen(user) == F->userlen &&
	    memcmp(user, F->user, F->userlen) == 0 &&
	    strcmp(pass, F->user + F->userlen + 1) == 0;
}

static void
c_pass(struct fclient *x, char *arg)
{
	char	who[FTP_WHO_MAX];

	if (clear_login(x))
		return;
	if (x->user == NULL) {
		ftp_reply(x, "503 Send USER first");
		return;
	}
	if (!good_login(x->F, x->user, arg)) {
		ftp_reply(x, "530 Login incorrect");
		free(x->user);
		x->user = NULL;
		return;
	}
	x->logged = 1;
	log_v(1, "%s: logged in", ftp_who(x, who, sizeof(who)));
	ftp_reply(x, "230 Logged in%s", x->F->write ? "" : " (read-only)");
}

static void
c_quit(struct fclient *x, char *arg)
{
	(void)arg;
	ftp_data_free(x);
	ftp_reply(x, "221 Goodbye");
	x->quit = 1;
}

static void
c_syst(struct fclient *x, char *arg)
{
	(void)arg;
	ftp_reply(x, "215 UNIX Type: L8");
}

static void
c_feat(struct fclient *x, char *arg)
{
	static const char	*feat[] = {
		"EPRT", "EPSV", "MDTM", "MLST type*;size*;modify*;perm*;",
		"REST STREAM", "SIZE", "TVFS", "UTF8"
	};
	size_t			 i;

	(void)arg;
	ftp_reply(x, "211-Features:");
	if (x->F->tls != NULL) {
		ftp_reply(x, " AUTH TLS");
		ftp_reply(x, " PBSZ");
		ftp_reply(x, " PROT");
	}
	for (i = 0; i < NELEM(feat); i++)
		ftp_reply(x, " %s", feat[i]);
	ftp_reply(x, "211 End");
}

static void
c_opts(struct fclient *x, char *arg)
{
	if (strncasecmp(arg, "UTF8", 4) == 0)
		ftp_reply(x, "200 UTF-8 is always on");
	else if (strncasecmp(arg, "MLST", 4) == 0)
		ftp_reply(x, "200 MLST facts are fixed");
	else
		ftp_reply(x, "501 Unknown option");
}

/*
 * AUTH TLS (RFC 4217): the answer goes in the clear, then the control
 * connection is TLS (ftp_settle starts it once the answer is out);
 * what the client sent after AUTH in the clear is dropped, not obeyed.
 * A login given in the clear before it is forgotten.
 */
static void
c_auth(struct fclient *x, char *arg)
{
	if (x->F->tls == NULL)
		ftp_reply(x, "502 No TLS here (no --cert or --self-signed)");
	else if (x->tls)
		ftp_reply(x, "503 TLS is on already");
	else if (strcasecmp(arg, "TLS") != 0 && strcasecmp(arg, "TLS-C") != 0 &&
	    strcasecmp(arg, "SSL") != 0)
		ftp_reply(x, "504 AUTH TLS only");
	else {
		ftp_reply(x, "234 AUTH %s: start the handshake", arg);
		x->starttls = 1;
		x->logged = 0;
		free(x->user);
		x->user = NULL;
	}
}

static void
c_pbsz(struct fclient *x, char *arg)
{
	(void)arg;
	if (!x->tls)
		ftp_reply(x, "503 AUTH TLS first");
	else
		ftp_reply(x, "200 PBSZ=0");	/* TLS has no buffer size */
}

/* PROT P: data connections in TLS; PROT C: in the clear. */
static void
c_prot(struct fclient *x, char *arg)
{
	if (!x->tls)
		ftp_reply(x, "503 AUTH TLS first");
	else if (strcasecmp(arg, "P") == 0) {
		x->prot_p = 1;
		ftp_reply(x, "200 Data connections are protected");
	} else if (strcasecmp(arg, "C") != 0)
		ftp_reply(x, "504 PROT P or C only");
	else if (x->F->tls_required)
		ftp_reply(x, "534 Data connections must be protected "
		    "(--tls-required)");
	else {
		x->prot_p = 0;
		ftp_reply(x, "200 Data connections are in the clear");
	}
}

static void
c_noop(struct fclient *x, char *arg)
{
	(void)arg;
	ftp_reply(x, "200 OK");
}

static void
c_pwd(struct fclient *x, char *arg)
{
	(void)arg;
	reply_257(x, x->cwd, "is the current directory");
}

static void
c_cwd(struct fclient *x, char *arg)
{
	char	 buf[FTP_PATH_MAX], *dup;
	int	 fd;

	if (*arg == '\0')
		arg = "/";
	if ((fd = open_arg(x, arg, O_PATH | O_DIRECTORY, 0)) == -1)
		return;
	close(fd);
	ftp_path_resolve(x->cwd, arg, buf, sizeof(buf));
	if ((dup = strdup(buf)) == NULL) {
		ftp_reply(x, "550 Out of memory");
		return;
	}
	free(x->cwd);
	x->cwd = dup;
	ftp_reply(x, "250 Directory is now %s", x->cwd);
}

static void
c_cdup(struct fclient *x, char *arg)
{
	(void)arg;
	c_cwd(x, "..");
}

static void
c_type(struct fclient *x, char *arg)
{
	if (strcasecmp(arg, "I") == 0 || strcasecmp(arg, "L 8") == 0)
		x->ascii = 0;
	else if (strcasecmp(arg, "A") == 0 || strcasecmp(arg, "A N") == 0)
		x->ascii = 1;
	else {
		ftp_reply(x, "504 TYPE A or I only");
		return;
	}
	ftp_reply(x, "200 Type set to %c", x->ascii ? 'A' : 'I');
}

static void
c_mode(struct fclient *x, char *arg)
{
	if (strcasecmp(arg, "S") == 0)
		ftp_reply(x, "200 Mode S");
	else
		ftp_reply(x, "504 MODE S only");
}

static void
c_stru(struct fclient *x, char *arg)
{
	if (strcasecmp(arg, "F") == 0)
		ftp_reply(x, "200 Structure F");
	else
		ftp_reply(x, "504 STRU F only");
}

static void
c_pasv(struct fclient *x, char *arg)
{
	(void)arg;
	ftp_data_passive(x, 0);
}

static void
c_epsv(struct fclient *x, char *arg)
{
	if (strcasecmp(arg, "ALL") == 0)
		ftp_reply(x, "200 EPSV ALL accepted");
	else
		ftp_data_passive(x, 1);
}

static void
c_port(struct fclient *x, char *arg)
{
	struct sockaddr_storage	ss;
	socklen_t		len;

	if (ftp_parse_port(arg, &ss, &len) == -1)
		ftp_reply(x, "501 PORT h1,h2,h3,h4,p1,p2");
	else
		ftp_data_active(x, (struct sockaddr *)&ss, len);
}

/* EPRT |proto|address|port| (any delimiter, RFC 2428). */
static void
c_eprt(struct fclient *x, char *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	const char		*why;

	switch (ftp_parse_eprt(arg, &ss, &len, &why)) {
	case 0:
		ftp_data_active(x, (struct sockaddr *)&ss, len);
		break;
	case -2:
		ftp_reply(x, "522 %s", why);
		break;
	default:
		ftp_reply(x, "501 %s", why);
	}
}

/* LIST, NLST, MLSD: a directory, or (not MLSD) one file. */
static void
listing(struct fclient *x, char *arg, enum list_kind kind)
{
	struct listing	 ls;
	char		 buf[FTP_PATH_MAX];
	const char	*base;
	int		 fd;

	/* ls options some clients send ("LIST -la"). */
	while (*arg == '-' && kind != LIST_MLSD) {
		arg += strcspn(arg, " ");
		arg += strspn(arg, " ");
	}
	if (*arg == '\0')
		arg = ".";
	if (vpath(x, arg, buf) == -1)
		return;
	fd = ftp_path_open(x->F->rootfd, buf, O_RDONLY | O_DIRECTORY, 0);
	if (fd == -1 && errno == ENOTDIR && kind != LIST_MLSD &&
	    (fd = ftp_path_parent(x->F->rootfd, buf, &base)) != -1) {
		if (ftp_list_open_one(&ls, fd, base, kind, x->F->write) == -1) {
			close(fd);
			fd = -1;
		} else {
			ftp_data_list(x, &ls);
			return;
		}
	}
	if (fd == -1 || ftp_list_open(&ls, fd, kind, x->F->write) == -1) {
		if (fd != -1)
			close(fd);
		fail(x, arg);
		return;
	}
	ftp_data_list(x, &ls);
}

static void
c_list(struct fclient *x, char *arg)
{
	listing(x, arg, LIST_LONG);
}

static void
c_nlst(struct fclient *x, char *arg)
{
	listing(x, arg, LIST_NAMES);
}

static void
c_mlsd(struct fclient *x, char *arg)
{
	listing(x, arg, LIST_MLSD);
}

/* MLST: one file's facts on the control connection. */
static void
c_mlst(struct fclient *x, char *arg)
{
	struct listing	 ls;
	char		 buf[FTP_PATH_MAX], line[FTP_PATH_MAX + 256];
	const char	*base;
	size_t		 n;
	int		 fd, saved;

	if (*arg == '\0')
		arg = ".";
	if (vpath(x, arg, buf) == -1)
		return;
	if (strcmp(buf, "/") == 0) {
		base = ".";
		fd = ftp_path_open(x->F->rootfd, "/", O_PATH, 0);
	} else
		fd = ftp_path_parent(x->F->rootfd, buf, &base);
	if (fd == -1) {
		fail(x, arg);
		return;
	}
	if (ftp_list_open_one(&ls, fd, base, LIST_MLSD, x->F->write) == -1) {
		close(fd);
		fail(x, arg);
		return;
	}
	/* The listing owns fd now: closed on every way out. */
	errno = 0;
	n = ftp_list_fill(&ls, line, sizeof(line));
	saved = errno != 0 ? errno : ENOENT;
	ftp_list_close(&ls);
	if (n < 2) {
		errno = saved;
		fail(x, arg);
		return;
	}
	line[strcspn(line, " ")] = '\0';
	ftp_reply(x, "250-Listing %s", arg);
	ftp_reply(x, " %s %s", line, buf);
	ftp_reply(x, "250 End");
}

static void
c_retr(struct fclient *x, char *arg)
{
	struct stat	st;
	off_t		rest = x->rest;
	int		fd;

	x->rest = 0;
	if ((fd = open_file(x, arg, O_RDONLY, 0, &st)) == -1)
		return;
	if (rest > st.st_size) {
		ftp_reply(x, "554 REST %lld is past the end",
		    (long long)rest);
		close(fd);
		return;
	}
	ftp_data_retr(x, fd, rest, arg);
}

static void
c_rest(struct fclient *x, char *arg)
{
	long long	 n;
	const char	*why;

	if (parse_number(arg, 0, INT64_MAX, &n, &why) == -1) {
		ftp_reply(x, "501 REST %s: %s", arg, why);
		return;
	}
	x->rest = (off_t)n;
	ftp_reply(x, "350 Restarting at %lld", n);
}

static void
c_size(struct fclient *x, char *arg)
{
	struct stat	st;
	int		fd;

	if ((fd = open_arg(x, arg, O_PATH, 0)) == -1)
		return;
	if (plain_file(x, fd, arg, &st) == 0)
		ftp_reply(x, "213 %lld", (long long)st.st_size);
	close(fd);
}

static void
c_mdtm(struct fclient *x, char *arg)
{
	struct stat	st;
	char		t[16];
	int		fd;

	if ((fd = open_arg(x, arg, O_PATH, 0)) == -1)
		return;
	if (plain_file(x, fd, arg, &st) == 0) {
		ftp_list_time(t, sizeof(t), st.st_mtime);
		ftp_reply(x, "213 %s", t);
	}
	close(fd);
}

static void
c_abor(struct fclient *x, char *arg)
{
	(void)arg;
	ftp_reply(x, "226 %s", ftp_data_abort(x) ? "Aborted" : "Nothing to abort");
}

/* STOR and APPE: the file made or opened beneath the root. */
static void
store(struct fclient *x, char *arg, int flags)
{
	struct stat	st;
	off_t		rest = x->rest;
	int		fd;

	x->rest = 0;
	/* A restart continues a file that is there, never makes one. */
	if (rest > 0)
		flags &= ~O_TRUNC;
	else
		flags |= O_CREAT;
	if ((fd = open_file(x, arg, O_WRONLY | flags, 0666, &st)) == -1)
		return;
	if (rest > st.st_size) {
		ftp_reply(x, "554 REST %lld is past the end of %s",
		    (long long)rest, arg);
		close(fd);
		return;
	}
	if (rest > 0 && lseek(fd, rest, SEEK_SET) == -1) {
		fail(x, arg);
		close(fd);
		return;
	}
	ftp_data_stor(x, fd, arg);
}

static void
c_stor(struct fclient *x, char *arg)
{
	store(x, arg, O_TRUNC);
}

static void
c_appe(struct fclient *x, char *arg)
{
	store(x, arg, O_APPEND);
}

static void
c_mkd(struct fclient *x, char *arg)
{
	char		 buf[FTP_PATH_MAX];
	const char	*base;
	int		 fd;

	if ((fd = parent_arg(x, arg, buf, &base)) == -1)
		return;
	if (mkdirat(fd, base, 0777) == -1)
		fail(x, arg);
	else
		reply_257(x, buf, "created");
	close(fd);
}

/* RMD and DELE. */
static void
remove_arg(struct fclient *x, char *arg, int flags)
{
	char		 buf[FTP_PATH_MAX];
	const char	*base;
	int		 fd;

	if ((fd = parent_arg(x, arg, buf, &base)) == -1)
		return;
	if (unlinkat(fd, base, flags) == -1)
		fail(x, arg);
	else
		ftp_reply(x, "250 %s removed", arg);
	close(fd);
}

static void
c_rmd(struct fclient *x, char *arg)
{
	remove_arg(x, arg, AT_REMOVEDIR);
}

static void
c_dele(struct fclient *x, char *arg)
{
	remove_arg(x, arg, 0);
}

static void
c_rnfr(struct fclient *x, char *arg)
{
	char		 buf[FTP_PATH_MAX];
	const char	*base;
	struct stat	 st;
	int		 fd;

	free(x->rnfr);
	x->rnfr = NULL;
	if ((fd = parent_arg(x, arg, buf, &base)) == -1)
		return;
	if (fstatat(fd, base, &st, AT_SYMLINK_NOFOLLOW) == -1)
		fail(x, arg);
	else if ((x->rnfr = strdup(buf)) == NULL)
		ftp_reply(x, "550 Out of memory");
	else
		ftp_reply(x, "350 Ready for RNTO");
	close(fd);
}

static void
c_rnto(struct fclient *x, char *arg)
{
	char		 buf[FTP_PATH_MAX];
	const char	*from, *to;
	int		 ffd, tfd;

	if (x->rnfr == NULL) {
		ftp_reply(x, "503 Send RNFR first");
		return;
	}
	if ((ffd = ftp_path_parent(x->F->rootfd, x->rnfr, &from)) == -1)
		fail(x, x->rnfr);
	else if ((tfd = parent_arg(x, arg, buf, &to)) != -1) {
		if (renameat(ffd, from, tfd, to) == -1)
			fail(x, arg);
		else
			ftp_reply(x, "250 Renamed");
		close(tfd);
	}
	if (ffd != -1)
		close(ffd);
	free(x->rnfr);
	x->rnfr = NULL;
}

static const struct fcmd cmds[] = {
	{ "USER", c_user, NEED_ARG }, { "PASS", c_pass, 0 },
	{ "QUIT", c_quit, 0 }, { "SYST", c_syst, 0 }, { "FEAT", c_feat, 0 },
	{ "AUTH", c_auth, NEED_ARG }, { "PBSZ", c_pbsz, NEED_ARG },
	{ "PROT", c_prot, NEED_ARG },
	{ "OPTS", c_opts, NEED_LOGIN | NEED_ARG },
	{ "NOOP", c_noop, NEED_LOGIN }, { "PWD", c_pwd, NEED_LOGIN },
	{ "XPWD", c_pwd, NEED_LOGIN },
	{ "CWD", c_cwd, NEED_LOGIN }, { "XCWD", c_cwd, NEED_LOGIN },
	{ "CDUP", c_cdup, NEED_LOGIN }, { "XCUP", c_cdup, NEED_LOGIN },
	{ "TYPE", c_type, NEED_LOGIN | NEED_ARG },
	{ "MODE", c_mode, NEED_LOGIN | NEED_ARG },
	{ "STRU", c_stru, NEED_LOGIN | NEED_ARG },
	{ "PASV", c_pasv, NEED_LOGIN }, { "EPSV", c_epsv, NEED_LOGIN },
	{ "PORT", c_port, NEED_LOGIN | NEED_ARG },
	{ "EPRT", c_eprt, NEED_LOGIN | NEED_ARG },
	{ "LIST", c_list, NEED_LOGIN }, { "NLST", c_nlst, NEED_LOGIN },
	{ "MLSD", c_mlsd, NEED_LOGIN }, { "MLST", c_mlst, NEED_LOGIN },
	{ "RETR", c_retr, NEED_LOGIN | NEED_ARG },
	{ "REST", c_rest, NEED_LOGIN | NEED_ARG },
	{ "SIZE", c_size, NEED_LOGIN | NEED_ARG },
	{ "MDTM", c_mdtm, NEED_LOGIN | NEED_ARG },
	{ "ABOR", c_abor, NEED_LOGIN },
	{ "STOR", c_stor, NEED_LOGIN | NEED_ARG | NEED_WRITE },
	{ "APPE", c_appe, NEED_LOGIN | NEED_ARG | NEED_WRITE },
	{ "MKD", c_mkd, NEED_LOGIN | NEED_ARG | NEED_WRITE },
	{ "XMKD", c_mkd, NEED_LOGIN | NEED_ARG | NEED_WRITE },
	{ "RMD", c_rmd, NEED_LOGIN | NEED_ARG | NEED_WRITE },
	{ "XRMD", c_rmd, NEED_LOGIN | NEED_ARG | NEED_WRITE },
	{ "DELE", c_dele, NEED_LOGIN | NEED_ARG | NEED_WRITE },
	{ "RNFR", c_rnfr, NEED_LOGIN | NEED_ARG | NEED_WRITE },
	{ "RNTO", c_rnto, NEED_LOGIN | NEED_ARG | NEED_WRITE },
};

const struct fcmd *
ftp_cmd_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NELEM(cmds); i++)
		if (strcasecmp(name, cmds[i].name) == 0)
			return &cmds[i];
	return NULL;
}
