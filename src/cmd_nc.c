/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit nc: netcat-openbsd's command line (Debian's 1.219) read into
 * the argv of send, listen or exec, which do the work, so that there is
 * no second data path; -z probes each port with the one connector here.
 * The -v lines are netcat's, said through the log_nc hook.  Every error
 * is exit 1, as netcat's are.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "dial.h"
#include "log.h"
#include "opts.h"
#include "sock.h"
#include "util.h"

#define NC_OPTSTRING	"46bCc:Dde:FhI:i:klM:m:NnO:P:p:q:rSs:T:tUuV:vW:w:X:x:Zz"
#define NC_ARGS_MAX	40
#define NC_PORTS_MAX	65536

struct nc {
	int		 lflag, kflag, zflag, uflag, Uflag, vflag, nflag;
	int		 dflag, Cflag, rflag, family;
	const char	*qarg, *warg, *sarg, *parg, *xarg, *Xarg;
	const char	*eprog, *ccmd;
	int64_t		 interval_ms;	/* -i */
	const char	*host;		/* as given, for the messages */
	char		 port[8];	/* the port being dialled, a number */
	char		*av[NC_ARGS_MAX];	/* the command's argv */
	int		 ac;
	char		 bufs[3][NI_MAXHOST * 2];
};

static struct nc	nc;	/* log_nc reads it */

static const struct opt_spec nc_opts[] = {
	{ NULL, '4', no_argument, NULL, "IPv4 only" },
	{ NULL, '6', no_argument, NULL, "IPv6 only" },
	{ NULL, 'b', no_argument, NULL, "broadcast (refused)" },
	{ NULL, 'C', no_argument, NULL, "send CRLF as line-ending" },
	{ NULL, 'c', required_argument, "CMD",
	    "with -l: run CMD by /bin/sh for the client" },
	{ NULL, 'D', no_argument, NULL, "socket debugging (refused)" },
	{ NULL, 'd', no_argument, NULL, "do not read stdin" },
	{ NULL, 'e', required_argument, "PROG",
	    "with -l: run PROG for the client" },
	{ NULL, 'F', no_argument, NULL, "pass the socket (refused)" },
	{ NULL, 'h', no_argument, NULL, "this help" },
	{ NULL, 'I', required_argument, "LEN", "receive buffer (refused)" },
	{ NULL, 'i', required_argument, "SECS",
	    "with -z: wait SECS between ports" },
	{ NULL, 'k', no_argument, NULL, "with -l: serve client after client" },
	{ NULL, 'l', no_argument, NULL, "listen" },
	{ NULL, 'M', required_argument, "TTL", "outgoing TTL (refused)" },
	{ NULL, 'm', required_argument, "TTL", "minimum TTL (refused)" },
	{ NULL, 'N', no_argument, NULL,
	    "shut the socket down after stdin's end\n(always done)" },
	{ NULL, 'n', no_argument, NULL, "numeric addresses only, no DNS" },
	{ NULL, 'O', required_argument, "LEN", "send buffer (refused)" },
	{ NULL, 'P', required_argument, "USER",
	    "proxy user name (refused)" },
	{ NULL, 'p', required_argument, "PORT",
	    "local port (the port to listen on with -l)" },
	{ NULL, 'q', required_argument, "SECS",
	    "after stdin's end, quit after SECS" },
	{ NULL, 'r', no_argument, NULL, "with -z: ports in random order" },
	{ NULL, 'S', no_argument, NULL, "TCP MD5 signatures (refused)" },
	{ NULL, 's', required_argument, "ADDR", "local source address" },
	{ NULL, 'T', required_argument, "TOS", "TOS value (refused)" },
	{ NULL, 't', no_argument, NULL, "answer TELNET (refused)" },
	{ NULL, 'U', no_argument, NULL, "unix domain socket" },
	{ NULL, 'u', no_argument, NULL, "UDP" },
	{ NULL, 'V', required_argument, "RTABLE",
	    "routing table (refused)" },
	{ NULL, 'v', no_argument, NULL, "say what happens, as nc does" },
	{ NULL, 'W', required_argument, "N",
	    "quit after N packets (refused)" },
	{ NULL, 'w', required_argument, "SECS",
	    "connect and idle timeout" },
	{ NULL, 'X', required_argument, "5|connect",
	    "proxy protocol (4 is refused)" },
	{ NULL, 'x', required_argument, "HOST[:PORT]", "proxy address" },
	{ NULL, 'Z', no_argument, NULL, "DCCP (refused)" },
	{ NULL, 'z', no_argument, NULL, "probe each port, send nothing" },
	{ NULL, 0, 0, NULL, NULL }
};

