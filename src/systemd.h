/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Socket activation: a server started by systemd (or any manager that
 * follows sd_listen_fds(3)) with ADDRESS "systemd" or "systemd:NAME"
 * serves a listening socket it inherited on fd 3 and up.  Returns
 * errors; never exits.
 */
#ifndef SOCKIT_SYSTEMD_H
#define SOCKIT_SYSTEMD_H

#include <stddef.h>

#include "sock.h"

/* Take the inherited socket NAME ("": the only one) as l: a listening
 * stream socket, or with dgram a datagram socket. */
int	systemd_listener(const char *name, int dgram, struct listener *l,
	    char *err, size_t errlen);
/*
 * Which of n passed descriptors LISTEN_FDNAMES ("a:b:c") calls name:
 * its index from 0, or -1.  No I/O (what a fuzzer calls).
 */
int	systemd_fdname(const char *names, int n, const char *name);

#endif
