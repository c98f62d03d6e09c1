/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit relay: every client of LISTEN gets its own connection to
 * TARGET, and two chans carry the bytes both ways until both are done.
 * A half-close is passed on by conn.c; a target that cannot be reached
 * closes only its client.
 */
#include "config.h"

#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_dgram.h"
#include "conn.h"
#include "dial.h"
#include "log.h"
#include "opts.h"
#include "proxy.h"
#include "relay_pty.h"
#include "serial.h"
#include "proxyproto.h"
#include "server.h"
#include "tls.h"
#include "util.h"
#include "ws.h"

struct relay {
	struct common	 co;
	struct server	 srv;
	struct target	 target;	/* TARGET, or the proxy to it */
	char		 tname[SOCK_NAME_MAX];
	struct tls_ctx	*ttls;		/* TARGET speaks TLS; or NULL */
	const char	*thost;		/* whom that TLS verifies */
	const char	*proxy_url;	/* --proxy */
	int		 send_proxy;	/* --send-proxy: 1, 2; 0: none */
	struct proxy	 proxy;
	struct dial_cfg	 dial;		/* how each pair reaches TARGET */
	const struct addr *serial;	/* TARGET is serial:, or NULL */
	struct pair	*owner;		/* the client that has it */
	struct ws_cfg	 tws;		/* TARGET speaks WebSocket */
};

struct pair {
	struct conn	 cli;
	struct conn	 tgt;
	struct chan	 up, down;	/* cli -> tgt, tgt -> cli */
	struct dial	 dial;		/* to the target, until it is up */
};

#define RELAY(s)	container_of((s), struct relay, srv)

static void
pair_close(struct pair *p, const char *why)
{
	struct server	*s = p->cli.srv;
	struct relay	*R = RELAY(s);

	/* A client that the target never took is reset, not ended. */
	if (why != NULL || dial_busy(&p->dial))
		sock_reset_on_close(p->cli.fd);
	dial_cancel(&p->dial);
	if (why != NULL)
		log_err("%s: %s", p->cli.name, why);
	else
		log_v(1, "%s closed: %llu bytes to %s, %llu bytes back",
		    p->cli.name, (unsigned long long)p->cli.rx, R->tname,
		    (unsigned long long)p->cli.tx);
	if (p->tgt.fd != -1) {
		loop_del(s->loop, p->tgt.fd);
		conn_close(&p->tgt);
	}
	if (R->owner == p)
		R->owner = NULL;
	chan_release(&p->up);
	chan_release(&p->down);
	server_detach(s, &p->cli);
	free(p);
}

static void
cli_close(struct server *s, struct conn *c)
{
	(void)s;
	pair_close(container_of(c, struct pair, cli), NULL);
}

/* Both directions are over. */
static int
pair_done(const struct conn *c)
{
	const struct pair	*p = container_of(c, struct pair, cli);

	return p->up.done && p->down.done;
}

static void
settle(struct pair *p)
{
	/*
	 * A line has no half-close: the client's end is the end of its
	 * session, and the device is free for the next one.
	 */
	if (RELAY(p->cli.srv)->serial != NULL && p->up.done && !p->down.eof)
		chan_eof(&p->down);
	/* The target is ours; the client, the server's (it may close). */
	if (!pair_done(&p->cli))
		loop_set(p->cli.srv->loop, p->tgt.fd, conn_interest(&p->tgt));
	server_settle(&p->cli);
}

static int
is_reset(int err)
{
	return err == ECONNRESET || err == ECONNABORTED || err == ETIMEDOUT;
}

static void
pair_reset(struct pair *p)
{
	log_v(1, "%s: %s: resetting the other side", p->cli.name,
	    strerror(is_reset(p->up.err) ? p->up.err : p->down.err));
	sock_reset_on_close(p->cli.fd);
	if (p->tgt.fd != -1)
		sock_reset_on_close(p->tgt.fd);
	pair_close(p, NULL);
}

static void	on_tgt(struct loop *, int, int, void *);

/*
 * The target is up (through the proxy, with TLS, as asked), or cannot
 * be reached.  The client was not read until now: none of its bytes
 * may reach a proxy before the tunnel is up.
 */