/* The name netcat's messages start with: what it was called, or nc. */
static const char *
nc_prog(void)
{
	const char	*p = getprogname();

	return strncmp(p, "nc", 2) == 0 || strcmp(p, "netcat") == 0 ?
	    p : "nc";
}

/* netcat's "nc: ..." and exit 1. */
static void __attribute__((noreturn, format(printf, 1, 2)))
nc_die(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", nc_prog());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A number of seconds or a size, checked as netcat checks it. */
static long long
nc_number(const char *s, long long lo, long long hi, const char *what)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, lo, hi, &errstr);
	if (errstr != NULL)
		nc_die("%s %s: %s", what, errstr, s);
	return v;
}

/* A port: a number or a service name; 0 if not one. */
static long
nc_port(const char *s)
{
	struct servent	*se;
	const char	*errstr;
	long		 p;

	p = strtonum(s, 1, 65535, &errstr);
	if (errstr == NULL)
		return p;
	if (strspn(s, "0123456789") == strlen(s) && *s != '\0')
		nc_die("port number %s: %s", errstr, s);
	if ((se = getservbyname(s, nc.uflag ? "udp" : "tcp")) != NULL)
		return ntohs(se->s_port);
	nc_die("port number invalid: %s", s);
}

/* The flags nc has and sockit cannot honour: an error, never ignored. */
static const char *
refused(int ch)
{
	switch (ch) {
	case 'b': return "broadcast is not supported";
	case 'D': return "socket debugging is not supported";
	case 'F': return "passing the socket is not supported";
	case 'I': return "the receive buffer length cannot be set";
	case 'O': return "the send buffer length cannot be set";
	case 'M': return "the TTL cannot be set";
	case 'm': return "the minimum TTL cannot be set";
	case 'P': return "proxy authentication is not supported";
	case 'S': return "TCP MD5 signatures are not supported";
	case 'T': return "the TOS cannot be set";
	case 't': return "TELNET negotiation is not supported";
	case 'V': return "routing tables are not supported";
	case 'W': return "a receive limit is not supported";
	case 'Z': return "DCCP is not supported";
	}
	return NULL;
}

static void
nc_usage(void)
{
	fprintf(stderr, "usage: nc [-46CDdFhklNnrStUuvZz] [-I length] "
	    "[-i interval] [-M ttl]\n\t  [-m minttl] [-O length] "
	    "[-P proxy_username] [-p source_port]\n\t  [-q seconds] "
	    "[-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]\n\t  "
	    "[-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]\n"
	    "\t  [destination] [port]\n");
	exit(1);
}

static void
nc_flag(int ch, const char *arg)
{
	const char	*why;

	if ((why = refused(ch)) != NULL)
		nc_die("-%c: %s by sockit nc", ch, why);
	switch (ch) {
	case '4': nc.family = AF_INET; break;
	case '6': nc.family = AF_INET6; break;
	case 'C': nc.Cflag = 1; break;
	case 'c': nc.ccmd = arg; break;
	case 'd': nc.dflag = 1; break;
	case 'e': nc.eprog = arg; break;
	case 'h': cmd_help(&cmd_nc); exit(0);
	case 'i':
		nc.interval_ms = nc_number(arg, 0, 100000, "interval") * 1000;
		break;
	case 'k': nc.kflag = 1; break;
	case 'l': nc.lflag = 1; break;
	case 'N': break;	/* sockit always shuts down after stdin */
	case 'n': nc.nflag = 1; break;
	case 'p': nc.parg = arg; break;
	case 'q':
		(void)nc_number(arg, -1, 100000, "quit timer");
		nc.qarg = arg;
		break;
	case 'r': nc.rflag = 1; break;
	case 's': nc.sarg = arg; break;
	case 'U': nc.Uflag = 1; break;
	case 'u': nc.uflag = 1; break;
	case 'v': nc.vflag = 1; break;
	case 'w':
		(void)nc_number(arg, 0, 100000, "timeout");
		nc.warg = arg;
		break;
	case 'X': nc.Xarg = arg; break;
	case 'x': nc.xarg = arg; break;
	case 'z': nc.zflag = 1; break;
	default: nc_usage();
	}
}

