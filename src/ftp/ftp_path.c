/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Confinement of FTP paths beneath the served root.  A path is first
 * made clean without touching the file system ("." and ".." folded,
 * ".." at the top stays at the top), then opened relative to a
 * descriptor of the root with openat2(RESOLVE_BENEATH), so that the
 * kernel refuses whatever would leave it: a symlink to "/etc", a
 * directory renamed under us.  Without openat2 (older kernels) every
 * component is opened in turn with O_NOFOLLOW, which refuses all
 * symlinks: stricter, never looser.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "ftp.h"

static int	use_openat2 = 1;

void
ftp_path_init(void)
{
	/* A hook for tests of the fallback walk. */
	if (getenv("SOCKIT_FTP_NO_OPENAT2") != NULL)
		use_openat2 = 0;
}

/* Append component s (n bytes) to out, or go up for "..". */
static int
push(char *out, size_t *olen, size_t len, const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.'))
		return 0;
	if (n == 2 && s[0] == '.' && s[1] == '.') {
		while (*olen > 0 && out[*olen - 1] != '/')
			(*olen)--;
		if (*olen > 1)
			(*olen)--;	/* the slash, unless it is the root */
		out[*olen] = '\0';
		return 0;
	}
	if (*olen + 1 + n + 1 > len)
		return -1;
	if (*olen > 1)
		out[(*olen)++] = '/';
	memcpy(out + *olen, s, n);
	*olen += n;
	out[*olen] = '\0';
	return 0;
}

static int
push_all(char *out, size_t *olen, size_t len, const char *p)
{
	const char	*e;

	for (; *p != '\0'; p = *e == '\0' ? e : e + 1) {
		e = strchrnul(p, '/');
		if (push(out, olen, len, p, (size_t)(e - p)) == -1)
			return -1;
	}
	return 0;
}

int
ftp_path_resolve(const char *cwd, const char *arg, char *out, size_t len)
{
	size_t	olen = 1;

	if (len < 2)
		return -1;
	strlcpy(out, "/", len);
	if (arg[0] != '/' && push_all(out, &olen, len, cwd) == -1)
		return -1;
	return push_all(out, &olen, len, arg);
}

/* The component walk: no symlink is followed, none can lead out. */
static int
walk(int rootfd, const char *rel, int flags, mode_t mode)
{
	char		 comp[NAME_MAX + 1];
	const char	*e;
	size_t		 n;
	int		 fd, nfd;

	if ((fd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		e = strchrnul(rel, '/');
		if ((n = (size_t)(e - rel)) > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, rel, n);
		comp[n] = '\0';
		if (*e == '\0')
			break;
		nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		close(fd);
		if (nfd == -1)
			return -1;
		fd = nfd;
		rel = e + 1;
	}
	nfd = openat(fd, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	close(fd);
	return nfd;
}

int
ftp_path_open(int rootfd, const char *vpath, int flags, mode_t mode)
{
	const char	*rel = vpath[1] == '\0' ? "." : vpath + 1;
#ifdef SYS_openat2
	struct open_how	 how;
	long		 fd;

	if (use_openat2) {
		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(flags | O_CLOEXEC);
		how.mode = (flags & O_CREAT) ? mode : 0;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
		fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd != -1 || errno != ENOSYS)
			return (int)fd;
		use_openat2 = 0;
	}
#endif
	if (strcmp(rel, ".") == 0)
		return openat(rootfd, ".", flags | O_CLOEXEC, mode);
	return walk(rootfd, rel, flags, mode);
}

int
ftp_path_parent(int rootfd, const char *vpath, const char **base)
{
	char		 parent[FTP_PATH_MAX];
	const char	*slash = strrchr(vpath, '/');
	size_t		 n = (size_t)(slash - vpath);

	*base = slash + 1;
	if (**base == '\0') {
		errno = EPERM;		/* the root itself */
		return -1;
	}
	if (n == 0)
		n = 1;
	memcpy(parent, vpath, n);
	parent[n] = '\0';
	return ftp_path_open(rootfd, parent, O_PATH | O_DIRECTORY, 0);
}
