/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * FTP data connections, on the same loop as everything else.  A client
 * has at most one: a passive listener (PASV/EPSV) or an active connect
 * (PORT/EPRT), then the connected socket, which carries one transfer
 * and is closed at its end (stream mode).  Only the control peer's
 * address may connect to a passive listener, and active connects go
 * only to it: no third party can take or be sent a transfer.  Each has
 * a deadline (-w) for the connection to be made.  After PROT P a data
 * connection is TLS (RFC 4217), through its struct conn's transport,
 * and its handshake has the same deadline.
 */
#include "config.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftp.h"
#include "log.h"
#include "util.h"

#define SEND_CHUNK	(1024 * 1024)
#define STEPS		16		/* syscalls per wakeup: share the loop */
#define PIECE		(64 * 1024)	/* listing or ASCII bytes held */
#define CORK_MS		2		/* a passive reply's hold: see cork() */

struct fdata {
	struct fclient	*x;
	int		 lfd;		/* passive listener, or -1 */
	int		 fd;		/* data socket, or -1 */
	struct conn	 dc;		/* PROT P: fd as a TLS conn */
	int		 tls;		/* dc is in use */
	int		 prot;		/* PROT P when PASV or PORT set it up */
	int		 connecting;	/* fd is an active connect under way */
	struct timer	 wait;		/* -w */
	struct timer	 corked;	/* the control socket is corked */
	enum xfer	 kind;		/* the transfer asked for, if any */
	const char	*verb;		/* RETR, STOR, APPE, LIST..., for logs */
	char		*path;		/* what it moves, for logs */
	int		 logged;	/* its end is in the log */
	int		 file;		/* RETR, STOR */
	int		 ascii;		/* TYPE A when the transfer began */
	off_t		 off;		/* RETR: the next byte to send;
					 * TYPE A: the last byte read */
	struct listing	 ls;
	struct buf	 buf;		/* listing or ASCII bytes to send */
	int		 eof;		/* the source is done */
	uint64_t	 bytes;
};

static void	on_data(struct loop *, int, int, void *);
static void	uncork(struct loop *, struct timer *);
static void	xfer_log(struct fdata *, const char *);

int
ftp_data_busy(const struct fclient *x)
{
	return x->d != NULL && x->d->kind != XFER_NONE;
}

static void
close_fd(struct fclient *x, int *fd)
{
	struct fdata	*d = x->d;

	if (*fd == -1)
		return;
	loop_del(x->c.srv->loop, *fd);
	if (d->tls && *fd == d->dc.fd) {
		conn_close(&d->dc);	/* close_notify, then close */
		d->tls = 0;
	} else
		close(*fd);
	*fd = -1;
}

/* The data socket through its transport: TLS, or the plain socket. */
static ssize_t
dread(struct fdata *d, void *p, size_t n)
{
	return d->tls ? d->dc.xp->read(&d->dc, p, n) : read(d->fd, p, n);
}

static ssize_t
dwrite(struct fdata *d, const void *p, size_t n)
{
	return d->tls ? d->dc.xp->write(&d->dc, p, n) : write(d->fd, p, n);
}

/* A TLS handshake on the data connection is under way. */
static int
shaking(const struct fdata *d)
{
	return d->tls && conn_deadline(&d->dc) != 0;
}

void
ftp_data_free(struct fclient *x)
{
	struct fdata	*d = x->d;

	if (d == NULL)
		return;
	if (d->kind != XFER_NONE && !d->logged)
		xfer_log(d, "dropped");
	if (timer_armed(&d->corked))
		uncork(x->c.srv->loop, &d->corked);
	timer_stop(x->c.srv->loop, &d->wait);
	close_fd(x, &d->lfd);
	close_fd(x, &d->fd);
	if (d->file != -1)
		close(d->file);
	ftp_list_close(&d->ls);
	buf_free(&d->buf);
	free(d->path);
	free(d);
	x->d = NULL;
}

/*
 * One line per transfer, as an xferlog has: who, what, which way, how
 * many bytes, and how it ended.
 */
static void
xfer_log(struct fdata *d, const char *how)
{
	char	who[FTP_WHO_MAX];

	d->logged = 1;
	log_v(1, "%s: %s %.1024s: %s %llu bytes, %s",
	    ftp_who(d->x, who, sizeof(who)), d->verb,
	    d->path != NULL ? d->path : "?",
	    d->kind == XFER_STOR ? "received" : "sent",
	    (unsigned long long)d->bytes, how);
}

