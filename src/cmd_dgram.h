/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * The datagram modes of send, listen, echo and relay (-u, udp:,
 * unixgram:): one socket, whole datagrams, peers by address (dgram.h);
 * no chans.  Each command hands over once its options are parsed.
 */
#ifndef SOCKIT_CMD_DGRAM_H
#define SOCKIT_CMD_DGRAM_H

#include <stdint.h>

#include "frame.h"
#include "opts.h"
#include "sock.h"

struct cmd;

struct dsend_opts {
	const char	**msg;		/* -m */
	int		  nmsg;
	int		  send_only, recv_only;
	int64_t		  quit_ms;	/* -q: replies read after EOF */
};

struct dlisten_opts {
	int			 label;		/* -L */
	int			 once;		/* --once */
	int			 recv_only;
	const struct delim	*odelim;	/* --output-delimiter, or NULL */
};

/* fd: connected; name: the peer for logs.  Returns the exit status. */
int	dgram_send_run(const struct common *, const struct dsend_opts *,
	    int fd, const char *name);
int	dgram_listen_run(const struct cmd *, const struct common *,
	    const struct dlisten_opts *, const struct addr *);
int	dgram_echo_run(const struct cmd *, const struct common *,
	    const struct addr *);
/* t: the resolved target, tname its name for logs. */
int	dgram_relay_run(const struct cmd *, const struct common *,
	    const struct addr *, struct target *t, const char *tname);

#endif
