/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pty.h"
#include "util.h"

int
pty_open(const struct winsize *ws, char *slave, size_t len, char *err,
    size_t errlen)
{
	int	fd;

	fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		snprintf(err, errlen, "posix_openpt: %s", strerror(errno));
		return -1;
	}
	if (grantpt(fd) == -1 || unlockpt(fd) == -1 ||
	    ptsname_r(fd, slave, len) != 0 ||
	    (ws != NULL && ioctl(fd, TIOCSWINSZ, ws) == -1)) {
		snprintf(err, errlen, "pseudo-terminal: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
pty_parse_size(const char *s, struct winsize *ws, const char **why)
{
	long long	 cols, rows;
	char		 num[16];
	const char	*x, *e;

	*why = "not COLSxROWS (say 132x43)";
	if ((x = strchr(s, 'x')) == NULL || x == s ||
	    (size_t)(x - s) >= sizeof(num))
		return -1;
	memcpy(num, s, x - s);
	num[x - s] = '\0';
	if (parse_number(num, 1, 65535, &cols, &e) == -1 ||
	    parse_number(x + 1, 1, 65535, &rows, &e) == -1)
		return -1;
	memset(ws, 0, sizeof(*ws));
	ws->ws_col = cols;
	ws->ws_row = rows;
	return 0;
}

#define CLEANUP_MAX	4
static void	(*cleanups[CLEANUP_MAX])(void);
static int	ncleanups;

void
tty_cleanup(void)
{
	int	i;

	for (i = ncleanups - 1; i >= 0; i--)
		cleanups[i]();
}

void
tty_cleanup_add(void (*fn)(void))
{
	if (ncleanups == 0)
		atexit(tty_cleanup);
	if (ncleanups < CLEANUP_MAX)
		cleanups[ncleanups++] = fn;
}

int
tty_raw(int fd, struct termios *saved)
{
	struct termios	t;

	if (tcgetattr(fd, saved) == -1)
		return -1;
	t = *saved;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSAFLUSH, &t);
}

/* The slave's last close: EIO on Linux, which is the end of its data. */
static ssize_t
pty_read(struct conn *c, void *p, size_t n)
{
	ssize_t	r;

	if ((r = read(c->fd, p, n)) == -1 && errno == EIO)
		return 0;
	return r;
}

static ssize_t
pty_write(struct conn *c, const void *p, size_t n)
{
	ssize_t	r;

	/* Nobody holds the slave: as a closed socket's EPIPE. */
	if ((r = write(c->fd, p, n)) == -1 && errno == EIO)
		errno = EPIPE;
	return r;
}

/*
 * A terminal cannot half-close: the end of what comes is what a user's
 * ^D is, in canonical mode.  A program that made its terminal raw (a
 * shell's line editor, a full-screen program) reads keys and has no end
 * of file: it gets what a closed terminal window gives, a hangup, while
 * the master stays open for what it still writes.
 */
static void
pty_shutdown(struct conn *c)
{
	struct termios	t;
	pid_t		pg;

	if (tcgetattr(c->fd, &t) == -1)
		return;
	if (t.c_lflag & ICANON)
		(void)write(c->fd, &t.c_cc[VEOF], 1);
	else if ((pg = tcgetpgrp(c->fd)) > 0)
		(void)kill(-pg, SIGHUP);
}

static void
pty_close(struct conn *c)
{
	close(c->fd);
}

const struct xport xport_pty = {
	.name = "pty",
	.read = pty_read,
	.write = pty_write,
	.shutdown = pty_shutdown,
	.close = pty_close,
};