/* The end of a transfer: tell the client, drop the connection. */
static void
finish(struct fdata *d, int err)
{
	struct fclient	*x = d->x;

	xfer_log(d, err ? strerror(err) : "complete");
	if (err == 0)
		ftp_reply(x, "226 Transfer complete");
	else if (err == ENOSPC || err == EDQUOT)
		ftp_reply(x, "452 %s", strerror(err));
	else
		ftp_reply(x, "426 Transfer aborted: %s", strerror(err));
	ftp_data_free(x);
}

/*
 * The data connection is lost before its transfer could run: a
 * transfer asked for is failed with 425 and logged as how it ended.
 */
static void
lost(struct fdata *d, const char *how, const char *why)
{
	struct fclient	*x = d->x;

	log_v(1, "%s: data connection: %s", x->c.name, why);
	if (d->kind != XFER_NONE) {
		xfer_log(d, how);
		ftp_reply(x, "425 Data connection: %s", why);
	}
	ftp_data_free(x);
}

static void
on_wait(struct loop *l, struct timer *t)
{
	struct fdata	*d = container_of(t, struct fdata, wait);
	struct fclient	*x = d->x;

	(void)l;
	if (shaking(d))
		lost(d, "TLS handshake timed out", "TLS handshake not done "
		    "within -w");
	else
		lost(d, "no data connection", "none was made in time (-w)");
	ftp_settle(x);
}

static struct fdata *
data_new(struct fclient *x)
{
	struct fdata	*d;

	if (ftp_data_busy(x)) {
		errno = EBUSY;	/* ABOR first: a transfer is not dropped */
		return NULL;
	}
	ftp_data_free(x);
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->x = x;
	/*
	 * The protection is the one in force when the data connection is
	 * set up: a PROT after PASV or PORT must not turn a connection
	 * made in the clear into one taken for protected.
	 */
	d->prot = x->prot_p;
	d->lfd = d->fd = d->file = -1;
	d->ls.onefd = -1;
	d->buf.cap = 2 * PIECE;
	timer_init(&d->wait, on_wait);
	timer_init(&d->corked, uncork);
	x->d = d;
	return d;
}

/* The address part of a sockaddr, IPv4-mapped IPv6 seen as IPv4. */
static int
host_of(const struct sockaddr *sa, unsigned char *h)
{
	const struct sockaddr_in6	*s6;

	if (sa->sa_family == AF_INET) {
		memcpy(h, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 4;
	}
	s6 = (const struct sockaddr_in6 *)sa;
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memcpy(h, s6->sin6_addr.s6_addr + 12, 4);
		return 4;
	}
	memcpy(h, &s6->sin6_addr, 16);
	return 16;
}

