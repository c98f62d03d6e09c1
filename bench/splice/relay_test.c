/*
 * relay_test: a small relay with two interchangeable data paths, to
 * measure whether splice(2) through a pipe beats sockit's read() into a
 * buffer and write() out.  Everything else (non-blocking sockets,
 * select() readiness, TCP_NODELAY, half-close handling) is the same in
 * both modes, so that only the data path differs.
 *
 *   relay_test [-ev] [-m copy|splice] [-p PIPESZ] [-s SNDBUF] [-n N]
 *	[-r FD] [-l LISTEN] TARGET
 *
 * LISTEN (default 127.0.0.1:0) and TARGET are HOST:PORT or unix:PATH.
 * Once listening, the address and a newline go to FD (default 1).  N
 * clients (default 1; iperf3 needs 2: control and data) are accepted,
 * each relayed to its own connection to TARGET until both directions
 * have ended; then the program exits.  -p sets the pipe size of splice
 * mode (default 1 MiB); -e makes splice mode read only into an empty
 * pipe, the policy of copy mode and sockit.  -s sets SO_SNDBUF on the
 * unix sockets (a control: see README.md).  -v: byte counts and how
 * often each slow path was taken go to stderr at the end.
 */
#define _GNU_SOURCE
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_CAP		(256 * 1024)	/* sockit's BUF_CAP */
#define MAX_PAIRS	8
#define SPLICE_FL	(SPLICE_F_MOVE | SPLICE_F_NONBLOCK)

enum mode { M_COPY, M_SPLICE };

/* One direction of a pair: bytes from src go to dst. */
struct dir {
	int		 src, dst;
	int		 eof;		/* nothing more will come from src */
	int		 done;		/* EOF passed on, or dst failed */
	int		 full;		/* splice: the pipe took no more */
	char		*buf;		/* copy: what dst did not take */
	size_t		 off, len;
	int		 pfd[2];	/* splice: the pipe's read, write end */
	size_t		 inpipe;	/* splice: bytes waiting in it */
	uint64_t	 bytes;		/* taken from src */
};

struct pair {
	int		 used;
	int		 cli, tgt;
	struct dir	 up, down;	/* cli -> tgt, tgt -> cli */
};

static struct {
	uint64_t	 in, out;	/* read()/splice() calls by direction */
	uint64_t	 in_again;	/* ... that found nothing to move */
	uint64_t	 out_again;
	uint64_t	 short_out;	/* dst took part, the rest must wait */
	uint64_t	 pipe_full;
	uint64_t	 selects;
} st;

static enum mode	 mode = M_COPY;
static size_t		 pipesz = 1024 * 1024;
static int		 only_empty;
static int		 unix_sndbuf;
/* As in sockit: one scratch buffer shared by every direction. */
static char		 scratch[BUF_CAP];

static void
usage(void)
{
	fprintf(stderr, "usage: relay_test [-ev] [-m copy|splice] "
	    "[-p PIPESZ] [-s SNDBUF] [-n N] [-r FD] [-l LISTEN] TARGET\n");
	exit(2);
}

/* HOST:PORT or unix:PATH into a sockaddr; returns its length. */
static socklen_t
parse_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)ss;
	struct addrinfo		 hints, *ai;
	char			 host[256];
	const char		*colon;
	socklen_t		 len;
	int			 e;

	memset(ss, 0, sizeof(*ss));
	if (strncmp(s, "unix:", 5) == 0) {
		if (strlen(s + 5) >= sizeof(sun->sun_path))
			errx(2, "%s: path too long", s);
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, s + 5);
		return sizeof(*sun);
	}
	if ((colon = strrchr(s, ':')) == NULL ||
	    (size_t)(colon - s) >= sizeof(host))
		errx(2, "%s: want HOST:PORT or unix:PATH", s);
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(host, colon + 1, &hints, &ai)) != 0)
		errx(2, "%s: %s", s, gai_strerror(e));
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return len;
}

