/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit ftp: what the command (src/cmd_ftp.c: options, the control
 * connection's reading) and the modules here share: replies
 * (ftp_reply.c), the commands (ftp_cmds.c), data connections
 * (ftp_data.c), listings (ftp_list.c), path confinement (ftp_path.c)
 * and PORT/EPRT parsing (ftp_addr.c).  Each calls only those after it
 * in that list, never back: ftp_reply.c reaches the command's close
 * through server_settle and the client_ops the command attached.
 */
#ifndef SOCKIT_FTP_H
#define SOCKIT_FTP_H

#include <sys/types.h>
#include <sys/socket.h>
#include <dirent.h>
#include <stdint.h>

#include "conn.h"
#include "opts.h"
#include "server.h"
#include "tls.h"

#define FTP_LINE_MAX	4096		/* longest command line, less CRLF */
#define FTP_PATH_MAX	4096		/* longest virtual path */
#define FTP_WHO_MAX	(SOCK_NAME_MAX + 68)	/* ftp_who's buffer */

struct fclient;

struct ftpd {
	struct common	 co;
	struct server	 srv;
	const char	*root;
	int		 rootfd;	/* every path is opened beneath it */
	int		 write;		/* --write */
	const char	*user;		/* --user NAME:PASSWORD; NULL: anyone */
	size_t		 userlen;	/* of NAME */
	int64_t		 wait_ms;	/* -w: data connection deadline */
	struct tls_ctx	*tls;		/* FTPS, explicit or implicit; or NULL */
	int		 tls_required;	/* --tls-required */
};

enum xfer {
	XFER_NONE, XFER_RETR, XFER_STOR, XFER_LIST
};

enum list_kind {
	LIST_LONG, LIST_NAMES, LIST_MLSD
};

/* A directory being listed, a piece at a time. */
struct listing {
	DIR		*dir;
	enum list_kind	 kind;
	int		 write;		/* perm facts say what may change */
	char		*one;		/* LIST of one file: its name */
	int		 onefd;		/* and its parent */
};

struct fdata;

/* One control connection and all it holds. */
struct fclient {
	struct conn	 c;
	struct ftpd	*F;
	struct buf	 in;		/* a command line not yet whole */
	struct buf	 out;		/* replies the client did not take */
	char		*cwd;		/* virtual, "/..." */
	char		*rnfr;		/* RNFR's path until RNTO */
	char		*user;		/* USER's name, kept for logs */
	const char	*verb;		/* the command running, for logs */
	const char	*arg;		/* and its argument */
	off_t		 rest;		/* REST's offset for the next transfer */
	int		 logged;
	int		 ascii;		/* TYPE A */
	int		 toolong;	/* discarding the rest of a long line */
	int		 quit;		/* close once replies are out */
	int		 dead;		/* close at the end of this event */
	int		 tls;		/* the control connection is TLS */
	int		 starttls;	/* AUTH TLS answered: TLS once it is out */
	int		 prot_p;	/* PROT P: data connections in TLS */
	struct fdata	*d;		/* data connection, or NULL */
};

/* What a command needs before it runs. */
#define NEED_LOGIN	0x1
#define NEED_ARG	0x2
#define NEED_WRITE	0x4

struct fcmd {
	const char	*name;
	void		(*fn)(struct fclient *, char *arg);
	int		 flags;
};

/* ftp_cmds.c: the commands, by name (any case); NULL if unknown. */
const struct fcmd *ftp_cmd_find(const char *);

/* ftp_reply.c */
void	ftp_reply(struct fclient *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* After an event: flush, start TLS, and settle it with the server. */
void	ftp_settle(struct fclient *);
/* The client_ops parts: finished (dead, or QUIT answered), and what
 * the control connection waits for. */
int	ftp_done(const struct conn *);
int	ftp_interest(const struct conn *);
/* Who the client is in -v logs: "ADDR: USER" ("-" before USER). */
const char *ftp_who(const struct fclient *, char *buf, size_t len);

/* ftp_addr.c: PORT's and EPRT's argument; -1 if it is not one. */
int	ftp_parse_port(const char *, struct sockaddr_storage *, socklen_t *);
/* -1 with *why (501), -2 for a protocol or address not had (522). */
int	ftp_parse_eprt(const char *, struct sockaddr_storage *, socklen_t *,
	    const char **why);

/* ftp_data.c */
/* PASV (ext 0) and EPSV (ext 1): listen, and say where. */
void	ftp_data_passive(struct fclient *, int ext);
/* PORT/EPRT to sa: refuses all but the control peer, port > 1023. */
void	ftp_data_active(struct fclient *, const struct sockaddr *, socklen_t);
/* Start a transfer over the data connection (150 now, 226 at end). */
void	ftp_data_retr(struct fclient *, int fd, off_t off, const char *name);
void	ftp_data_stor(struct fclient *, int fd, const char *name);
void	ftp_data_list(struct fclient *, struct listing *);
/* ABOR; or the end of the client: drop the data connection. */
int	ftp_data_abort(struct fclient *);
void	ftp_data_free(struct fclient *);
/* Is a transfer running or waiting for its connection? */
int	ftp_data_busy(const struct fclient *);

/* ftp_path.c */
/* Resolve arg against cwd into a clean virtual path; -1 if too long. */
int	ftp_path_resolve(const char *cwd, const char *arg, char *out,
	    size_t len);
/* Open vpath beneath rootfd; never leaves it.  -1 with errno. */
int	ftp_path_open(int rootfd, const char *vpath, int flags, mode_t mode);
/* Open vpath's parent directory; *base points into vpath. */
int	ftp_path_parent(int rootfd, const char *vpath, const char **base);
/* Choose the resolver: openat2 unless the kernel lacks it. */
void	ftp_path_init(void);

/* ftp_list.c */
int	ftp_list_open(struct listing *, int dirfd, enum list_kind, int write);
/* One line for a file, not a directory. */
int	ftp_list_open_one(struct listing *, int parentfd, const char *name,
	    enum list_kind, int write);
/* Fill p with whole lines; 0 at the end. */
size_t	ftp_list_fill(struct listing *, char *p, size_t cap);
void	ftp_list_close(struct listing *);
/* "20261122034400" for MDTM and MLSD. */
void	ftp_list_time(char *buf, size_t len, time_t t);

#endif