static void
on_dialed(struct dial *d, const char *err, void *arg)
{
	struct pair	*p = arg;
	char		 why[512];
	int		 fdmax;

	(void)d;
	if (err != NULL) {
		pair_close(p, err);
		return;
	}
	if (loop_add(p->cli.srv->loop, p->tgt.fd, on_tgt, &p->tgt) == -1) {
		snprintf(why, sizeof(why), "%s: %s", p->tgt.name,
		    strerror(errno));
		pair_close(p, why);
		return;
	}
	log_v(2, "%s: connected to %s", p->cli.name, p->tgt.name);
	/* Plain both ways: the bytes go through pipes, never copied. */
	fdmax = loop_fd_limit(p->cli.srv->loop->backend);
	chan_splice_pipe(&p->up, fdmax);
	chan_splice_pipe(&p->down, fdmax);
	settle(p);
}

/*
 * After traffic: a reset on one side is passed on as a reset, not as
 * a clean EOF that would make a cut-off upload look complete.
 */
static void
after_io(struct pair *p)
{
	char	err[512];

	if (conn_failure(&p->tgt) != NULL) {
		snprintf(err, sizeof(err), "%s: %s", p->tgt.name,
		    conn_failure(&p->tgt));
		pair_close(p, err);
		return;
	}
	if (is_reset(p->up.err) || is_reset(p->down.err)) {
		pair_reset(p);
		return;
	}
	/* Idle means no traffic either way: the timer watches cli. */
	if (p->tgt.active > p->cli.active)
		p->cli.active = p->tgt.active;
	settle(p);
}

/* Both ways moved on by the pair's own steps: -1, settled. */
static int
cli_io(struct conn *c, int events)
{
	conn_io(c, events);
	after_io(container_of(c, struct pair, cli));
	return -1;
}

static const struct client_ops	cli_ops = {
	.io = cli_io,
	.done = pair_done,
	.close = cli_close,
};

static void
on_tgt(struct loop *l, int fd, int events, void *arg)
{
	struct pair	*p = container_of(arg, struct pair, tgt);

	(void)l;
	(void)fd;
	conn_io(&p->tgt, events);
	after_io(p);
}

/*
 * serial:DEVICE as TARGET (ser2net): one client has the device at a
 * time, opened for it and closed after it; the others are refused.
 */
static int
serial_take(struct relay *R, struct pair *p)
{
	char	err[512];
	int	usage;

	if (R->owner != NULL) {
		snprintf(err, sizeof(err), "refused: %s is in use by %s",
		    R->serial->path, R->owner->cli.name);
		pair_close(p, err);
		return 0;
	}
	if (serial_open(R->serial->path, &R->serial->serial, &p->tgt, &usage,
	    err, sizeof(err)) == -1) {
		pair_close(p, err);
		return 0;
	}
	R->owner = p;
	on_dialed(&p->dial, NULL, p);
	return 0;
}

/*
 * --send-proxy: TARGET's first bytes say who the client is (as the
 * server knows it, from its own PROXY header if it took one).
 */
static int
proxy_header(struct server *s, struct pair *p, int fd)
{
	struct sockaddr_storage	 src, dst;
	unsigned char		 hdr[PP_BUILD_MAX];
	socklen_t		 len = sizeof(dst);
	size_t			 n;
	int			 got;

	got = server_peer(s, fd, &src, &len) == 0;
	len = sizeof(dst);
	if (getsockname(fd, (struct sockaddr *)&dst, &len) == -1)
		got = 0;
	n = pp_build(RELAY(s)->send_proxy, got ? (struct sockaddr *)&src :
	    NULL, got ? (struct sockaddr *)&dst : NULL, hdr);
	return buf_append(&p->up.buf, hdr, n);
}

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct relay	*R = RELAY(s);
	struct pair	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	conn_init(&p->cli, fd, name);
	conn_init(&p->tgt, -1, R->tname);
	chan_init(&p->up, &p->cli, &p->tgt, NULL);
	chan_init(&p->down, &p->tgt, &p->cli, NULL);
	if (R->send_proxy && proxy_header(s, p, fd) == -1) {
		free(p);
		return -1;
	}
	if (server_attach(s, &p->cli, &cli_ops) == -1) {
		buf_free(&p->up.buf);
		free(p);
		return -1;
	}
	if (R->serial != NULL)
		return serial_take(R, p);
	dial_start(&p->dial, s->loop, &R->dial, &p->tgt, on_dialed, p);
	return 0;
}

