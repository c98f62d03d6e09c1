/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Directory listings for LIST (like `ls -l`), NLST (names) and MLSD
 * (RFC 3659 facts), made a piece at a time as the data connection
 * drains, so that a large directory costs no more memory than a small
 * one.  Lines end with CRLF whatever the TYPE, as RFC 959 asks.
 * Entries are stat'ed without following symlinks: a link is shown as
 * a link, and where it points is never read through.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ftp.h"

#define SIX_MONTHS	(182L * 24 * 3600)

int
ftp_list_open(struct listing *ls, int dirfd, enum list_kind kind, int write)
{
	memset(ls, 0, sizeof(*ls));
	ls->onefd = -1;
	if ((ls->dir = fdopendir(dirfd)) == NULL)
		return -1;
	ls->kind = kind;
	ls->write = write;
	return 0;
}

int
ftp_list_open_one(struct listing *ls, int parentfd, const char *name,
    enum list_kind kind, int write)
{
	memset(ls, 0, sizeof(*ls));
	if ((ls->one = strdup(name)) == NULL)
		return -1;
	ls->onefd = parentfd;
	ls->kind = kind;
	ls->write = write;
	return 0;
}

void
ftp_list_close(struct listing *ls)
{
	if (ls->dir != NULL)
		closedir(ls->dir);
	if (ls->onefd != -1)
		close(ls->onefd);
	free(ls->one);
	memset(ls, 0, sizeof(*ls));
	ls->onefd = -1;
}

void
ftp_list_time(char *buf, size_t len, time_t t)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%d%H%M%S", &tm);
}

static void
mode_string(mode_t m, char *s)
{
	static const char	rwx[] = "rwxrwxrwx";
	int			i;

	s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISFIFO(m) ? 'p' :
	    S_ISSOCK(m) ? 's' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : '-';
	for (i = 0; i < 9; i++)
		s[i + 1] = m & (1 << (8 - i)) ? rwx[i] : '-';
	s[10] = '\0';
}

/* Owner and group names, remembered: a directory is mostly one owner. */
static const char *
owner(uid_t uid)
{
	static uid_t	 last = (uid_t)-1;
	static char	 name[33];
	struct passwd	*pw;

	if (uid != last) {
		last = uid;
		if ((pw = getpwuid(uid)) != NULL)
			strlcpy(name, pw->pw_name, sizeof(name));
		else
			snprintf(name, sizeof(name), "%u", (unsigned)uid);
	}
	return name;
}

static const char *
group(gid_t gid)
{
	static gid_t	 last = (gid_t)-1;
	static char	 name[33];
	struct group	*gr;

	if (gid != last) {
		last = gid;
		if ((gr = getgrgid(gid)) != NULL)
			strlcpy(name, gr->gr_name, sizeof(name));
		else
			snprintf(name, sizeof(name), "%u", (unsigned)gid);
	}
	return name;
}

static int
long_line(int dfd, const char *name, const struct stat *st, char *p,
    size_t cap)
{
	char		 mode[11], date[16], target[256];
	struct tm	 tm;
	time_t		 now = time(NULL);
	ssize_t		 n;

	mode_string(st->st_mode, mode);
	gmtime_r(&st->st_mtime, &tm);
	strftime(date, sizeof(date), st->st_mtime > now - SIX_MONTHS &&
	    st->st_mtime < now + SIX_MONTHS ? "%b %e %H:%M" : "%b %e  %Y",
	    &tm);
	target[0] = '\0';
	if (S_ISLNK(st->st_mode) &&
	    (n = readlinkat(dfd, name, target, sizeof(target) - 1)) > 0)
		target[n] = '\0';
	return snprintf(p, cap, "%s %3lu %-8s %-8s %12lld %s %s%s%s\r\n",
	    mode, (unsigned long)st->st_nlink, owner(st->st_uid),
	    group(st->st_gid), (long long)st->st_size, date, name,
	    target[0] != '\0' ? " -> " : "", target);
}

static int
mlsd_line(const struct listing *ls, const char *name, const struct stat *st,
    char *p, size_t cap)
{
	const char	*type, *perm;
	char		 t[16];

	if (S_ISDIR(st->st_mode)) {
		type = "dir";
		perm = ls->write ? "flcdmpe" : "el";
	} else if (S_ISREG(st->st_mode)) {
		type = "file";
		perm = ls->write ? "adfrw" : "r";
	} else {
		type = S_ISLNK(st->st_mode) ? "OS.unix=symlink" : "OS.unix=other";
		perm = "";
	}
	ftp_list_time(t, sizeof(t), st->st_mtime);
	return snprintf(p, cap, "type=%s;size=%lld;modify=%s;perm=%s; %s\r\n",
	    type, (long long)st->st_size, t, perm, name);
}

/* One entry's line into p; 0 to skip it, -1 if it did not fit. */
static int
entry(struct listing *ls, int dfd, const char *name, char *p, size_t cap)
{
	struct stat	st;
	int		n;

	if (ls->kind == LIST_NAMES)
		n = snprintf(p, cap, "%s\r\n", name);
	else if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;	/* gone since readdir */
	else if (ls->kind == LIST_LONG)
		n = long_line(dfd, name, &st, p, cap);
	else
		n = mlsd_line(ls, name, &st, p, cap);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

static size_t
fill_one(struct listing *ls, char *p, size_t cap)
{
	int	n;

	if (ls->one == NULL)
		return 0;
	n = entry(ls, ls->onefd, ls->one, p, cap);
	free(ls->one);
	ls->one = NULL;
	return n > 0 ? (size_t)n : 0;
}

size_t
ftp_list_fill(struct listing *ls, char *p, size_t cap)
{
	struct dirent	*de;
	size_t		 used = 0;
	long		 pos;
	int		 n;

	if (ls->dir == NULL)
		return fill_one(ls, p, cap);
	for (;;) {
		pos = telldir(ls->dir);
		if ((de = readdir(ls->dir)) == NULL)
			return used;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n = entry(ls, dirfd(ls->dir), de->d_name, p + used,
		    cap - used);
		if (n == -1) {
			seekdir(ls->dir, pos);	/* the next piece has it */
			return used;
		}
		used += (size_t)n;
	}
}
