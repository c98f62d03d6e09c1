/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * relay pty:PATH TARGET: a virtual serial port (socat's PTY,link=).  A
 * pty is made at start, PATH a symlink to its slave, raw; what programs
 * write to it goes to TARGET over one connection and the replies come
 * back.  sockit holds the slave open itself, so that a program opening
 * and closing it never hangs the master up (which would read EIO for
 * ever, and lose the settings): the link and the pty live until sockit
 * exits.  A connection that drops is made again at the next byte.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "dial.h"
#include "log.h"
#include "pty.h"
#include "relay_pty.h"
#include "util.h"

struct rpty {
	struct loop		*loop;
	const struct dial_cfg	*cfg;
	const char		*tname;
	char			 link[PATH_MAX];
	char			 slave[64];
	int			 slave_fd;	/* ours: see above */
	struct conn		 pty, tgt;
	struct chan		 up, down;	/* pty -> tgt, tgt -> pty */
	struct dial		 dial;
	int			 connected;
};

/* For exit paths that do not come back here (fatal()). */
static struct rpty	*the;

/* Remove the link if it is still ours: it points to our slave. */
static void
link_remove(void)
{
	char	buf[PATH_MAX];
	ssize_t	n;

	if (the == NULL || the->link[0] == '\0')
		return;
	n = readlink(the->link, buf, sizeof(buf) - 1);
	if (n > 0 && (buf[n] = '\0', strcmp(buf, the->slave) == 0))
		unlink(the->link);
	the->link[0] = '\0';
}

/*
 * PATH may be replaced only when it is a stale link of a pty, one to a
 * /dev/pts/ entry that is gone (a sockit killed by SIGKILL left it).
 */
static int
link_make(struct rpty *R, const char *path, char *err, size_t errlen)
{
	struct stat	st;
	char		old[PATH_MAX];
	ssize_t		n;

	if (lstat(path, &st) == 0) {
		n = S_ISLNK(st.st_mode) ? readlink(path, old, sizeof(old) - 1) :
		    -1;
		if (n > 0)
			old[n] = '\0';
		if (n <= 0 || strncmp(old, "/dev/pts/", 9) != 0 ||
		    stat(old, &st) == 0) {
			snprintf(err, errlen, "%s: exists and is not a stale "
			    "pty link: left alone", path);
			return -1;
		}
		log_v(1, "%s: stale link to %s replaced", path, old);
		unlink(path);
	}
	if (symlink(R->slave, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	strlcpy(R->link, path, sizeof(R->link));
	return 0;
}

/* The pty, raw, its slave held by us. */
static int
pty_make(struct rpty *R, char *err, size_t errlen)
{
	struct termios	t;
	int		fd;

	if ((fd = pty_open(NULL, R->slave, sizeof(R->slave), err,
	    errlen)) == -1)
		return -1;
	R->slave_fd = open(R->slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (R->slave_fd == -1 || tcgetattr(R->slave_fd, &t) == -1 ||
	    (cfmakeraw(&t), tcsetattr(R->slave_fd, TCSANOW, &t)) == -1) {
		snprintf(err, errlen, "%s: %s", R->slave, strerror(errno));
		close(fd);
		return -1;
	}
	conn_init(&R->pty, fd, R->link);
	R->pty.xp = &xport_pty;
	R->pty.is_sock = 0;
	R->pty.watched = 0;
	return 0;
}

static void	on_dialed(struct dial *, const char *, void *);

/* The connection is over: the next byte from a program makes another. */
static void
session_end(struct rpty *R)
{
	log_v(1, "%s: connection closed: %llu bytes to %s, %llu back",
	    R->link, (unsigned long long)R->tgt.tx, R->tname,
	    (unsigned long long)R->tgt.rx);
	loop_del(R->loop, R->tgt.fd);
	conn_close(&R->tgt);
	buf_free(&R->up.buf);
	buf_free(&R->down.buf);
	R->pty.rchan = R->pty.wchan = NULL;
	R->connected = 0;
	loop_set(R->loop, R->pty.fd, LOOP_READ);
}

static void
settle(struct rpty *R)
{
	if (conn_failure(&R->tgt) != NULL)
		log_err("%s: %s", R->tname, conn_failure(&R->tgt));
	if (R->up.done || R->down.done || conn_failure(&R->tgt) != NULL) {
		session_end(R);
		return;
	}
	loop_set(R->loop, R->pty.fd, conn_interest(&R->pty));
	loop_set(R->loop, R->tgt.fd, conn_interest(&R->tgt));
}

static void
dial_again(struct rpty *R)
{
	conn_init(&R->tgt, -1, R->tname);
	loop_set(R->loop, R->pty.fd, 0);	/* the bytes wait there */
	dial_start(&R->dial, R->loop, R->cfg, &R->tgt, on_dialed, R);
}

static void
on_pty(struct loop *l, int fd, int events, void *arg)
{
	struct rpty	*R = arg;
	ssize_t		 n;

	(void)l;
	if (R->connected) {
		conn_io(&R->pty, events);
		settle(R);
		return;
	}
	/* Nothing to carry them: a program wrote, so connect. */
	if (!dial_busy(&R->dial))
		dial_again(R);
	else if ((n = read(fd, conn_scratch, sizeof(conn_scratch))) > 0)
		log_err("%s: %zd bytes dropped", R->link, n);
}

static void
on_tgt(struct loop *l, int fd, int events, void *arg)
{
	struct rpty	*R = arg;

	(void)l;
	(void)fd;
	conn_io(&R->tgt, events);
	settle(R);
}

/* Connected, or not: then what the program wrote meanwhile is lost. */
static void
on_dialed(struct dial *d, const char *err, void *arg)
{
	struct rpty	*R = arg;
	ssize_t		 n;

	(void)d;
	if (err != NULL || loop_add(R->loop, R->tgt.fd, on_tgt, R) == -1) {
		log_err("%s", err != NULL ? err : strerror(errno));
		if (R->tgt.fd != -1)
			conn_close(&R->tgt);
		n = read(R->pty.fd, conn_scratch, sizeof(conn_scratch));
		if (n > 0)
			log_err("%s: %zd bytes dropped", R->link, n);
		loop_set(R->loop, R->pty.fd, LOOP_READ);
		return;
	}
	log_v(1, "%s: connected to %s", R->link, R->tname);
	R->tgt.watched = 1;
	chan_init(&R->up, &R->pty, &R->tgt, NULL);
	chan_init(&R->down, &R->tgt, &R->pty, NULL);
	R->connected = 1;
	settle(R);
}

/* Once the link is there, --ready-fd is told its path. */
static void
ready(const struct common *co, const char *path)
{
	if (co->ready_fd == -1)
		return;
	if (dprintf(co->ready_fd, "%s\n", path) < 0)
		fatal("--ready-fd %d: %s", co->ready_fd, strerror(errno));
	close(co->ready_fd);
}

int
relay_pty_run(const struct common *co, const char *path,
    const struct dial_cfg *cfg, const char *tname)
{
	static struct rpty	 R_;
	struct rpty		*R = &R_;
	char			 err[512];

	R->cfg = cfg;
	R->tname = tname;
	if ((R->loop = loop_new(loop_pick(8), err, sizeof(err))) == NULL)
		fatal("%s", err);
	if (pty_make(R, err, sizeof(err)) == -1)
		fatal("%s", err);
	the = R;
	tty_cleanup_add(link_remove);
	if (link_make(R, path, err, sizeof(err)) == -1)
		fatal("%s", err);
	strlcpy(R->pty.name, path, sizeof(R->pty.name));
	if (loop_signals(R->loop, cmd_stop_on_signal, R) == -1 ||
	    loop_add(R->loop, R->pty.fd, on_pty, R) == -1)
		fatal("event loop: %s", strerror(errno));
	log_v(1, "%s: link to %s", path, R->slave);
	ready(co, path);
	dial_again(R);
	if (loop_run(R->loop) == -1)
		fatal("event loop: %s", strerror(errno));
	dial_cancel(&R->dial);
	if (R->connected)
		session_end(R);
	link_remove();
	return 0;
}
