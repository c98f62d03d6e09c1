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

#endif