/* The combinations netcat refuses, in its words. */
static void
nc_check(int nargs)
{
	if (nc.lflag && nc.zflag)
		nc_die("cannot use -z and -l");
	if (nc.kflag && !nc.lflag)
		nc_die("must use -l with -k");
	if (nc.Uflag && nc.xarg != NULL)
		nc_die("cannot use -x with -U");
	if (nc.uflag && nc.xarg != NULL)
		nc_die("no proxy support for UDP mode");
	if ((nc.eprog != NULL || nc.ccmd != NULL) && !nc.lflag)
		nc_die("-%c: sockit nc runs a program for listeners only (-l)",
		    nc.eprog != NULL ? 'e' : 'c');
	if (nc.eprog != NULL && nc.ccmd != NULL)
		nc_die("cannot use -e and -c");
	if ((nc.eprog != NULL || nc.ccmd != NULL) && !nc.kflag)
		nc_die("-%c: sockit nc runs it for client after client: "
		    "add -k", nc.eprog != NULL ? 'e' : 'c');
	if (nc.lflag && (nc.qarg != NULL || nc.Cflag || nc.xarg != NULL))
		nc_die("-%c: not supported with -l by sockit nc",
		    nc.qarg != NULL ? 'q' : nc.Cflag ? 'C' : 'x');
	if (nc.zflag && nc.uflag)
		nc_die("-z: UDP probes are not supported by sockit nc");
	if (nc.zflag && nc.xarg != NULL)
		nc_die("-z: probes through a proxy are not supported by "
		    "sockit nc");
	if (nc.interval_ms > 0 && !nc.zflag)
		nc_die("-i: a delay between lines is not supported by "
		    "sockit nc (only between ports, with -z)");
	if (nargs == 0 && !nc.lflag)
		nc_usage();
}

static void
push(const char *a)
{
	if (nc.ac >= NC_ARGS_MAX - 1)
		nc_die("too many arguments");
	nc.av[nc.ac++] = (char *)a;
	nc.av[nc.ac] = NULL;
}

/* The shared flags of the command run for nc. */
static void
push_common(void)
{
	if (nc.family == AF_INET)
		push("-4");
	else if (nc.family == AF_INET6)
		push("-6");
	if (nc.uflag)
		push("-u");
	if (nc.Uflag)
		push("-U");
}

/* "HOST (ADDR)" when the name given is not the address itself. */
static const char *
nc_said_host(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t n)
{
	char	ip[NI_MAXHOST];

	if (sa->sa_family == AF_UNIX ||
	    getnameinfo(sa, len, ip, sizeof(ip), NULL, 0,
	    NI_NUMERICHOST) != 0 || strcmp(ip, nc.host) == 0)
		return nc.host;
	snprintf(buf, n, "%s (%s)", nc.host, ip);
	return buf;
}

/* "Connection to HOST PORT port [tcp/SERVICE] succeeded!" */
static void
nc_said_connected(int fd)
{
	struct sockaddr_storage	 ss;
	struct servent		*se = NULL;
	socklen_t		 len = sizeof(ss);
	const char		*proto = nc.uflag ? "udp" : "tcp";

	if (nc.Uflag) {
		fprintf(stderr, "Connection to %s %s port [%s/*] "
		    "succeeded!\n", nc.host, nc.port, proto);
		return;
	}
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1)
		len = 0, ss.ss_family = AF_UNIX;
	if (!nc.nflag)
		se = getservbyport(htons(atoi(nc.port)), proto);
	fprintf(stderr, "Connection to %s %s port [%s/%s] succeeded!\n",
	    nc_said_host((struct sockaddr *)&ss, len, nc.bufs[0],
	    sizeof(nc.bufs[0])), nc.port, proto,
	    se != NULL ? se->s_name : "*");
}

/*
 * err ends with the system's reason: "...: Connection refused".  netcat
 * says it of each address of the host, "HOST (ADDR)" for a name.
 */