/* Is sa the control connection's peer host? */
static int
is_peer(struct fclient *x, const struct sockaddr *sa)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	unsigned char		 a[16], b[16];
	int			 n;

	if (getpeername(x->c.fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	n = host_of((struct sockaddr *)&ss, a);
	return host_of(sa, b) == n && memcmp(a, b, n) == 0;
}

static void
sa_set_port(struct sockaddr *sa, int port)
{
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

static int
arm(struct fclient *x, struct fdata *d, int fd, int mask)
{
	struct loop	*l = x->c.srv->loop;

	if (loop_add(l, fd, on_data, d) == -1)
		return -1;
	loop_set(l, fd, mask);
	return timer_at(l, &d->wait, now_ms() + x->F->wait_ms);
}

/* A listener on the control connection's own local address. */
static int
passive_socket(struct fclient *x, struct sockaddr_storage *ss,
    socklen_t *len)
{
	int	fd;

	*len = sizeof(*ss);
	if (getsockname(x->c.fd, (struct sockaddr *)ss, len) == -1)
		return -1;
	sa_set_port((struct sockaddr *)ss, 0);
	if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)ss, *len) == -1 ||
	    listen(fd, 1) == -1 ||
	    getsockname(fd, (struct sockaddr *)ss, len) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * curl (7.88 at least) stalls a second before each data connection but
 * the first when the passive reply is already there as it checks, just
 * after sending EPSV: it then waits on a data socket it has not made
 * yet.  Clients over a network never see a reply that soon; on
 * loopback we answer in tens of microseconds.  So the reply is held in
 * the kernel (TCP_CORK) for a millisecond, which curl's first check
 * misses and its next wait sees; replies after it queue behind it, in
 * order.  Other clients lose a millisecond per transfer.
 */
static void
cork(struct fclient *x, struct fdata *d)
{
	int	on = 1;

	if (setsockopt(x->c.fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == 0 &&
	    timer_at(x->c.srv->loop, &d->corked, now_ms() + CORK_MS) == -1)
		uncork(x->c.srv->loop, &d->corked);
}

static void
uncork(struct loop *l, struct timer *t)
{
	struct fdata	*d = container_of(t, struct fdata, corked);
	int		 off = 0;

	timer_stop(l, t);
	(void)setsockopt(d->x->c.fd, IPPROTO_TCP, TCP_CORK, &off,
	    sizeof(off));
}

void
ftp_data_passive(struct fclient *x, int ext)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct fdata		*d;
	unsigned char		 h[16];
	int			 port;

	if ((d = data_new(x)) == NULL) {
		ftp_reply(x, "425 Cannot listen: %s", strerror(errno));
		return;
	}
	if ((d->lfd = passive_socket(x, &ss, &len)) == -1 ||
	    arm(x, d, d->lfd, LOOP_READ) == -1) {
		ftp_reply(x, "425 Cannot listen: %s", strerror(errno));
		ftp_data_free(x);
		return;
	}
	port = sock_port((struct sockaddr *)&ss);
	cork(x, d);
	if (ext)
		ftp_reply(x, "229 Entering Extended Passive Mode (|||%d|)",
		    port);
	else if (host_of((struct sockaddr *)&ss, h) == 4)
		ftp_reply(x, "227 Entering Passive Mode (%d,%d,%d,%d,%d,%d)",
		    h[0], h[1], h[2], h[3], port >> 8, port & 0xff);
	else {
		ftp_reply(x, "425 PASV is for IPv4: use EPSV");
		ftp_data_free(x);
	}
}

void
ftp_data_active(struct fclient *x, const struct sockaddr *sa, socklen_t salen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	struct fdata		*d;
	int			 fd;

	if (!is_peer(x, sa) || sock_port(sa) <= 1023) {
		log_v(1, "%s: refused a data connection to port %d of "
		    "another host or a privileged port", x->c.name,
		    sock_port(sa));
		ftp_reply(x, "504 Data connections go only to your own "
		    "address, port above 1023");
		return;
	}
	if ((d = data_new(x)) == NULL) {
		ftp_reply(x, "425 %s", strerror(errno));
		return;
	}
	if ((fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		ftp_reply(x, "425 %s", strerror(errno));
		ftp_data_free(x);
		return;
	}
	d->fd = fd;
	/* From the address the client knows us by. */
	if (getsockname(x->c.fd, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family == sa->sa_family) {
		sa_set_port((struct sockaddr *)&ss, 0);
		(void)bind(fd, (struct sockaddr *)&ss, len);
	}
	d->connecting = 1;
	if ((connect(fd, sa, salen) == -1 && errno != EINPROGRESS) ||
	    arm(x, d, fd, LOOP_WRITE) == -1) {
		ftp_reply(x, "425 Cannot open data connection: %s",
		    strerror(errno));
		ftp_data_free(x);
		return;
	}
	ftp_reply(x, "200 Active data connection under way");
}

/* What the transfer (if any) waits for on the socket. */
static int
mask(const struct fdata *d)
{
	if (d->kind == XFER_NONE || shaking(d))
		return 0;
	return d->kind == XFER_STOR ? LOOP_READ : LOOP_WRITE;
}

/* Watch the socket for what the transfer and its transport need. */
static void
start(struct fdata *d)
{
	if (d->fd == -1 || d->connecting)
		return;
	loop_set(d->x->c.srv->loop, d->fd, d->tls ?
	    conn_want(&d->dc, mask(d)) : mask(d));
}

/*
 * PROT P: the data connection is TLS, we its server whichever side
 * connected (RFC 4217), in the control connection's context, so that
 * the client resumes the control connection's session from the cache.
 * The handshake runs at once (curl makes it before RETR is sent) and
 * under the -w deadline.
 */
static int
protect(struct fdata *d)
{
	struct fclient	*x = d->x;
	char		 err[256];

	conn_init(&d->dc, d->fd, x->c.name);
	if (tls_start(&d->dc, x->F->tls, NULL, err, sizeof(err)) == -1) {
		log_v(1, "%s: data connection: %s", x->c.name, err);
		return -1;
	}
	d->tls = 1;
	/* The client has its tickets from the control connection. */
	if (tls_no_tickets(&d->dc) == -1) {
		log_v(1, "%s: data connection: no TLS tickets", x->c.name);
		return -1;
	}
	return 0;
}

static void
connected(struct fdata *d)
{
	struct fclient	*x = d->x;

	timer_stop(x->c.srv->loop, &d->wait);
	d->connecting = 0;
	if (d->prot && (protect(d) == -1 || timer_at(x->c.srv->loop,
	    &d->wait, now_ms() + x->F->wait_ms) == -1)) {
		lost(d, "no TLS", "cannot start TLS");
		return;
	}
	start(d);
}

/* The data connection's handshake moved on: done, or failed. */
static void
handshake(struct fdata *d, int events)
{
	struct fclient	*x = d->x;

	if (conn_ready(&d->dc, events, 0) == -1) {
		lost(d, "TLS handshake failed", conn_failure(&d->dc) != NULL ?
		    conn_failure(&d->dc) : strerror(errno));
		return;
	}
	if (!shaking(d)) {
		timer_stop(x->c.srv->loop, &d->wait);
		log_v(2, "%s: data connection: TLS, session %s", x->c.name,
		    tls_resumed(&d->dc) ? "resumed" : "new");
	}
	start(d);
}

static void
accept_data(struct fdata *d)
{
	struct fclient		*x = d->x;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 name[SOCK_NAME_MAX];
	int			 fd;

	while ((fd = accept4(d->lfd, (struct sockaddr *)&ss, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		if (is_peer(x, (struct sockaddr *)&ss)) {
			close_fd(x, &d->lfd);
			d->fd = fd;
			if (loop_add(x->c.srv->loop, fd, on_data, d) == -1) {
				close(fd);
				d->fd = -1;
				return;
			}
			connected(d);
			return;
		}
		addr_format_sa((struct sockaddr *)&ss, len, name,
		    sizeof(name));
		log_err("%s: data connection from %s refused: not the "
		    "client's address", x->c.name, name);
		sock_close_reset(fd);
		len = sizeof(ss);
	}
}

static void
connect_done(struct fdata *d)
{
	if (sock_connect_result(d->fd) == 0) {
		connected(d);
		return;
	}
	lost(d, "no data connection", strerror(errno));
}

/* TYPE A: a file's LF become CRLF on the wire. */
static int
refill_ascii(struct fdata *d)
{
	char	 in[PIECE / 2], *out;
	ssize_t	 n, i;
	size_t	 k = 0;

	if ((n = read(d->file, in, sizeof(in))) == -1)
		return -1;
	if (n == 0) {
		d->eof = 1;
		return 0;
	}
	if (buf_reserve(&d->buf) == -1)
		return -1;
	out = d->buf.data;
	for (i = 0; i < n; i++) {
		if (in[i] == '\n' && (i > 0 ? in[i - 1] : d->off) != '\r')
			out[k++] = '\r';
		out[k++] = in[i];
	}
	d->off = in[n - 1];	/* the last byte, for a CR before LF */
	d->buf.off = 0;
	d->buf.len = k;
	return 0;
}

static int
refill(struct fdata *d)
{
	ssize_t	n;

	if (d->kind == XFER_RETR && d->ascii)
		return refill_ascii(d);
	if (buf_reserve(&d->buf) == -1)
		return -1;
	/* A binary RETR comes here under TLS: the bytes pass through us. */
	if (d->kind == XFER_RETR)
		n = read(d->file, d->buf.data, BUF_SIZE(&d->buf));
	else
		n = (ssize_t)ftp_list_fill(&d->ls, d->buf.data,
		    BUF_SIZE(&d->buf));
	if (n == -1)
		return -1;
	if (n == 0) {
		buf_free(&d->buf);
		d->eof = 1;
	}
	d->buf.off = 0;
	d->buf.len = (size_t)n;
	return 0;
}

/* Send what the buffer holds; refill it from the listing or file. */
static int
pump(struct fdata *d)
{
	struct fclient	*x = d->x;
	ssize_t		 n;
	int		 i;

	for (i = 0; i < STEPS; i++) {
		if (d->buf.len == 0 && !d->eof && refill(d) == -1)
			return -1;
		if (d->buf.len == 0)
			return d->eof ? 1 : 0;
		n = dwrite(d, d->buf.data + d->buf.off, d->buf.len);
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		buf_consume(&d->buf, (size_t)n);
		d->bytes += (uint64_t)n;
		x->c.active = now_ms();
	}
	return 0;
}

static int
retr_step(struct fdata *d)
{
	ssize_t	n;
	int	i;

	if (d->ascii || d->tls)
		return pump(d);
	for (i = 0; i < STEPS; i++) {
		n = sendfile(d->fd, d->file, &d->off, SEND_CHUNK);
		if (n == 0)
			return 1;
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		d->bytes += (uint64_t)n;
		d->x->c.active = now_ms();
	}
	return 0;
}

/* Upload: what the socket gives goes to the file, no faster. */
static int
stor_step(struct fdata *d)
{
	ssize_t	n, w, done;
	int	i;

	for (i = 0; i < STEPS; i++) {
		n = dread(d, conn_scratch, sizeof(conn_scratch));
		if (n == 0)
			return 1;
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		for (done = 0; done < n; done += w)
			if ((w = write(d->file, conn_scratch + done,
			    (size_t)(n - done))) == -1)
				return -1;
		d->bytes += (uint64_t)n;
		d->x->c.active = now_ms();
	}
	return 0;
}

static void
on_data(struct loop *l, int fd, int events, void *arg)
{
	struct fdata	*d = arg;
	struct fclient	*x = d->x;
	int		 r = 0;

	(void)l;
	if (fd == d->lfd)
		accept_data(d);
	else if (d->connecting)
		connect_done(d);
	else if (shaking(d))
		handshake(d, events);
	else if (d->tls && (events = conn_ready(&d->dc, events, mask(d))) ==
	    -1)
		r = -1;
	else if (d->tls && (events & mask(d)) == 0)
		;	/* the library's own work: nothing to move yet */
	else if (d->kind == XFER_STOR)
		r = stor_step(d);
	else if (d->kind == XFER_RETR)
		r = retr_step(d);
	else if (d->kind != XFER_NONE)
		r = pump(d);
	if (r != 0)
		finish(d, r == 1 ? 0 : errno);
	else if (x->d == d && d->tls)
		start(d);	/* TLS may want the other way now */
	ftp_settle(x);
}

/* Take a transfer: 425 at once if there is no data connection. */
static struct fdata *
take(struct fclient *x, enum xfer kind, const char *what)
{
	struct fdata	*d = x->d;
	char		 path[FTP_PATH_MAX];

	if (x->F->tls_required && !x->prot_p) {
		ftp_reply(x, "521 Data connections must be protected: PROT P");
		return NULL;
	}
	if (d == NULL) {
		ftp_reply(x, "425 Use PASV, EPSV, PORT or EPRT first");
		return NULL;
	}
	if (d->kind != XFER_NONE) {
		ftp_reply(x, "425 A transfer is already running");
		return NULL;
	}
	if (d->prot != x->prot_p) {
		ftp_reply(x, x->F->tls_required ? "521 Data connections must "
		    "be protected: PASV or PORT again after PROT P" :
		    "425 PROT changed since PASV or PORT: send it again");
		ftp_data_free(x);
		return NULL;
	}
	d->kind = kind;
	/* A TYPE sent while it runs is for the next transfer. */
	d->ascii = x->ascii;
	d->logged = 0;
	d->verb = x->verb != NULL ? x->verb : "?";
	if (kind == XFER_LIST)
		what = x->arg != NULL && *x->arg != '\0' ? x->arg : x->cwd;
	else if (ftp_path_resolve(x->cwd, what, path, sizeof(path)) == 0)
		what = path;
	d->path = strdup(what);
	ftp_reply(x, "150 Opening %s mode data connection for %s",
	    x->ascii || kind == XFER_LIST ? "ASCII" : "BINARY",
	    kind == XFER_LIST ? "the listing" : what);
	return d;
}

void
ftp_data_retr(struct fclient *x, int fd, off_t off, const char *name)
{
	struct fdata	*d;

	if ((d = take(x, XFER_RETR, name)) == NULL) {
		close(fd);
		return;
	}
	d->file = fd;
	d->off = d->ascii ? '\n' : off;
	/* sendfile takes the offset; TYPE A and TLS read from here. */
	if (off > 0)
		lseek(fd, off, SEEK_SET);
	start(d);
}

void
ftp_data_stor(struct fclient *x, int fd, const char *name)
{
	struct fdata	*d;

	if ((d = take(x, XFER_STOR, name)) == NULL) {
		close(fd);
		return;
	}
	d->file = fd;
	start(d);
}

void
ftp_data_list(struct fclient *x, struct listing *ls)
{
	struct fdata	*d;

	if ((d = take(x, XFER_LIST, "the listing")) == NULL) {
		ftp_list_close(ls);
		return;
	}
	d->ls = *ls;
	start(d);
}

int
ftp_data_abort(struct fclient *x)
{
	int	busy = ftp_data_busy(x);

	if (busy) {
		xfer_log(x->d, "aborted");
		ftp_reply(x, "426 Transfer aborted");
	}
	ftp_data_free(x);
	return busy;
}