/* A signal: read no more, deliver what is in flight, then go. */
static void
drain(struct server *s, struct conn *c)
{
	struct pair	*p = container_of(c, struct pair, cli);

	(void)s;
	if (dial_busy(&p->dial)) {
		pair_close(p, NULL);
		return;
	}
	chan_eof(&p->up);
	chan_eof(&p->down);
	settle(p);
}

static void
on_stop(struct server *s)
{
	server_each(s, drain);
}

/*
 * TLS toward TARGET.  --cert and --key are the server's when LISTEN
 * takes TLS too; else they are what the relay shows TARGET.
 */
static int
relay_tls(struct relay *R, const struct addr *ta, int both, char *err,
    size_t errlen)
{
	struct tls_opts	o = R->co.tls;

	if (both)
		o.cert = o.key = NULL;
	R->thost = ta->kind == ADDR_TCP ? ta->host : NULL;
	R->ttls = tls_ctx_new(&o, 0, opts_handshake_ms(&R->co), err, errlen);
	return R->ttls != NULL ? 0 : -1;
}

static const struct opt_spec relay_opts[] = {
	{ "proxy", OPT_PROXY, required_argument, "URL",
	    "reach TARGET through socks5://, socks5h://\n"
	    "or http:// [USER:PASS@]HOST[:PORT]" },
	{ "send-proxy", OPT_SEND_PROXY, optional_argument, "[=v1|v2]",
	    "send TARGET a PROXY header first (v2)" },
	{ NULL, 0, 0, NULL, NULL }
};

static int
relay_opt(int ch, const char *arg, void *ctx, const char **why)
{
	struct relay	*R = ctx;

	if (ch == OPT_SEND_PROXY) {
		if (arg == NULL || strcmp(arg, "v2") == 0)
			R->send_proxy = 2;
		else if (strcmp(arg, "v1") == 0)
			R->send_proxy = 1;
		else {
			*why = "not v1 or v2";
			return -1;
		}
		return 0;
	}
	if (ch != OPT_PROXY)
		return 1;
	R->proxy_url = arg;
	return 0;
}