static void
nc_said_failed(const char *err)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	const char	*why = strrchr(err, ':'), *proto;
	int		 said = 0;

	why = why != NULL ? why + 2 : err;
	proto = nc.uflag ? "udp" : "tcp";
	if (nc.Uflag) {
		fprintf(stderr, "%s: %s: %s\n", nc_prog(), nc.host, why);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = nc.family;
	hints.ai_socktype = nc.uflag ? SOCK_DGRAM : SOCK_STREAM;
	if (getaddrinfo(nc.host, nc.port, &hints, &res) != 0)
		res = NULL;
	for (ai = res; ai != NULL; ai = ai->ai_next, said = 1)
		fprintf(stderr, "%s: connect to %s port %s (%s) failed: %s\n",
		    nc_prog(), nc_said_host(ai->ai_addr, ai->ai_addrlen,
		    nc.bufs[0], sizeof(nc.bufs[0])), nc.port, proto, why);
	if (!said)
		fprintf(stderr, "%s: connect to %s port %s (%s) failed: %s\n",
		    nc_prog(), nc.host, nc.port, proto, why);
	if (res != NULL)
		freeaddrinfo(res);
}

/* "Listening on HOST PORT", "Connection received on HOST PORT". */
static void
nc_said_socket(const char *what, int fd, int peer)
{
	struct sockaddr_storage	ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	socklen_t		len = sizeof(ss);
	char			host[NI_MAXHOST], serv[NI_MAXSERV];
	int			r;

	memset(&ss, 0, sizeof(ss));
	r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) :
	    getsockname(fd, (struct sockaddr *)&ss, &len);
	if (r == -1)
		return;
	if (ss.ss_family == AF_UNIX) {
		/* netcat says both steps of a unix listener. */
		if (!peer && !nc.uflag)
			fprintf(stderr, "Bound on %s\n", sun->sun_path);
		fprintf(stderr, "%s on %s\n", what, peer ? nc.host :
		    sun->sun_path);
		return;
	}
	if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
	    serv, sizeof(serv), NI_NUMERICSERV |
	    (nc.nflag ? NI_NUMERICHOST : 0)) != 0)
		return;
	fprintf(stderr, "%s on %s %s\n", what, host, serv);
}

static void
nc_said(int event, int fd, const char *err)
{
	if (event == LOG_NC_FAILED) {
		if (nc.vflag)
			nc_said_failed(err);
		return;
	}
	if (!nc.vflag)
		return;
	if (event == LOG_NC_CONNECTED)
		nc_said_connected(fd);
	else if (event == LOG_NC_LISTENING)
		nc_said_socket(nc.uflag ? "Bound" : "Listening", fd, 0);
	else if (event == LOG_NC_ACCEPTED)
		nc_said_socket("Connection received", fd, 1);
}

/*
 * A host is a name or an address, never one of sockit's own forms
 * (tls:, udp:...), which netcat would not resolve either; with -n, an
 * address only.
 */
static void
nc_numeric(const char *host)
{
	unsigned char	buf[sizeof(struct in6_addr)];
	int		v4, v6;

	if (nc.Uflag)
		return;
	v4 = inet_pton(AF_INET, host, buf) == 1;
	v6 = inet_pton(AF_INET6, host, buf) == 1;
	if ((nc.nflag && !v4 && !v6) || (!v6 && strpbrk(host, ":/[]@")))
		nc_die("getaddrinfo for host \"%s\" port %s: Name or service "
		    "not known", host, nc.port);
}

/* One probe of -z on the connector: 0 if the port accepts. */
static int
nc_probe(struct loop *l, const struct common *co, const char *host)
{
	struct addr	 a;
	struct target	 t;
	struct dial_cfg	 cfg = { .target = &t, .wait_ms = co->wait_ms };
	struct conn	 c;
	char		 err[512], *pair[2] = { (char *)host, nc.port };
	int		 usage, status = 0;

	if (opts_address(co, 0, nc.Uflag ? 1 : 2, pair, &a, err,
	    sizeof(err)) == -1 || sock_target(&a, &t, &usage, err,
	    sizeof(err)) == -1 || (co->source != NULL &&
	    sock_source(&t, co->source, &usage, err, sizeof(err)) == -1))
		nc_die("%s", err);
	conn_init(&c, -1, host);
	if (dial_run(l, &cfg, &c, err, sizeof(err)) == -1) {
		nc_said(LOG_NC_FAILED, -1, err);
		status = 1;
	} else {
		nc_said(LOG_NC_CONNECTED, c.fd, NULL);
		close(c.fd);
	}
	sock_target_free(&t);
	return status;
}

