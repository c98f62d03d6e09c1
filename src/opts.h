/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* Options shared by the commands, parsed into struct common. */
#ifndef SOCKIT_OPTS_H
#define SOCKIT_OPTS_H

#include <sys/types.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "acl.h"
#include "addr.h"
#include "frame.h"
#include "loop.h"
#include "sock.h"
#include "tls.h"
#include "ws.h"

struct cmd;

/*
 * Groups of shared options a command takes, beyond -4 -6 -v -h -V.
 * -U comes with a unix kind of address, -u with a datagram kind, the
 * TLS options with KIND_TLS (below).
 */
#define GROUP_DELIM	0x1	/* -d -0 */
#define GROUP_SERVER	0x2	/* -x --mode --allow-uid --backend --ready-fd -k */
#define GROUP_CLIENT	0x4	/* -w -s */
#define GROUP_WATCH	0x8	/* --hexdump */
#define GROUP_IDLE	0x10	/* -i */
#define GROUP_WORKERS	0x20	/* --workers */
/* Not options, but what checking them needs to know of the command. */
#define CMD_STDIO	0x100	/* it reads stdin and writes stdout */
#define CMD_PAIRS	0x200	/* LISTEN TARGET; a client takes two fds */
#define CMD_MANY	0x400	/* several ADDRESS arguments, one each */
#define CMD_NAMED	0x800	/* NAME=ADDRESS (wall) */
#define CMD_OWN_OPTS	0x1000	/* its table is all it takes (nc) */

/* Kinds of address, for what a command serves and dials. */
#define KIND_TCP	0x1	/* PORT, HOST:PORT, tcp:... */
#define KIND_UNIX	0x2	/* unix:PATH, PATH, @NAME */
#define KIND_UDP	0x4	/* udp:..., -u */
#define KIND_UNIXGRAM	0x8	/* unixgram:PATH, -U -u */
#define KIND_TLS	0x10	/* tls: over a stream kind */
#define KIND_SYSTEMD	0x20	/* systemd[:NAME]: an inherited socket */
#define KIND_WS		0x40	/* ws://, wss://, ws+unix: (WebSocket) */
#define KIND_SERIAL	0x80	/* serial:DEVICE[,...] */
#define KIND_PTY	0x100	/* pty:PATH, a pseudo-terminal made here */
#define KIND_STREAM	(KIND_TCP | KIND_UNIX)
#define KIND_DGRAM	(KIND_UDP | KIND_UNIXGRAM)

/* Codes of the options with no short letter, shared and commands' own. */
enum {
	OPT_MODE = 256, OPT_ALLOW_UID, OPT_BACKEND, OPT_READY_FD,
	OPT_OUTPUT_DELIM, OPT_RECV_ONLY, OPT_SEND_ONLY, OPT_UTC,
	OPT_HEXDUMP, OPT_PROGRESS, OPT_PROXY,
	OPT_ACK, OPT_CLOSED,
	OPT_TLS, OPT_CERT, OPT_KEY, OPT_CACERT, OPT_INSECURE, OPT_SERVERNAME,
	OPT_SELF_SIGNED, OPT_VERIFY_CLIENT, OPT_ALPN,
	/* connections that survive */
	OPT_RETRY, OPT_RETRY_MAX, OPT_RECONNECT, OPT_KEEPALIVE,
	/* WebSocket */
	OPT_TEXT, OPT_WS_PROTOCOL, OPT_WS_ORIGIN, OPT_WS_MAX_MESSAGE,
	/* terminals */
	OPT_PTY, OPT_PTY_SIZE, OPT_RAW_TTY,
	/* servers in production */
	OPT_SEND_PROXY, OPT_ACCEPT_PROXY, OPT_ALLOW, OPT_DENY,
	OPT_ALLOW_FILE, OPT_DENY_FILE, OPT_MAX_PER_IP, OPT_LOG_FORMAT,
	OPT_WORKERS
};

/*
 * One option, for the parser and for --help alike, so that the help
 * cannot drift from what is parsed.  A table ends with a zero entry.
 */
struct opt_spec {
	const char	*name;		/* long name; NULL: short only */
	int		 ch;		/* short letter, or an OPT_* code */
	int		 has_arg;	/* no_argument, required_argument */
	const char	*argname;	/* "DUR" in the help; NULL: none;
					   "[=X]": an optional value; with
					   no capital, the values it takes:
					   "select|epoll", "[=always]" */
	const char	*help;		/* NULL: on the line of the one before */
};

#define ALLOW_UID_MAX	32

