/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Messages to stderr: errors as "sockit: CMD: ...", -v logs alike; or,
 * with --log-format json, each one JSON object a line, for log
 * pipelines: time, level, cmd, event, the event's fields, and msg (the
 * text line's words).
 */
#ifndef SOCKIT_LOG_H
#define SOCKIT_LOG_H

#include <stddef.h>

void	log_init(const char *cmd, int verbosity);
/* From now on, JSON lines (1) or text (0). */
void	log_set_json(int);
int	log_is_json(void);
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
/* A field of an event: a string, or (str NULL) a number. */
struct log_field {
	const char	*key;
	const char	*str;
	long long	 num;
};
/*
 * An event (listening, connect, close, refuse...) at -v level: the
 * text line is fmt's; a JSON line has the event's name and fields too.
 */
void	log_event(int level, const char *event, const struct log_field *,
	    size_t nfield, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

#endif