static int
serial_relay(const struct cmd *cmd, struct relay *R, const struct addr *la,
    const struct addr *ta)
{
	char	err[512];

	if (R->proxy_url != NULL || R->co.source != NULL || R->send_proxy ||
	    R->co.retry != 0)
		usage_error(cmd, "%s: %s is for sockets", R->tname,
		    R->proxy_url != NULL ? "--proxy" : R->co.source != NULL ?
		    "-s" : R->send_proxy ? "--send-proxy" : "--retry");
	if (serial_check(ta->path, err, sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	R->serial = ta;
	R->srv.co = &R->co;
	R->srv.on_accept = on_accept;
	R->srv.on_stop = on_stop;
	R->srv.on_idle = cli_close;
	cmd_serve_open(cmd, &R->srv, la);
	cmd_serve(&R->srv, cli_close);
	return 0;
}

static int
relay_exec(const struct cmd *cmd, int argc, char **argv)
{
	/* Lives as long as the process: static, never freed. */
	static struct relay	 R_;
	struct relay		*R = &R_;
	struct addr	 la, ta;
	char		 err[512];
	int		 n, usage;

	n = cmd_parse(cmd, argc, argv, relay_opt, R, &R->co);
	if (argc - n != 2)
		usage_error(cmd, argc - n < 2 ? "need LISTEN and TARGET, one "
		    "argument each" : "too many arguments: %s (LISTEN and "
		    "TARGET are one argument each: HOST:PORT)", argv[n + 2]);
	if (opts_address(&R->co, 1, 1, argv + n, &la, err, sizeof(err)) == -1 ||
	    opts_address(&R->co, 0, 1, argv + n + 1, &ta, err,
	    sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	/* A datagram session takes its upstream socket only. */
	if (la.dgram)
		R->co.per_client = 1;
	if (opts_check_server(&R->co, &la, err, sizeof(err)) == -1 ||
	    opts_check_tls(&R->co, la.tls, ta.tls, err, sizeof(err)) == -1 ||
	    opts_check_ws(&R->co, la.ws, ta.ws, err, sizeof(err)) == -1)
		usage_error(cmd, "%s", err);
	/* A datagram has no stream to go into, nor a stream a datagram. */
	if (la.dgram != ta.dgram)
		usage_error(cmd, "%s is %s but %s is %s: both or neither "
		    "must be datagrams", argv[n], la.dgram ? "datagrams" :
		    "a stream", argv[n + 1], ta.dgram ? "datagrams" :
		    "a stream");
	/* haproxy reads the header before TLS; ours would go inside. */
	if (R->send_proxy && (ta.tls || ta.dgram))
		usage_error(cmd, "--send-proxy: not with %s TARGET",
		    ta.tls ? "a TLS" : "a datagram");
	if (ta.tls && relay_tls(R, &ta, la.tls, err, sizeof(err)) == -1)
		fatal("%s", err);
	strlcpy(R->tname, argv[n + 1], sizeof(R->tname));
	if (ta.kind == ADDR_SERIAL && la.kind == ADDR_PTY)
		usage_error(cmd, "%s to %s: a pty to a serial device is not "
		    "carried", argv[n], argv[n + 1]);
	/* The device has one user at a time: one process must hold it. */
	if (ta.kind == ADDR_SERIAL && R->co.workers > 1)
		usage_error(cmd, "--workers: not with %s (one client at a "
		    "time has the device)", argv[n + 1]);
	if (ta.kind == ADDR_SERIAL)
		return serial_relay(cmd, R, &la, &ta);
	/* The proxy stands in for TARGET: it is what each client dials. */
	if (R->proxy_url != NULL ? dial_proxy(R->proxy_url, &ta, R->co.family,
	    R->co.source, &R->proxy, &R->target, &usage, err,
	    sizeof(err)) == -1 :
	    sock_target(&ta, &R->target, &usage, err, sizeof(err)) == -1 ||
	    (R->co.source != NULL && sock_source(&R->target, R->co.source,
	    &usage, err, sizeof(err)) == -1)) {
		if (usage)
			usage_error(cmd, "%s", err);
		fatal("%s", err);
	}
	if (la.dgram) {
		n = dgram_relay_run(cmd, &R->co, &la, &R->target, R->tname);
		sock_target_free(&R->target);
		return n;
	}
	R->dial.target = &R->target;
	R->dial.proxy = R->proxy_url != NULL ? &R->proxy : NULL;
	R->dial.tls = R->ttls;
	R->dial.tls_host = R->thost;
	R->dial.wait_ms = R->co.wait_ms;
	R->dial.retry = R->co.retry;
	R->dial.retry_max_ms = R->co.retry_max_ms;
	R->dial.keepalive = &R->co.keepalive;
	if (ta.ws) {
		ws_cfg_init(&R->tws, &R->co, &ta, 0, opts_handshake_ms(&R->co));
		R->dial.ws = &R->tws;
	}
	/* One terminal, one connection: nobody's address to pass on. */
	if (la.kind == ADDR_PTY && R->send_proxy)
		usage_error(cmd, "--send-proxy: not with %s (a terminal has no "
		    "address)", argv[n]);
	if (la.kind == ADDR_PTY)
		return relay_pty_run(&R->co, la.path, &R->dial, R->tname);
	R->srv.co = &R->co;
	R->srv.on_accept = on_accept;
	R->srv.on_stop = on_stop;
	R->srv.on_idle = cli_close;
	cmd_serve_open(cmd, &R->srv, &la);
	cmd_serve(&R->srv, cli_close);
	sock_target_free(&R->target);
	tls_ctx_free(R->ttls);
	return 0;
}

const struct cmd cmd_relay = {
	.name = "relay",
	.args = "[options] LISTEN TARGET",
	.summary = "forward each client of LISTEN to TARGET, both ways",
	.opts = relay_opts,
	.note = "(-w is the connect timeout to TARGET; -x counts client pairs)",
	.flags = GROUP_SERVER | GROUP_WORKERS | GROUP_CLIENT | GROUP_WATCH | GROUP_IDLE | CMD_PAIRS,
	.per_client = 2,	/* the client and its TARGET */
	.serves = KIND_STREAM | KIND_DGRAM | KIND_TLS |
	    KIND_SYSTEMD | KIND_PTY | KIND_WS,
	.dials = KIND_STREAM | KIND_DGRAM | KIND_TLS | KIND_WS | KIND_SERIAL,
	.exec = relay_exec
};
