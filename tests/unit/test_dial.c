/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The connector on real sockets: a candidate that never answers (a
 * listener whose accept queue is full, so the kernel drops our SYNs)
 * does not hold up the next one, which starts 250 ms later without
 * waiting for the first to fail (RFC 8305); -w bounds the whole dial;
 * --retry's pauses double from 100 ms with 20 % of jitter.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conn.h"
#include "dial.h"
#include "loop.h"
#include "util.h"

/* A listener on 127.0.0.1, port 0, with backlog n; its port in *port. */
static int
listener(int n, unsigned *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, n) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		fail_msg("listener: %s", strerror(errno));
	*port = ntohs(sin.sin_port);
	return fd;
}

static int
connect_to(unsigned port, int nonblock)
{
	struct sockaddr_in	sin;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd == -1 || (connect(fd, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1 && errno != EINPROGRESS))
		fail_msg("connect: %s", strerror(errno));
	return fd;
}

/*
 * A listener that never answers: backlog 0 and one connection queued
 * fill its accept queue, and the kernel drops further SYNs.  A probe
 * shows it does.  fds[0] the listener, fds[1] the filler.
 */
static unsigned
black_hole(int fds[2])
{
	struct pollfd	pfd;
	unsigned	port;

	fds[0] = listener(0, &port);
	fds[1] = connect_to(port, 0);
	pfd.fd = connect_to(port, 1);
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, 500) != 0)
		fail_msg("the kernel answers a full accept queue here");
	close(pfd.fd);
	return port;
}

/* Candidates 127.0.0.1:port[0], ..., as a name resolving to all. */
static void
candidates(struct target *t, const unsigned *port, int n)
{
	struct addrinfo	 hints, *ai, **tail = &t->ai;
	char		 serv[8];
	int		 i;

	memset(t, 0, sizeof(*t));
	t->addr.kind = ADDR_TCP;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	for (i = 0; i < n; i++) {
		snprintf(serv, sizeof(serv), "%u", port[i]);
		if (getaddrinfo("127.0.0.1", serv, &hints, &ai) != 0)
			fail_msg("getaddrinfo");
		*tail = ai;
		tail = &ai->ai_next;
	}
}

static unsigned
peer_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	if (getpeername(fd, (struct sockaddr *)&sin, &len) == -1)
		return 0;
	return ntohs(sin.sin_port);
}

/* Dial t with -w wait_ms: 0 or -1, err filled; *ms how long it took. */
static int
dial(struct target *t, int64_t wait_ms, struct conn *c, char *err,
    size_t errlen, int64_t *ms)
{
	struct dial_cfg	 cfg = { .target = t, .wait_ms = wait_ms };
	struct loop	*l;
	int64_t		 start = now_ms();
	int		 r;

	if ((l = loop_new(LOOP_SELECT, err, errlen)) == NULL)
		fail_msg("loop_new: %s", err);
	conn_init(c, -1, "target");
	r = dial_run(l, &cfg, c, err, errlen);
	*ms = now_ms() - start;
	loop_free(l);
	return r;
}

/* The first never answers: the second, started 250 ms on, wins. */
static void
second_wins(void **state)
{
	struct target	t;
	struct conn	c;
	char		err[512];
	int		hole[2], good;
	unsigned	hport, gport;
	int64_t		ms;

	(void)state;
	hport = black_hole(hole);
	good = listener(8, &gport);
	candidates(&t, (unsigned[]){ hport, gport }, 2);
	/* Without the head start, the first try would wait out all 20 s. */
	if (dial(&t, 20000, &c, err, sizeof(err), &ms) == -1)
		fail_msg("dial: %s", err);
	assert_int_equal(peer_port(c.fd), gport);
	assert_true(ms >= 250);
	close(c.fd);
	sock_target_free(&t);
	close(good);
	close(hole[0]);
	close(hole[1]);
}

/* A refused first try starts the next at once. */
static void
refused_then_next(void **state)
{
	struct target	t;
	struct conn	c;
	char		err[512];
	int		good, gone;
	unsigned	gport, rport;
	int64_t		ms;

	(void)state;
	gone = listener(1, &rport);
	close(gone);
	good = listener(8, &gport);
	candidates(&t, (unsigned[]){ rport, gport }, 2);
	if (dial(&t, 20000, &c, err, sizeof(err), &ms) == -1)
		fail_msg("dial: %s", err);
	assert_int_equal(peer_port(c.fd), gport);
	close(c.fd);
	sock_target_free(&t);
	close(good);
}

/* Neither answers: -w ends the whole dial, not each try. */
static void
wait_bounds_all(void **state)
{
	struct target	t;
	struct conn	c;
	char		err[512], want[64];
	int		hole[2];
	unsigned	hport;
	int64_t		ms;

	(void)state;
	hport = black_hole(hole);
	candidates(&t, (unsigned[]){ hport, hport, hport }, 3);
	assert_int_equal(dial(&t, 500, &c, err, sizeof(err), &ms), -1);
	snprintf(want, sizeof(want), "connect 127.0.0.1:%u: %s", hport,
	    strerror(ETIMEDOUT));
	assert_string_equal(err, want);
	assert_true(ms >= 500);
	/* Not 3 x 500: the later tries shared the first one's deadline. */
	assert_true(ms < 1500);
	assert_int_equal(c.fd, -1);
	sock_target_free(&t);
	close(hole[0]);
	close(hole[1]);
}

/* 100 ms doubling to the max, each pause within 20 % of its step. */
static void
backoff_steps(void **state)
{
	int64_t	step, p;
	int	n, k;

	(void)state;
	for (k = 0; k < 50; k++)
		for (n = 0, step = 100; n < 12; n++) {
			p = dial_backoff(n, 1500);
			assert_true(p >= step * 80 / 100);
			assert_true(p <= step * 120 / 100);
			step = step * 2 > 1500 ? 1500 : step * 2;
		}
	/* 0: the default maximum, 10 s. */
	p = dial_backoff(30, 0);
	assert_true(p >= 8000 && p <= 12000);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(second_wins),
		cmocka_unit_test(refused_then_next),
		cmocka_unit_test(wait_bounds_all),
		cmocka_unit_test(backoff_steps),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