/* The ports of the operands, ranges unrolled (lo-hi, either order). */
static int
nc_ports(int argc, char **argv, long *ports)
{
	char	 first[64];
	long	 lo, hi, p;
	int	 i, n = 0;
	size_t	 k;

	for (i = 0; i < argc; i++) {
		k = strcspn(argv[i], "-");
		if (argv[i][k] == '\0' || k == 0 || k >= sizeof(first)) {
			ports[n++] = nc_port(argv[i]);
			continue;
		}
		memcpy(first, argv[i], k);
		first[k] = '\0';
		lo = nc_port(first);
		hi = nc_port(argv[i] + k + 1);
		if (lo > hi)
			p = lo, lo = hi, hi = p;
		for (p = lo; p <= hi && n < NC_PORTS_MAX; p++)
			ports[n++] = p;
	}
	return n;
}

/* -r: netcat scans the ports in random order. */
static void
nc_shuffle(long *ports, int n)
{
	long	t;
	int	i, j;

	for (i = n - 1; i > 0; i--) {
		j = (int)arc4random_uniform((uint32_t)i + 1);
		t = ports[i], ports[i] = ports[j], ports[j] = t;
	}
}

/* -z HOST PORT...: each port on the connector; 0 if any accepted. */
static int
nc_scan(int argc, char **argv)
{
	struct common	 co;
	struct loop	*l;
	long		*ports;
	char		 err[512];
	int		 i, n, status = 1;

	memset(&co, 0, sizeof(co));
	co.family = nc.family;
	co.force_unix = nc.Uflag;
	co.cmd = &cmd_send;
	co.source = nc.sarg;
	co.wait_ms = nc.warg != NULL ? atoll(nc.warg) * 1000 : 0;
	if ((ports = calloc(NC_PORTS_MAX + 1, sizeof(*ports))) == NULL)
		nc_die("%s", strerror(errno));
	n = nc.Uflag ? 1 : nc_ports(argc - 1, argv + 1, ports);
	if (nc.rflag)
		nc_shuffle(ports, n);
	if ((l = loop_new(loop_pick(8), err, sizeof(err))) == NULL)
		nc_die("%s", err);
	nc.host = argv[0];
	for (i = 0; i < n; i++) {
		snprintf(nc.port, sizeof(nc.port), "%ld", ports[i]);
		nc_numeric(argv[0]);
		if (i > 0 && nc.interval_ms > 0)
			nanosleep(&(struct timespec){ nc.interval_ms / 1000,
			    0 }, NULL);
		if (nc_probe(l, &co, argv[0]) == 0)
			status = 0;
	}
	loop_free(l);
	free(ports);
	return status;
}

/* -x HOST[:PORT] and -X: the URL of send --proxy. */
static const char *
nc_proxy(void)
{
	const char	*scheme = "socks5h", *port = "1080";

	if (nc.Xarg != NULL) {
		if (strcmp(nc.Xarg, "4") == 0)
			nc_die("-X 4: SOCKS4 is not supported by sockit nc");
		if (strcasecmp(nc.Xarg, "connect") == 0)
			scheme = "http", port = "3128";
		else if (strcmp(nc.Xarg, "5") != 0)
			nc_die("unsupported proxy protocol");
	}
	if (nc.xarg == NULL)
		nc_die("-X: a proxy address is needed (-x)");
	if (strchr(nc.xarg, ':') != NULL && nc.xarg[0] != '[')
		port = NULL;
	snprintf(nc.bufs[1], sizeof(nc.bufs[1]), "%s://%s%s%s", scheme,
	    nc.xarg, port != NULL ? ":" : "", port != NULL ? port : "");
	return nc.bufs[1];
}

/* -s and -p: send -s HOST, PORT or HOST:PORT. */
static const char *
nc_source(void)
{
	long	port;

	if (nc.parg == NULL)
		return nc.sarg;
	port = nc_port(nc.parg);
	if (nc.sarg == NULL)
		snprintf(nc.bufs[2], sizeof(nc.bufs[2]), "%ld", port);
	else
		snprintf(nc.bufs[2], sizeof(nc.bufs[2]), strchr(nc.sarg,
		    ':') ? "[%s]:%ld" : "%s:%ld", nc.sarg, port);
	return nc.bufs[2];
}