/* Non-blocking, and no Nagle on TCP: what sockit does to its sockets. */
static void
tune(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	int			on = 1;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		err(1, "fcntl");
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	/*
	 * Unix stream sockets do not autotune: they keep wmem_default
	 * (208 KiB), so a 256 KiB read takes two writes and a select()
	 * round.  -s shows how much of the difference that is.
	 */
	else if (unix_sndbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &unix_sndbuf,
		    sizeof(unix_sndbuf));
}

static void
dir_init(struct dir *d, int src, int dst)
{
	memset(d, 0, sizeof(*d));
	d->src = src;
	d->dst = dst;
	d->pfd[0] = d->pfd[1] = -1;
	if (mode == M_COPY) {
		/*
		 * sockit mallocs this when a write falls short and frees it
		 * once empty; here it lives as long as the pair, so that
		 * malloc does not blur the comparison.
		 */
		if ((d->buf = malloc(BUF_CAP)) == NULL)
			err(1, "malloc");
		return;
	}
	if (pipe2(d->pfd, O_NONBLOCK | O_CLOEXEC) == -1)
		err(1, "pipe2");
	/* The kernel rounds up to a power of two pages; keep its answer. */
	if (fcntl(d->pfd[1], F_SETPIPE_SZ, (int)pipesz) == -1)
		err(1, "F_SETPIPE_SZ %zu", pipesz);
	pipesz = fcntl(d->pfd[1], F_GETPIPE_SZ);
}

static void
dir_free(struct dir *d)
{
	free(d->buf);
	if (d->pfd[0] != -1) {
		close(d->pfd[0]);
		close(d->pfd[1]);
	}
}

static size_t
pending(const struct dir *d)
{
	return mode == M_COPY ? d->len : d->inpipe;
}

static int
wants_read(const struct dir *d)
{
	if (d->eof || d->done)
		return 0;
	/* Copy, like sockit: read again once the last read has gone on. */
	if (mode == M_COPY || only_empty)
		return pending(d) == 0;
	return !d->full && d->inpipe < pipesz;
}

/* dst is gone: what waits for it, and what src still has, is dropped. */
static void
dir_abort(struct dir *d, const char *what)
{
	warn("%s", what);
	d->eof = d->done = 1;
	d->len = d->inpipe = 0;
}

/* Pass EOF on once everything before it is out. */
static void
dir_settle(struct dir *d)
{
	if (!d->eof || d->done || pending(d) > 0)
		return;
	shutdown(d->dst, SHUT_WR);
	d->done = 1;
}

/* Copy: write up to n bytes of p to dst; bytes taken, -1 on failure. */
static ssize_t
put(struct dir *d, const char *p, size_t n)
{
	ssize_t	w;

	st.out++;
	if ((w = write(d->dst, p, n)) == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			st.out_again++;
			return 0;
		}
		dir_abort(d, "write");
		return -1;
	}
	return w;
}

static void
copy_out(struct dir *d)
{
	ssize_t	w;

	if ((w = put(d, d->buf + d->off, d->len)) > 0) {
		d->off += w;
		d->len -= w;
	}
}

static void
copy_in(struct dir *d)
{
	ssize_t	n, w;

	st.in++;
	n = read(d->src, scratch, sizeof(scratch));
	if (n > 0) {
		d->bytes += n;
		/* Straight on from the scratch buffer; keep only the rest. */
		if ((w = put(d, scratch, n)) >= 0 && w < n) {
			st.short_out++;
			memcpy(d->buf, scratch + w, n - w);
			d->off = 0;
			d->len = n - w;
		}
	} else if (n == 0)
		d->eof = 1;
	else if (errno == EAGAIN || errno == EINTR)
		st.in_again++;
	else
		d->eof = 1;	/* a reset: what came before still goes on */
}

