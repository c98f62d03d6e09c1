/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Pseudo-terminals and terminal modes: a pty made here (exec --pty,
 * relay pty:PATH), raw mode of a terminal we were given (send
 * --raw-tty), and the transport of a pty master.
 */
#ifndef SOCKIT_PTY_H
#define SOCKIT_PTY_H

#include <sys/ioctl.h>
#include <sys/types.h>
#include <stddef.h>
#include <termios.h>

#include "conn.h"

#define PTY_COLS	80
#define PTY_ROWS	24

/*
 * A pty master, non-blocking and close-on-exec, with its window size
 * set (ws NULL: left alone); the slave's path in slave.  -1 and err.
 */
int	pty_open(const struct winsize *ws, char *slave, size_t len,
	    char *err, size_t errlen);
/* "COLSxROWS" into ws; -1 with *why. */
int	pty_parse_size(const char *s, struct winsize *ws, const char **why);
/*
 * fd's terminal in raw mode, no echo; its modes before in saved.  -1
 * with errno if fd is not a terminal or will not change.
 */
int	tty_raw(int fd, struct termios *saved);

/*
 * What must be undone however sockit ends (a terminal's modes, a lock
 * file, a link): fn runs at exit(), and from tty_cleanup(), which the
 * death by SIGINT calls as it runs no atexit handler.  Each fn must be
 * safe to run twice.
 */
void	tty_cleanup_add(void (*fn)(void));
void	tty_cleanup(void);

/*
 * A pty master as a conn: the slave's last close (EIO) reads as EOF,
 * and EOF sent to it is the terminal's end-of-file character.
 */
extern const struct xport	xport_pty;

#endif
