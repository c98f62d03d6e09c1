/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * Serial devices: serial:DEVICE[,BAUD][,8N1][,rtscts|xonxoff] parsed,
 * and the device opened for one user at a time (a uucp lock file,
 * flock, TIOCEXCL), in raw mode, its settings put back when closed or
 * at exit.  Returns errors; never exits.
 */
#ifndef SOCKIT_SERIAL_H
#define SOCKIT_SERIAL_H

#include <stddef.h>

#define SERIAL_FLOW_NONE	0
#define SERIAL_FLOW_RTSCTS	1
#define SERIAL_FLOW_XONXOFF	2

struct serial_cfg {
	long	baud;		/* 0: as the device is */
	int	bits;		/* 5 to 8 */
	char	parity;		/* 'N', 'E', 'O' */
	int	stop;		/* 1, 2 */
	int	flow;		/* SERIAL_FLOW_* */
};

struct conn;

/*
 * The settings after serial:DEVICE (",115200,8N1,rtscts"), each at most
 * once, in any order.  -1 with a one-line reason in err.
 */
int	serial_parse(const char *settings, struct serial_cfg *, char *err,
	    size_t errlen);
/*
 * Open dev for c (fd -1 before), set up as cfg says.  -1 with err; then
 * *usage says whether the address is at fault (no such device, not a
 * terminal) rather than the moment (in use: err names the holder).
 */
int	serial_open(const char *dev, const struct serial_cfg *,
	    struct conn *c, int *usage, char *err, size_t errlen);
/* Is dev there, and a character device?  -1 with err if not. */
int	serial_check(const char *dev, char *err, size_t errlen);
/* Where lock files go: $SOCKIT_LOCK_DIR, or /run/lock. */
const char *serial_lock_dir(void);

#endif
