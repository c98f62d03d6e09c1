/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* Messages to stderr: errors as "sockit: CMD: ...", -v logs alike. */
#ifndef SOCKIT_LOG_H
#define SOCKIT_LOG_H

#include <stddef.h>

void	log_init(const char *cmd, int verbosity);
/* Error line; always printed. */
void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed when -v was given at least `level` times. */
void	log_v(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * sockit nc says what netcat-openbsd says, in its words: the events it
 * reports, told to this hook (NULL for the other commands) by the
 * code where they happen.  fd is the socket; err the one-line error.
 */
enum { LOG_NC_LISTENING, LOG_NC_ACCEPTED, LOG_NC_CONNECTED, LOG_NC_FAILED };
extern void	(*log_nc)(int event, int fd, const char *err);

#endif
