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

/* Take the inherited socket NAME ("": the only one) as l. */
int	systemd_listener(const char *name, struct listener *l, char *err,
	    size_t errlen);

#endif
