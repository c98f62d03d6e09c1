/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
#include "config.h"

#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "pty.h"
#include "serial.h"
#include "util.h"

/* The speeds termios knows, by number. */
static const struct {
	long	 n;
	speed_t	 code;
} speeds[] = {
	{ 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 },
	{ 150, B150 }, { 200, B200 }, { 300, B300 }, { 600, B600 },
	{ 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 }, { 4800, B4800 },
	{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
	{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	{ 460800, B460800 }, { 500000, B500000 }, { 576000, B576000 },
	{ 921600, B921600 }, { 1000000, B1000000 }, { 1152000, B1152000 },
	{ 1500000, B1500000 }, { 2000000, B2000000 }, { 2500000, B2500000 },
	{ 3000000, B3000000 }, { 3500000, B3500000 }, { 4000000, B4000000 },
};

/*
 * What an open device needs at its close, or at exit when it was never
 * closed (fatal(), a signal that ended the loop): its settings put back
 * and our lock file removed.  A few devices at most are open at once.
 */
#define SERIAL_OPEN_MAX	8
struct serial {
	int		 fd;		/* -1: the slot is free */
	struct termios	 saved;
	char		 lock[PATH_MAX];	/* "": none taken */
};
static struct serial	open_devs[SERIAL_OPEN_MAX];
static int		atexit_set;

static int
bad(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	return -1;
}

static int
parse_baud(const char *s, struct serial_cfg *cfg, char *err, size_t errlen)
{
	const char	*why;
	long long	 n;
	size_t		 i, near = 0;

	if (parse_number(s, 0, 100000000, &n, &why) == -1)
		return bad(err, errlen, "baud rate %s: far too high", s);
	for (i = 0; i < NELEM(speeds); i++) {
		if (speeds[i].n == n) {
			cfg->baud = n;
			return 0;
		}
		if (labs(speeds[i].n - (long)n) < labs(speeds[near].n -
		    (long)n))
			near = i;
	}
	snprintf(err, errlen, "baud rate %s: not one termios knows "
	    "(the nearest is %ld)", s, speeds[near].n);
	return -1;
}

/* 8N1, 7E1...: data bits, parity, stop bits. */
static int
parse_frame(const char *s, struct serial_cfg *cfg)
{
	if (strlen(s) != 3 || s[0] < '5' || s[0] > '8' ||
	    strchr("NEOneo", s[1]) == NULL || (s[2] != '1' && s[2] != '2'))
		return -1;
	cfg->bits = s[0] - '0';
	cfg->parity = s[1] & ~0x20;
	cfg->stop = s[2] - '0';
	return 0;
}

int
serial_parse(const char *settings, struct serial_cfg *cfg, char *err,
    size_t errlen)
{
	char	 word[32];
	int	 seen = 0, what;
	size_t	 n;

	memset(cfg, 0, sizeof(*cfg));
	cfg->bits = 8;
	cfg->parity = 'N';
	cfg->stop = 1;
	for (; *settings != '\0'; settings += n + (settings[n] == ',')) {
		n = strcspn(settings, ",");
		if (n == 0 || n >= sizeof(word))
			return bad(err, errlen, "%s", n == 0 ? "empty serial "
			    "setting" : "serial setting too long");
		memcpy(word, settings, n);
		word[n] = '\0';
		if (word[strspn(word, "0123456789")] == '\0') {
			what = 1;
			if (parse_baud(word, cfg, err, errlen) == -1)
				return -1;
		} else if (parse_frame(word, cfg) == 0)
			what = 2;
		else if (strcmp(word, "rtscts") == 0 ||
		    strcmp(word, "xonxoff") == 0) {
			what = 4;
			cfg->flow = word[0] == 'r' ? SERIAL_FLOW_RTSCTS :
			    SERIAL_FLOW_XONXOFF;
		} else
			return bad(err, errlen, "%s: not a serial setting "
			    "(BAUD, 8N1 or 7E1..., rtscts or xonxoff)", word);
		if (seen & what) {
			snprintf(err, errlen, "%s: a second %s", word,
			    what == 1 ? "baud rate" : what == 2 ?
			    "frame (8N1...)" : "flow control");
			return -1;
		}
		seen |= what;
	}
	return 0;
}

const char *
serial_lock_dir(void)
{
	const char	*d = getenv("SOCKIT_LOCK_DIR");

	return d != NULL && *d != '\0' ? d : "/run/lock";
}

/* The pid in a uucp lock file (ten digits, a newline); 0 if none. */
static long
lock_holder(const char *path)
{
	char	buf[32];
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* LCK..ttyUSB0 for /dev/ttyUSB0, LCK..pts_3 for /dev/pts/3. */
static void
lock_path(const char *dev, char *path, size_t len)
{
	char	*p;
	size_t	 dir;

	if (strncmp(dev, "/dev/", 5) == 0)
		dev += 5;
	snprintf(path, len, "%s/LCK..", serial_lock_dir());
	dir = strlen(path);
	strlcat(path, dev, len);
	for (p = path + dir; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
}

/*
 * Take dev's lock file as uucp tools do (minicom, picocom, cu): made
 * with O_EXCL, our pid in it.  One whose pid is dead is stale and
 * taken over.  No lock directory we may write: no lock file, and
 * flock and TIOCEXCL keep the device ours.  1 taken, 0 none, -1 err.
 */
static int
lock_take(const char *dev, char *path, size_t len, char *err,
    size_t errlen)
{
	long	pid;
	int	fd, tries;

	lock_path(dev, path, len);
	for (tries = 0; tries < 3; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd != -1) {
			dprintf(fd, "%10ld\n", (long)getpid());
			close(fd);
			return 1;
		}
		if (errno == ENOENT || errno == EACCES || errno == EROFS) {
			log_v(1, "%s: no lock file (%s: %s)", dev, path,
			    strerror(errno));
			path[0] = '\0';
			return 0;
		}
		if (errno != EEXIST)
			break;
		pid = lock_holder(path);
		if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
			snprintf(err, errlen, "%s: in use by pid %ld (lock "
			    "file %s)", dev, pid, path);
			return -1;
		}
		log_v(1, "%s: stale lock file of pid %ld taken over", path,
		    pid);
		unlink(path);
	}
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

static void
release(struct serial *sd)
{
	(void)tcsetattr(sd->fd, TCSANOW, &sd->saved);
	(void)ioctl(sd->fd, TIOCNXCL);
	if (sd->lock[0] != '\0' && lock_holder(sd->lock) == (long)getpid())
		unlink(sd->lock);
	sd->lock[0] = '\0';
}

static void
release_all(void)
{
	int	i;

	for (i = 0; i < SERIAL_OPEN_MAX; i++)
		if (open_devs[i].fd != -1)
			release(&open_devs[i]);
}

static speed_t
speed_code(long n)
{
	size_t	i;

	for (i = 0; i < NELEM(speeds) && speeds[i].n != n; i++)
		;
	return speeds[i].code;	/* parse_baud took only these */
}

/* Raw mode with cfg's frame, speed and flow control. */
static int
apply(int fd, const struct termios *saved, const struct serial_cfg *cfg)
{
	static const tcflag_t	 sizes[] = { CS5, CS6, CS7, CS8 };
	struct termios		 t = *saved;

	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= sizes[cfg->bits - 5];
	if (cfg->parity != 'N')
		t.c_cflag |= PARENB | (cfg->parity == 'O' ? PARODD : 0);
	if (cfg->stop == 2)
		t.c_cflag |= CSTOPB;
	t.c_iflag &= ~(IXON | IXOFF | IXANY);
	if (cfg->flow == SERIAL_FLOW_RTSCTS)
		t.c_cflag |= CRTSCTS;
	else if (cfg->flow == SERIAL_FLOW_XONXOFF)
		t.c_iflag |= IXON | IXOFF;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (cfg->baud != 0 && (cfsetispeed(&t, speed_code(cfg->baud)) == -1 ||
	    cfsetospeed(&t, speed_code(cfg->baud)) == -1))
		return -1;
	return tcsetattr(fd, TCSANOW, &t);
}

static struct serial *
slot(void)
{
	int	i;

	if (!atexit_set) {
		for (i = 0; i < SERIAL_OPEN_MAX; i++)
			open_devs[i].fd = -1;
		tty_cleanup_add(release_all);
		atexit_set = 1;
	}
	for (i = 0; i < SERIAL_OPEN_MAX; i++)
		if (open_devs[i].fd == -1)
			return &open_devs[i];
	return NULL;
}

/* The device itself, ours alone: fd, or -1 with err. */
static int
open_dev(const char *dev, int *usage, char *err, size_t errlen)
{
	int	fd;

	if ((fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) ==
	    -1) {
		*usage = errno == ENOENT || errno == ENXIO;
		snprintf(err, errlen, "%s: %s", dev, errno == EBUSY ?
		    "in use (another program opened it exclusively)" :
		    strerror(errno));
		return -1;
	}
	if (!isatty(fd)) {
		*usage = 1;
		snprintf(err, errlen, "%s: not a serial device (a terminal)",
		    dev);
	} else if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		snprintf(err, errlen, "%s: in use (another program holds "
		    "its flock)", dev);
	else if (ioctl(fd, TIOCEXCL) == -1)
		snprintf(err, errlen, "%s: TIOCEXCL: %s", dev,
		    strerror(errno));
	else
		return fd;
	close(fd);
	return -1;
}

static ssize_t	serial_read(struct conn *, void *, size_t);
static ssize_t	serial_write(struct conn *, const void *, size_t);
static void	serial_shutdown(struct conn *);
static void	serial_close(struct conn *);

static const struct xport xport_serial = {
	.name = "serial",
	.read = serial_read,
	.write = serial_write,
	.shutdown = serial_shutdown,
	.close = serial_close,
};

int
serial_open(const char *dev, const struct serial_cfg *cfg, struct conn *c,
    int *usage, char *err, size_t errlen)
{
	struct serial	*sd;
	int		 fd;

	*usage = 0;
	if ((sd = slot()) == NULL)
		return bad(err, errlen, "%s: too many serial devices", dev);
	if (lock_take(dev, sd->lock, sizeof(sd->lock), err, errlen) == -1)
		return -1;
	if ((fd = open_dev(dev, usage, err, errlen)) == -1)
		goto fail;
	if (tcgetattr(fd, &sd->saved) == -1 ||
	    apply(fd, &sd->saved, cfg) == -1) {
		snprintf(err, errlen, "%s: %s", dev, strerror(errno));
		close(fd);
		goto fail;
	}
	sd->fd = fd;
	c->fd = fd;
	c->is_sock = 0;
	c->xp = &xport_serial;
	c->xpd = sd;
	return 0;
fail:
	if (sd->lock[0] != '\0')
		unlink(sd->lock);
	sd->lock[0] = '\0';
	return -1;
}

/* A hung-up line (a pty whose master went) reads EIO: its end. */
static ssize_t
serial_read(struct conn *c, void *p, size_t n)
{
	ssize_t	r;

	if ((r = read(c->fd, p, n)) == -1 && errno == EIO)
		return 0;
	return r;
}

static ssize_t
serial_write(struct conn *c, const void *p, size_t n)
{
	ssize_t	r;

	if ((r = write(c->fd, p, n)) == -1 && errno == EIO)
		errno = EPIPE;
	return r;
}

/* A line has no half-close: the end of our data is just silence. */
static void
serial_shutdown(struct conn *c)
{
	(void)c;
}

static void
serial_close(struct conn *c)
{
	struct serial	*sd = c->xpd;

	release(sd);
	close(sd->fd);
	sd->fd = -1;
	c->xpd = NULL;
}

int
serial_check(const char *dev, char *err, size_t errlen)
{
	struct stat	st;

	if (stat(dev, &st) == -1) {
		snprintf(err, errlen, "%s: %s", dev, strerror(errno));
		return -1;
	}
	if (!S_ISCHR(st.st_mode))
		return bad(err, errlen, "%s: not a serial device (a "
		    "terminal)", dev);
	return 0;
}
