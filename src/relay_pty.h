/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* relay pty:PATH TARGET (relay_pty.c). */
#ifndef SOCKIT_RELAY_PTY_H
#define SOCKIT_RELAY_PTY_H

struct common;
struct dial_cfg;

/* Make the pty and its link at path, and carry it to TARGET until stopped. */
int	relay_pty_run(const struct common *co, const char *path,
	    const struct dial_cfg *cfg, const char *tname);

#endif