static void
splice_out(struct dir *d)
{
	ssize_t	n;

	st.out++;
	n = splice(d->pfd[0], NULL, d->dst, NULL, d->inpipe, SPLICE_FL);
	if (n > 0) {
		d->inpipe -= n;
		d->full = 0;
		if (d->inpipe > 0)
			st.short_out++;
	} else if (n == -1 && (errno == EAGAIN || errno == EINTR))
		st.out_again++;
	else if (n == -1)
		dir_abort(d, "splice to dst");
}

static void
splice_in(struct dir *d)
{
	ssize_t	n;

	st.in++;
	n = splice(d->src, NULL, d->pfd[1], NULL, pipesz - d->inpipe,
	    SPLICE_FL);
	if (n > 0) {
		d->bytes += n;
		d->inpipe += n;
		/* Straight on, as copy mode writes straight on. */
		splice_out(d);
	} else if (n == 0)
		d->eof = 1;
	else if (errno == EAGAIN || errno == EINTR) {
		/*
		 * A pipe slot holds at most one page, and TCP hands over
		 * fragments, so the pipe can be full with fewer than pipesz
		 * bytes in it.  EAGAIN with data waiting may mean just that:
		 * read no more until some has gone out, or select() would
		 * report src readable forever.
		 */
		st.in_again++;
		if (d->inpipe > 0) {
			d->full = 1;
			st.pipe_full++;
		}
	} else
		d->eof = 1;
}