struct common {
	int		 family;	/* AF_UNSPEC, -4, -6 */
	int		 force_unix;	/* -U */
	int		 dgram;		/* -u */
	struct delim	 delim;		/* -d, -0; "\n" by default */
	int		 delim_set;	/* -d or -0 was given */
	int64_t		 idle_ms;	/* -i; 0 = never */
	int		 idle_set;	/* -i was given */
	int		 verbose;	/* -v count */
	/* servers */
	long long	 max_conns;	/* -x; 0 = as many as the loop holds */
	int		 mode;		/* --mode; -1 = the umask */
	uid_t		 allow_uid[ALLOW_UID_MAX];
	int		 nallow_uid;
	int		 backend;	/* --backend; -1 = choose */
	int		 ready_fd;	/* --ready-fd; -1 = none */
	int		 per_client;	/* descriptors one client takes */
	const struct cmd *cmd;		/* whose options these are */
	/* clients */
	int64_t		 wait_ms;	/* -w; 0 = the kernel's */
	/* watching */
	int		 hexdump;	/* --hexdump given */
	const char	*hexdump_file;	/* its FILE; NULL: stderr */
	const char	*source;	/* -s; NULL = the kernel's choice */
	struct tls_opts	 tls;
	/* connections that survive (--retry, --keepalive...) */
	int		 retry;		/* --retry: tries again; -1 = no end */
	int64_t		 retry_max_ms;	/* --retry-max; 0: dial's 10 s */
	int		 reconnect;	/* --reconnect (send) */
	struct keepalive keepalive;	/* --keepalive, seconds; ws pings too */
	/* WebSocket (--text, --ws-*) */
	const char	*ws_given;	/* the first WebSocket option given */
	int		 ws_text;	/* --text */
	const char	*ws_protocol;	/* --ws-protocol */
	const char	*ws_headers[WS_HEADERS_MAX];	/* -H */
	int		 ws_nheaders;
	const char	*ws_origins[WS_ORIGINS_MAX];	/* --ws-origin */
	int		 ws_norigins;
	uint64_t	 ws_max;	/* --ws-max-message */
	/* terminals (--pty, --raw-tty) */
	/* servers in production (--allow, --workers, --log-format...) */
	struct acl	 allow, deny;	/* --allow, --deny, and their files */
	long		 max_per_ip;	/* --max-per-ip; 0 = no limit */
	int		 accept_proxy;	/* --accept-proxy */
	int		 log_json;	/* --log-format json */
	int		 workers;	/* --workers; 0: none */
};

/* A command's own option: handled by its callback with the option's value. */
typedef int	opt_fn(int ch, const char *arg, void *ctx, const char **why);

/*
 * Parse argv for cmd: shared options into co, the command's own
 * (cmd->opts) through fn.  Returns optind, -'h' or -'V' for the caller
 * to print, or -1 with a message in err.
 */
int	opts_parse(const struct cmd *, int argc, char **argv, opt_fn *fn,
	    void *ctx, struct common *co, char *err, size_t errlen);
/* What opts_parse allocated in co (the access lists). */
void	opts_free(struct common *co);
/* The option lines of cmd's --help, from the tables opts_parse uses. */
void	opts_help(FILE *, const struct cmd *);
/*
 * cmd's options one a line, for completions and scripts: long name,
 * short letter, argument, a tab, the help (`sockit help --options CMD`).
 */
void	opts_print(FILE *, const struct cmd *);
/* What sockit offers for an nc option it does not take; NULL if none. */
const char *opts_nc_hint(const struct cmd *, int ch);
/*
 * ADDRESS or HOST PORT from the operands, checked against co and
 * against the kinds co's command serves (server != 0) or dials.
 */
int	opts_address(const struct common *co, int server, int argc,
	    char **argv, struct addr *a, char *err, size_t errlen);
/* Is a of a kind the command takes in that role?  -1 and err if not. */
int	opts_check_kind(const struct common *co, int server, const char *arg,
	    const struct addr *a, char *err, size_t errlen);
/*
 * The TLS options against the roles TLS has: a server (server != 0), a
 * client, both (relay) or none.
 */
int	opts_check_tls(const struct common *co, int server, int client,
	    char *err, size_t errlen);
/*
 * The WebSocket options against where WebSocket is: a server address,
 * a client one, both or none.
 */
int	opts_check_ws(const struct common *co, int server, int client,
	    char *err, size_t errlen);
/* How long a TLS handshake may take: -w, or TLS_HANDSHAKE_MS. */
int64_t	opts_handshake_ms(const struct common *co);
/* Checks that need the address: --mode and --allow-uid want unix. */
int	opts_check_server(const struct common *co, const struct addr *a,
	    char *err, size_t errlen);

#endif