/* nc HOST PORT: sockit send. */
static int
nc_connect(int argc, char **argv)
{
	const char	*src;

	if (argc > (nc.Uflag ? 1 : 2))
		nc_usage();
	if (!nc.Uflag && argc < 2)
		nc_die("missing port number");
	nc.host = argv[0];
	push("send");
	push_common();
	if ((src = nc_source()) != NULL) {
		push("-s");
		push(src);
	}
	if (nc.Cflag)
		push("-C");
	if (nc.dflag)
		push("--recv-only");
	if (nc.qarg != NULL && atoi(nc.qarg) >= 0) {
		push("-q");
		push(nc.qarg);
	} else if (nc.uflag && nc.warg != NULL) {
		/* netcat's final reads of datagrams last -w. */
		push("-q");
		push(nc.warg);
	}
	if (nc.warg != NULL) {
		push("-w");
		push(nc.warg);
	}
	if (nc.xarg != NULL || nc.Xarg != NULL) {
		push("--proxy");
		push(nc_proxy());
	}
	push("--");
	push(argv[0]);
	if (!nc.Uflag) {
		snprintf(nc.port, sizeof(nc.port), "%ld", nc_port(argv[1]));
		nc_numeric(argv[0]);
		push(nc.port);
	}
	return cmd_send.exec(&cmd_send, nc.ac, nc.av);
}

/* The address to listen on: [HOST] PORT, -p PORT, -s HOST, or a path. */
static void
nc_listen_address(int argc, char **argv)
{
	const char	*host = nc.sarg, *port = nc.parg;

	if (nc.Uflag) {
		if (argc != 1)
			nc_usage();
		nc.host = argv[0];
		push(argv[0]);
		return;
	}
	if (argc == 0 && port == NULL)
		nc_die("missing port number");
	if (argc > (port != NULL ? 1 : 2))
		nc_usage();
	if (argc == 2 || (argc == 1 && port != NULL))
		host = argv[0];
	if (port == NULL)
		port = argv[argc - 1];
	/* Port 0 is the kernel's choice, as netcat lets it be. */
	snprintf(nc.port, sizeof(nc.port), "%ld", strcmp(port, "0") == 0 ?
	    0 : nc_port(port));
	if (host != NULL)
		nc_numeric(host);
	push(host != NULL ? host : "0.0.0.0");
	push(nc.port);
}

/* nc -l: sockit listen, or exec with -e and -c. */
static int
nc_listen(int argc, char **argv)
{
	int	run_exec = nc.eprog != NULL || nc.ccmd != NULL;

	push(run_exec ? "exec" : "listen");
	push_common();
	if (!nc.kflag)
		push("--once");
	if (nc.dflag && !run_exec)
		push("--recv-only");
	/* exec's first -- starts PROGRAM: its address cannot be an option. */
	if (!run_exec)
		push("--");
	nc_listen_address(argc, argv);
	if (run_exec) {
		push("--");
		if (nc.eprog != NULL)
			push(nc.eprog);
		else {
			push("/bin/sh");
			push("-c");
			push(nc.ccmd);
		}
		return cmd_exec.exec(&cmd_exec, nc.ac, nc.av);
	}
	return cmd_listen.exec(&cmd_listen, nc.ac, nc.av);
}

static int
nc_exec(const struct cmd *cmd, int argc, char **argv)
{
	int	ch;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "--version") == 0)) {
		if (argv[1][2] == 'h')
			cmd_help(cmd);
		else
			printf("sockit %s\n", PACKAGE_VERSION);
		exit(0);
	}
	log_init("nc", 0);
	optind = 0;
	opterr = 1;
	while ((ch = getopt(argc, argv, NC_OPTSTRING)) != -1)
		nc_flag(ch, optarg);
	argc -= optind;
	argv += optind;
	nc_check(argc);
	log_nc = nc_said;
	if (nc.zflag)
		return argc < (nc.Uflag ? 1 : 2) ? (nc_die("missing port "
		    "number"), 1) : nc_scan(argc, argv);
	if (nc.lflag)
		return nc_listen(argc, argv);
	return nc_connect(argc, argv);
}

const struct cmd cmd_nc = {
	.name = "nc",
	.args = "[-46CdhklNnrUuvz] [-c CMD] [-e PROG] [-i SECS] [-p PORT] "
	    "[-q SECS] [-s ADDR] [-w SECS] [-X 5|connect] [-x HOST[:PORT]] "
	    "[HOST] [PORT...]",
	.summary = "netcat-openbsd's command line, run by send, listen, exec",
	.opts = nc_opts,
	.note = NULL,
	.flags = CMD_OWN_OPTS,
	.serves = KIND_STREAM | KIND_DGRAM,
	.dials = KIND_STREAM | KIND_DGRAM,
	.exec = nc_exec
};