static int
pair_open(struct pair *p, int cli, const struct sockaddr_storage *ta,
    socklen_t talen)
{
	int	tgt;

	/* Blocking connect: the target is local, and this is no server. */
	if ((tgt = socket(ta->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
	    -1)
		err(1, "socket");
	if (connect(tgt, (const struct sockaddr *)ta, talen) == -1) {
		warn("connect");
		close(tgt);
		return -1;
	}
	tune(cli);
	tune(tgt);
	p->used = 1;
	p->cli = cli;
	p->tgt = tgt;
	dir_init(&p->up, cli, tgt);
	dir_init(&p->down, tgt, cli);
	return 0;
}

static void
pair_close(struct pair *p, int verbose)
{
	if (verbose)
		fprintf(stderr, "pair: %" PRIu64 " bytes up, %" PRIu64
		    " down\n", p->up.bytes, p->down.bytes);
	dir_free(&p->up);
	dir_free(&p->down);
	close(p->cli);
	close(p->tgt);
	p->used = 0;
}

static void
watch(int fd, fd_set *set, int *maxfd)
{
	if (fd >= FD_SETSIZE)
		errx(1, "fd %d too large for select()", fd);
	FD_SET(fd, set);
	if (fd > *maxfd)
		*maxfd = fd;
}

/* One direction's share of the select() result, sockit's order. */
static void
dir_run(struct dir *d, const fd_set *r, const fd_set *w)
{
	if (!d->done && pending(d) > 0 && FD_ISSET(d->dst, w))
		(mode == M_COPY ? copy_out : splice_out)(d);
	if (wants_read(d) && FD_ISSET(d->src, r))
		(mode == M_COPY ? copy_in : splice_in)(d);
	dir_settle(d);
}

static int
listen_on(const char *s, int readyfd)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	socklen_t		 len;
	char			 host[INET6_ADDRSTRLEN], line[256];
	int			 fd, on = 1;

	len = parse_addr(s, &ss);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (ss.ss_family == AF_UNIX)
		unlink(((struct sockaddr_un *)&ss)->sun_path);
	else
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		err(1, "bind %s", s);
	if (listen(fd, 16) == -1)
		err(1, "listen");
	/* Port 0: the caller needs the one the kernel chose. */
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		err(1, "getsockname");
	if (ss.ss_family == AF_UNIX)
		snprintf(line, sizeof(line), "%s\n", s + 5);
	else if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(line, sizeof(line), "%s:%u\n", host,
		    ntohs(sin->sin_port));
	} else {
		struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(line, sizeof(line), "[%s]:%u\n", host,
		    ntohs(s6->sin6_port));
	}
	if (write(readyfd, line, strlen(line)) == -1)
		err(1, "ready fd %d", readyfd);
	if (readyfd != 1)
		close(readyfd);
	return fd;
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage	 ta;
	struct pair		 pairs[MAX_PAIRS];
	fd_set			 r, w;
	const char		*laddr = "127.0.0.1:0";
	socklen_t		 talen;
	int			 c, i, lfd, cli, maxfd, live = 0;
	int			 want = 1, accepted = 0, readyfd = 1;
	int			 verbose = 0;

	while ((c = getopt(argc, argv, "el:m:n:p:r:s:v")) != -1) {
		switch (c) {
		case 'e':
			only_empty = 1;
			break;
		case 'l':
			laddr = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "copy") == 0)
				mode = M_COPY;
			else if (strcmp(optarg, "splice") == 0)
				mode = M_SPLICE;
			else
				usage();
			break;
		case 'n':
			want = atoi(optarg);
			if (want < 1 || want > MAX_PAIRS)
				usage();
			break;
		case 'p':
			pipesz = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			readyfd = atoi(optarg);
			break;
		case 's':
			unix_sndbuf = atoi(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	/* A peer that went away must give EPIPE, not kill the relay. */
	signal(SIGPIPE, SIG_IGN);
	talen = parse_addr(argv[optind], &ta);
	memset(pairs, 0, sizeof(pairs));
	lfd = listen_on(laddr, readyfd);

	while (accepted < want || live > 0) {
		FD_ZERO(&r);
		FD_ZERO(&w);
		maxfd = -1;
		if (accepted < want)
			watch(lfd, &r, &maxfd);
		for (i = 0; i < MAX_PAIRS; i++) {
			struct dir	*d[2];
			int		 k;

			if (!pairs[i].used)
				continue;
			d[0] = &pairs[i].up;
			d[1] = &pairs[i].down;
			for (k = 0; k < 2; k++) {
				if (wants_read(d[k]))
					watch(d[k]->src, &r, &maxfd);
				if (!d[k]->done && pending(d[k]) > 0)
					watch(d[k]->dst, &w, &maxfd);
			}
		}
		st.selects++;
		if (select(maxfd + 1, &r, &w, NULL, NULL) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "select");
		}
		if (accepted < want && FD_ISSET(lfd, &r)) {
			cli = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (cli == -1)
				err(1, "accept");
			accepted++;
			for (i = 0; i < MAX_PAIRS && pairs[i].used; i++)
				;
			if (pair_open(&pairs[i], cli, &ta, talen) == 0)
				live++;
			else
				close(cli);
			if (accepted == want) {
				close(lfd);
				if (strncmp(laddr, "unix:", 5) == 0)
					unlink(laddr + 5);
			}
		}
		for (i = 0; i < MAX_PAIRS; i++) {
			if (!pairs[i].used)
				continue;
			dir_run(&pairs[i].up, &r, &w);
			dir_run(&pairs[i].down, &r, &w);
			if (pairs[i].up.done && pairs[i].down.done) {
				pair_close(&pairs[i], verbose);
				live--;
			}
		}
	}
	if (verbose)
		fprintf(stderr, "%s: in %" PRIu64 " (%" PRIu64 " EAGAIN), "
		    "out %" PRIu64 " (%" PRIu64 " EAGAIN), short out %"
		    PRIu64 ", pipe full %" PRIu64 ", pipe %zu, select %"
		    PRIu64 "\n", mode == M_COPY ? "copy" : "splice", st.in,
		    st.in_again, st.out, st.out_again, st.short_out,
		    st.pipe_full, mode == M_COPY ? (size_t)0 : pipesz,
		    st.selects);
	return 0;
}
