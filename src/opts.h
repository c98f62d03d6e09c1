/* Options shared by the commands, parsed into struct common. */
#ifndef SOCKIT_OPTS_H
#define SOCKIT_OPTS_H

#include <sys/types.h>
#include <getopt.h>
#include <stdint.h>

#include "addr.h"
#include "frame.h"
#include "loop.h"

struct cmd;

/* Groups of shared options a command takes, beyond -4 -6 -U -i -v -h -V. */
#define OPT_DELIM	0x1	/* -d -0 */
#define OPT_SERVER	0x2	/* -x --mode --allow-uid --backend --ready-fd -k */
#define OPT_CLIENT	0x4	/* -w */

#define ALLOW_UID_MAX	32

struct common {
	int		 family;	/* AF_UNSPEC, -4, -6 */
	int		 force_unix;	/* -U */
	struct delim	 delim;		/* -d, -0; "\n" by default */
	int		 delim_set;	/* -d or -0 was given */
	int64_t		 idle_ms;	/* -i; 0 = never */
	int		 verbose;	/* -v count */
	/* servers */
	long long	 max_conns;	/* -x; 0 = as many as the loop holds */
	int		 mode;		/* --mode; -1 = the umask */
	uid_t		 allow_uid[ALLOW_UID_MAX];
	int		 nallow_uid;
	int		 backend;	/* --backend; -1 = choose */
	int		 ready_fd;	/* --ready-fd; -1 = none */
	/* clients */
	int64_t		 wait_ms;	/* -w; 0 = the kernel's */
};

/* A command's own option: handled by its callback with the option's value. */
typedef int	opt_fn(int ch, const char *arg, void *ctx, const char **why);

/*
 * Parse argv for cmd: shared options into co, the command's own (own,
 * ownshort) through fn.  Returns optind, or -1 with a message in err.
 * -h and -V are handled (printed, exit 0) by the caller through *help.
 */
int	opts_parse(const struct cmd *, int argc, char **argv,
	    const struct option *own, const char *ownshort, opt_fn *fn,
	    void *ctx, struct common *co, char *err, size_t errlen);
/* ADDRESS or HOST PORT from the operands, checked against co. */
int	opts_address(const struct common *co, int server, int argc,
	    char **argv, struct addr *a, char *err, size_t errlen);
/* Checks that need the address: --mode and --allow-uid want unix. */
int	opts_check_server(const struct common *co, const struct addr *a,
	    char *err, size_t errlen);

#define OPT_HELP	'h'
#define OPT_VERSION	'V'

#endif
