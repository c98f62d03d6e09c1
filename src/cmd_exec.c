/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit exec: run PROGRAM for each client, with the accepted socket
 * itself as its stdin and stdout (ucspi-tcp's tcpserver, inetd).
 * sockit carries no byte: it accepts, spawns, closes its copy of the
 * socket and reaps.  A running child is a client of the server, held
 * in the table by a ticket (a descriptor of /dev/null, never watched),
 * so that --max-conns, the descriptor budget and the stop sequence of
 * server.c count children.  Children end through SIGCHLD on the loop's
 * self-pipe; a pid is safe to signal until we reap it.
 *
 * With TLS the program cannot own the socket: it gets one end of a
 * socketpair, and sockit carries the bytes between the TLS client and
 * the other end with two chans, as relay does; the client conn is then
 * the one in the table, until both ways are done and the child reaped.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "pty.h"
#include "server.h"
#include "sock.h"
#include "spawner.h"
#include "util.h"

extern char	**environ;

#define ENV_OWN		5		/* the variables set per child */
#define ENV_LEN		(INET6_ADDRSTRLEN + 32)

struct exec {
	struct common		 co;
	struct server		 srv;
	char			**prog;		/* PROGRAM ARG... */
	char			 path[4096];	/* PROGRAM, found in PATH */
	char			**env;		/* environ less ours, + ENV_OWN */
	int			 nenv;		/* inherited entries */
	char			 own[ENV_OWN][ENV_LEN];
	const char		*name;		/* the client being spawned */
	int			 pty;		/* --pty */
	char			 slave[64];	/* the latest pty's */
	struct winsize		 ws;		/* --pty-size */
	int			 pty_size;	/* given */
};

struct child {
	struct conn	c;		/* the ticket; with TLS, the client */
	pid_t		pid;		/* -1 once reaped */
	int		tls;		/* TLS or a pty: sockit carries */
	struct conn	prog;		/* then: our end of the program's */
	struct chan	up, down;	/* client -> program, program -> client */
};

/* Names the child gets from us: an inherited one would mislead it. */
static int
ours(const char *e)
{
	static const char	*names[] = {
		"PROTO=", "TCPREMOTEIP=", "TCPREMOTEPORT=", "TCPLOCALIP=",
		"TCPLOCALPORT=", "TCPREMOTEHOST=", "TCPLOCALHOST=",
		"TCPREMOTEINFO=", "UNIXREMOTEPID=", "UNIXREMOTEEUID=",
		"UNIXREMOTEEGID="
	};
	size_t			 i;

	for (i = 0; i < NELEM(names); i++)
		if (strncmp(e, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

static int
env_setup(struct exec *X)
{
	size_t	n = 0, i;

	while (environ[n] != NULL)
		n++;
	if ((X->env = calloc(n + ENV_OWN + 1, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (!ours(environ[i]))
			X->env[X->nenv++] = environ[i];
	return 0;
}

/* IP and port of sa as ucspi writes them: IPv4 plainly, IPv6 bare. */
static void
ip_port(const struct sockaddr_storage *ss, socklen_t len, char *ip,
    size_t iplen, char *port, size_t portlen)
{
	struct sockaddr_in		 sin;
	const struct sockaddr_in6	*s6 = (const void *)ss;
	const struct sockaddr		*sa = (const void *)ss;

	if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = s6->sin6_port;
		memcpy(&sin.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
		sa = (const void *)&sin;
		len = sizeof(sin);
	}
	if (getnameinfo(sa, len, ip, iplen, port, portlen,
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		strlcpy(ip, "?", iplen);
		strlcpy(port, "0", portlen);
	}
}

/* The ucspi variables of the client on fd, after the inherited ones. */
static void
env_client(struct exec *X, int fd)
{
	struct sockaddr_storage	 ss;
	struct ucred		 cr;
	socklen_t		 len;
	char			 ip[INET6_ADDRSTRLEN], port[16];
	char			**e = X->env + X->nenv;
	int			 i = 0, k;

	if (X->srv.lis.kind == ADDR_TCP) {
		strlcpy(X->own[i++], "PROTO=TCP", ENV_LEN);
		/* Behind a proxy (--accept-proxy): the client it carried. */
		if (server_peer(&X->srv, fd, &ss, &len) == -1)
			memset(&ss, 0, len = sizeof(ss));
		ip_port(&ss, len, ip, sizeof(ip), port, sizeof(port));
		snprintf(X->own[i++], ENV_LEN, "TCPREMOTEIP=%s", ip);
		snprintf(X->own[i++], ENV_LEN, "TCPREMOTEPORT=%s", port);
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
			memset(&ss, 0, len = sizeof(ss));
		ip_port(&ss, len, ip, sizeof(ip), port, sizeof(port));
		snprintf(X->own[i++], ENV_LEN, "TCPLOCALIP=%s", ip);
		snprintf(X->own[i++], ENV_LEN, "TCPLOCALPORT=%s", port);
	} else {
		strlcpy(X->own[i++], "PROTO=UNIX", ENV_LEN);
		len = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0) {
			snprintf(X->own[i++], ENV_LEN, "UNIXREMOTEPID=%ld",
			    (long)cr.pid);
			snprintf(X->own[i++], ENV_LEN, "UNIXREMOTEEUID=%lu",
			    (unsigned long)cr.uid);
			snprintf(X->own[i++], ENV_LEN, "UNIXREMOTEEGID=%lu",
			    (unsigned long)cr.gid);
		}
	}
	for (k = 0; k < i; k++)
		e[k] = X->own[k];
	e[i] = NULL;
}

/*
 * Run PROGRAM on io; the environment describes client socket cfd.  With
 * wait, a failed exec is our error now (spawner.h).
 */
static pid_t
spawn(struct exec *X, int cfd, int io, const char *name, int wait)
{
	struct spawn	sp;
	int		fl;

	/* Ours is non-blocking; the program expects an ordinary socket. */
	if ((fl = fcntl(io, F_GETFL)) == -1 ||
	    fcntl(io, F_SETFL, fl & ~O_NONBLOCK) == -1)
		return -1;
	env_client(X, cfd);
	X->name = name;
	memset(&sp, 0, sizeof(sp));
	sp.path = X->path;
	sp.argv = X->prog;
	sp.envp = X->env;
	sp.in = sp.out = io;
	sp.wait = wait;
	return spawn_start(&sp);
}

/* Never called: a ticket is in the loop with no interest. */
static int
ticket_io(struct conn *c, int events)
{
	(void)c;
	(void)events;
	return -1;
}

static const struct client_ops	ticket_ops = {
	.io = ticket_io,
};

/* Both ways done and the child reaped: the client goes. */
static void
tls_settle(struct child *ch)
{
	struct server	*s = ch->c.srv;

	if (!ch->up.done || !ch->down.done) {
		loop_set(s->loop, ch->c.fd, conn_interest(&ch->c));
		loop_set(s->loop, ch->prog.fd, conn_interest(&ch->prog));
		return;
	}
	if (ch->prog.fd != -1) {
		loop_del(s->loop, ch->prog.fd);
		conn_close(&ch->prog);
	}
	loop_set(s->loop, ch->c.fd, 0);
	if (ch->pid == -1) {
		log_v(1, "%s closed: %llu bytes to the program, %llu back",
		    ch->c.name, (unsigned long long)ch->c.rx,
		    (unsigned long long)ch->c.tx);
		server_detach(s, &ch->c);
		free(ch);
	}
}

/* The client and the program's end settle together: -1, settled. */
static int
tls_client_io(struct conn *c, int events)
{
	conn_io(c, events);
	tls_settle(container_of(c, struct child, c));
	return -1;
}

static const struct client_ops	tls_client_ops = {
	.io = tls_client_io,
};

static void
on_program(struct loop *l, int fd, int events, void *arg)
{
	struct child	*ch = container_of(arg, struct child, prog);

	(void)l;
	(void)fd;
	conn_io(&ch->prog, events);
	/*
	 * The slave's last holder is gone: the program's output is all
	 * read, and nobody is left to read what the client sends.
	 */
	if (ch->prog.xp == &xport_pty && ch->down.eof && !ch->up.done)
		chan_abort(&ch->up, 0);
	tls_settle(ch);
}

/* -i, or a handshake past -w: both ways end; the program sees EOF. */
static void
tls_idle(struct server *s, struct conn *c)
{
	struct child	*ch = container_of(c, struct child, c);

	(void)s;
	sock_reset_on_close(c->fd);
	chan_abort(&ch->up, ETIMEDOUT);
	chan_abort(&ch->down, ETIMEDOUT);
	if (ch->prog.fd != -1)
		shutdown(ch->prog.fd, SHUT_RDWR);
	tls_settle(ch);
}

/*
 * Where the program's bytes go when sockit carries them: a socketpair
 * (sp[1] the program's end), or with --pty a pty master (sp[1] -1: the
 * child opens the slave, X->slave).
 */
static int
prog_end(struct exec *X, int sp[2])
{
	char	err[256];
	int	e;

	sp[1] = -1;
	if (!X->pty)
		return socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0, sp);
	if ((sp[0] = pty_open(&X->ws, X->slave, sizeof(X->slave), err,
	    sizeof(err))) == -1) {
		e = errno;
		log_err("%s", err);
		errno = e;
		return -1;
	}
	return 0;
}

/* PROGRAM on the pty made by prog_end; the environment of client cfd. */
static pid_t
spawn_pty(struct exec *X, int cfd)
{
	struct spawn	sp;

	env_client(X, cfd);
	memset(&sp, 0, sizeof(sp));
	sp.path = X->path;
	sp.argv = X->prog;
	sp.envp = X->env;
	sp.tty = X->slave;
	return spawn_start(&sp);
}

/* A TLS or --pty client: the program gets its end, we carry bytes. */
static int
accept_tls(struct exec *X, int fd, const char *name)
{
	struct server	*s = &X->srv;
	struct child	*ch;
	int		 sp[2], e;

	if ((ch = calloc(1, sizeof(*ch))) == NULL)
		return -1;
	if (prog_end(X, sp) == -1) {
		free(ch);
		return -1;
	}
	ch->tls = 1;
	ch->pid = -1;
	conn_init(&ch->c, fd, name);
	conn_init(&ch->prog, sp[0], X->prog[0]);
	ch->prog.watched = 0;	/* --hexdump shows the client's side */
	if (X->pty) {
		ch->prog.xp = &xport_pty;
		ch->prog.is_sock = 0;
	}
	chan_init(&ch->up, &ch->c, &ch->prog, NULL);
	chan_init(&ch->down, &ch->prog, &ch->c, NULL);
	if (server_attach(s, &ch->c, &tls_client_ops) == -1)
		goto fail;
	if (loop_add(s->loop, sp[0], on_program, &ch->prog) == -1 ||
	    (ch->pid = X->pty ? spawn_pty(X, fd) : spawn(X, fd, sp[1],
	    name, 1)) == -1) {
		e = errno;
		log_err("%s: %s: %s", name, X->prog[0], strerror(e));
		loop_del(s->loop, sp[0]);
		close(sp[0]);
		if (sp[1] != -1)
			close(sp[1]);
		sock_reset_on_close(fd);
		server_detach(s, &ch->c);
		free(ch);
		return 0;	/* closed here */
	}
	if (sp[1] != -1)
		close(sp[1]);	/* the child's end */
	log_v(1, "%s: pid %ld started (%s)", name, (long)ch->pid,
	    X->pty ? "pty" : "TLS");
	tls_settle(ch);
	return 0;
fail:
	e = errno;
	close(sp[0]);
	if (sp[1] != -1)
		close(sp[1]);
	free(ch);
	errno = e;
	return -1;
}

static int
on_accept(struct server *s, int fd, const char *name)
{
	struct exec	*X = container_of(s, struct exec, srv);
	struct child	*ch;
	int		 t, e;

	if (s->tls != NULL || s->ws != NULL || X->pty)
		return accept_tls(X, fd, name);
	if ((ch = malloc(sizeof(*ch))) == NULL)
		return -1;
	ch->tls = 0;
	/* The child's ticket, taken first: no child we cannot count. */
	if ((t = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		free(ch);
		return -1;	/* out of descriptors: the server resets fd */
	}
	conn_init(&ch->c, t, name);
	ch->c.is_sock = 0;
	ch->pid = -1;
	if (server_attach(s, &ch->c, &ticket_ops) == -1) {
		close(t);
		free(ch);
		return -1;
	}
	if ((ch->pid = spawn(X, fd, fd, name, 0)) == -1) {
		e = errno;
		log_err("%s: %s: %s", name, X->prog[0], strerror(e));
		server_detach(s, &ch->c);
		free(ch);
		errno = e;
		return -1;
	}
	close(fd);	/* the child has it; its end is the client's end */
	log_v(1, "%s: pid %ld started", name, (long)ch->pid);
	return 0;
}

static struct child *
find(struct server *s, pid_t pid)
{
	struct child	*ch;
	int		 fd;

	for (fd = 0; fd < s->tab.size; fd++)
		if (s->tab.byfd[fd] != NULL) {
			ch = container_of(s->tab.byfd[fd], struct child, c);
			if (ch->pid == pid)
				return ch;
		}
	return NULL;
}

static void
log_status(const char *name, pid_t pid, int st)
{
	if (WIFEXITED(st))
		log_v(1, "%s: pid %ld exited %d", name, (long)pid,
		    WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		log_v(1, "%s: pid %ld killed by signal %d (%s)", name,
		    (long)pid, WTERMSIG(st), strsignal(WTERMSIG(st)));
}

/*
 * A reaped child's end: its status, or why it never ran the program
 * (spawner.h: a failed exec shows only now when spawn_start did not
 * wait for it).
 */
static void
reaped(struct server *s, const char *name, pid_t pid, int st)
{
	struct exec	*X = container_of(s, struct exec, srv);
	int		 err;

	if ((err = spawn_reaped(pid)) != 0)
		log_err("%s: %s: %s", name, X->prog[0], strerror(err));
	else
		log_status(name, pid, st);
}

/* SIGCHLD: reap every child that has ended, and uncount it. */
static void
on_child(struct loop *l, int signo, void *arg)
{
	struct server	*s = arg;
	struct child	*ch;
	pid_t		 pid;
	int		 st;

	(void)l;
	(void)signo;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if ((ch = find(s, pid)) == NULL) {
			reaped(s, "?", pid, st);
			continue;
		}
		reaped(s, ch->c.name, pid, st);
		ch->pid = -1;
		if (ch->tls) {
			tls_settle(ch);	/* the bytes still go, then it */
			continue;
		}
		server_detach(s, &ch->c);	/* may end a stopping loop */
		free(ch);
	}
}

static void
term(struct server *s, struct conn *c)
{
	struct child	*ch = container_of(c, struct child, c);

	(void)s;
	if (ch->pid != -1)
		kill(ch->pid, SIGTERM);
}

/* A signal: the children are asked to end; server.c waits for them. */
static void
on_stop(struct server *s)
{
	if (s->clients > 0)
		log_v(1, "sending SIGTERM to %d child%s", s->clients,
		    s->clients == 1 ? "" : "ren");
	server_each(s, term);
}

/* The grace period is over, or a second signal came: no more waiting. */
static void
kill_rest(struct server *s, struct conn *c)
{
	struct child	*ch = container_of(c, struct child, c);
	int		 st;

	if (ch->pid != -1) {
		log_v(1, "%s: pid %ld still running: SIGKILL", c->name,
		    (long)ch->pid);
		kill(ch->pid, SIGKILL);
		if (waitpid(ch->pid, &st, 0) == ch->pid)
			reaped(s, c->name, ch->pid, st);
	}
	if (ch->tls && ch->prog.fd != -1) {
		loop_del(s->loop, ch->prog.fd);
		conn_close(&ch->prog);
	}
	server_detach(s, c);
	free(ch);
}

/*
 * Where is PROGRAM?  Looked up in PATH once, at startup: a typo is an
 * error at once, not a reset for every client, and no client pays for
 * the search (execve along PATH).  A program that goes away later is
 * only that client's error.
 */
static int
find_program(const char *prog, char *buf, size_t len)
{
	const char	*path, *p, *q;
	struct stat	 st;

	if (strchr(prog, '/') != NULL) {
		strlcpy(buf, prog, len);
		return access(prog, X_OK);
	}
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = q + 1) {
		q = strchrnul(p, ':');
		/* An empty entry is the current directory. */
		snprintf(buf, len, "%.*s%s%s", (int)(q - p), p,
		    q == p ? "./" : "/", prog);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return 0;
		if (*q == '\0')
			break;
	}
	errno = ENOENT;
	return -1;
}

/* argv up to "--" is sockit's; after it, PROGRAM and its arguments. */
static int
split(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return -1;
}

static const struct opt_spec exec_opts[] = {
	{ "pty", OPT_PTY, no_argument, NULL,
	    "run PROGRAM on a pseudo-terminal of its own" },
	{ "pty-size", OPT_PTY_SIZE, required_argument, "COLSxROWS",
	    "its window size (80x24)" },
	{ NULL, 0, 0, NULL, NULL }
};

static int
exec_opt(int ch, const char *arg, void *ctx, const char **why)
{
	struct exec	*X = ctx;

	switch (ch) {
	case OPT_PTY:
		X->pty = 1;
		return 0;
	case OPT_PTY_SIZE:
		X->pty_size = 1;
		return pty_parse_size(arg, &X->ws, why) == -1 ? -1 : 0;
	}
	return 1;
}

static int
exec_exec(const struct cmd *cmd, int argc, char **argv)
{
	struct exec	 X;
	struct addr	 a;
	int		 n, dd;

	memset(&X, 0, sizeof(X));
	if ((dd = split(argc, argv)) == -1)
		dd = argc;
	X.ws.ws_col = PTY_COLS;
	X.ws.ws_row = PTY_ROWS;
	n = cmd_parse(cmd, dd, argv, exec_opt, &X, &X.co);
	if (dd == argc || dd + 1 == argc)
		usage_error(cmd, "missing -- PROGRAM [ARG...]");
	cmd_server_address(cmd, &X.co, dd - n, argv + n, &a);
	/* Without TLS sockit carries no byte: nothing to time or show. */
	if (X.co.idle_ms > 0 && !a.tls && !a.ws && !X.pty)
		usage_error(cmd, "-i does not apply: the program owns its "
		    "socket (with TLS, WebSocket or --pty it does)");
	if (X.co.hexdump && !a.tls && !a.ws && !X.pty)
		usage_error(cmd, "--hexdump needs TLS, WebSocket or --pty: "
		    "otherwise the program owns the socket and sockit sees no "
		    "byte");
	if (X.pty_size && !X.pty)
		usage_error(cmd, "--pty-size needs --pty");
	X.prog = argv + dd + 1;
	if (find_program(X.prog[0], X.path, sizeof(X.path)) == -1)
		fatal("%s: %s", X.prog[0], errno == ENOENT &&
		    strchr(X.prog[0], '/') == NULL ?
		    "command not found" : strerror(errno));
	if (env_setup(&X) == -1)
		fatal("%s", strerror(errno));
	X.srv.co = &X.co;
	X.srv.on_accept = on_accept;
	X.srv.on_stop = on_stop;
	if (a.tls || a.ws || X.pty)
		X.srv.on_idle = tls_idle;	/* -i, and the handshake's -w */
	cmd_serve_open(cmd, &X.srv, &a);
	if (loop_children(X.srv.loop, on_child, &X.srv) == -1)
		fatal("event loop: %s", strerror(errno));
	cmd_serve(&X.srv, kill_rest);
	free(X.env);
	return 0;
}

const struct cmd cmd_exec = {
	.name = "exec",
	.args = "[options] ADDRESS -- PROGRAM [ARG...]",
	.summary = "run PROGRAM for each client, on its socket",
	.opts = exec_opts,
	.note = "(the client's socket is PROGRAM's stdin and stdout;\n"
	    "  with TLS or WebSocket, a socketpair that sockit carries\n"
	    "  the bytes over; with --pty, a terminal, carried the same way)",
	.flags = GROUP_SERVER | GROUP_WORKERS | GROUP_WATCH | GROUP_IDLE,
	.serves = KIND_STREAM | KIND_TLS | KIND_SYSTEMD | KIND_WS,
	.dials = 0,
	.exec = exec_exec
};
