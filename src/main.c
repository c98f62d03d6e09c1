/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * sockit: a socket tool for shells and scripts.  main() finds the
 * command and hands it argv; only main.c, cmd.c and cmd_*.c exit.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "loop.h"
#include "opts.h"
#include "pty.h"
#include "sock.h"
#include "util.h"

static const struct cmd	*cmds[] = {
	&cmd_listen, &cmd_send, &cmd_echo, &cmd_clock, &cmd_relay,
	&cmd_wall, &cmd_exec, &cmd_wait, &cmd_ftp, &cmd_nc,
};
#define STDIO_PIPE_SIZE	(1024 * 1024)	/* the default pipe-max-size */

static const struct cmd	*current;
static int		 stdio_flags[2] = { -1, -1 };

static void
main_help(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: sockit COMMAND [options] ADDRESS...\n\n"
	    "Commands:\n");
	for (i = 0; i < NELEM(cmds); i++)
		fprintf(f, "  %-7s %-28s %s\n", cmds[i]->name, cmds[i]->args,
		    cmds[i]->summary);
	fprintf(f, "  help    [COMMAND]\n\n"
	    "sockit COMMAND --help tells a command's options; "
	    "man sockit tells all.\n");
}

static const struct cmd *
find(const char *name)
{
	size_t	i;

	for (i = 0; i < NELEM(cmds); i++)
		if (strcmp(cmds[i]->name, name) == 0)
			return cmds[i];
	return NULL;
}

/* Edits between a and b, a swap of two neighbours counting as one. */
static size_t
distance(const char *a, const char *b)
{
	size_t	d[16][16], i, j, la = strlen(a), lb = strlen(b), c;

	if (la >= 16 || lb >= 16)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

/* Exit 2 for a command name that is not one, with the likely one. */
static void
unknown_command(const char *what, const char *name)
{
	size_t	i, d, best = SIZE_MAX;
	int	b = -1;

	for (i = 0; i < NELEM(cmds); i++)
		if ((d = distance(name, cmds[i]->name)) < best) {
			best = d;
			b = (int)i;
		}
	/* Two edits turn any three letters into "ftp": ask more of short. */
	if (best <= (strlen(name) > 4 ? 2 : 1) && best < strlen(name))
		usage_error(NULL, "%sunknown command %s; did you mean '%s'?",
		    what, name, cmds[b]->name);
	usage_error(NULL, "%sunknown command %s", what, name);
}

/*
 * An option before the command: nc habits.  "sockit -v send ..." has
 * the options in the wrong place; "sockit -l 8080" is nc's listen.
 */
static void
option_first(int argc, char **argv)
{
	const struct cmd	*c;
	const char		*p, *hint;
	char			 opts[256] = "";
	int			 i, j;

	for (i = 2; i < argc; i++)
		if ((c = find(argv[i])) != NULL) {
			for (j = 1; j < i; j++) {
				strlcat(opts, argv[j], sizeof(opts));
				strlcat(opts, " ", sizeof(opts));
			}
			usage_error(c, "%s: options go after the command: "
			    "'sockit %s %s...'", argv[1], c->name, opts);
		}
	if (argv[1][1] != '-') {
		if (strchr(argv[1], 'l') != NULL)
			usage_error(&cmd_listen, "%s: use 'sockit listen ...'",
			    argv[1]);
		for (p = argv[1] + 1; *p != '\0'; p++)
			if ((hint = opts_nc_hint(NULL, *p)) != NULL)
				usage_error(NULL, "-%c: %s", *p, hint);
	}
	usage_error(NULL, "%s: a COMMAND comes first: 'sockit COMMAND "
	    "[options] ADDRESS'", argv[1]);
}

void
stdio_restore(void)
{
	int	fd;

	for (fd = 0; fd < 2; fd++)
		if (stdio_flags[fd] != -1)
			fcntl(fd, F_SETFL, stdio_flags[fd]);
}

/*
 * Descriptors 0-2 must exist, or a socket would become "stdin".  Pipes
 * and sockets on stdin/stdout go non-blocking so that a slow reader
 * stalls no other connection; the flags are put back at exit because
 * the open file may be shared with the shell.  Terminals stay blocking.
 * A pipe is made larger where the system allows: with the default 64 KiB,
 * bulk transfers spend their time in small reads and writes.
 */
static void
stdio_setup(void)
{
	struct stat	st;
	int		fd, fl;

	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			exit(1);
	for (fd = 0; fd < 2; fd++) {
		if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
			(void)fcntl(fd, F_SETPIPE_SZ, STDIO_PIPE_SIZE);
		if (isatty(fd) || (fl = fcntl(fd, F_GETFL)) == -1 ||
		    fl & O_NONBLOCK)
			continue;
		if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0)
			stdio_flags[fd] = fl;
	}
	atexit(stdio_restore);
}

/*
 * Ctrl-C: after the clean-up exit() would do, die by SIGINT itself, so
 * that a shell loop around sockit stops (status 130), as with nc.
 */
static void
die_by_sigint(void)
{
	struct sigaction	sa;

	fflush(NULL);
	sock_unlink_owned();
	tty_cleanup();
	stdio_restore();
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	raise(SIGINT);
	_exit(130);	/* not reached: SIGINT is not blocked */
}

/* `sockit help --options CMD`: the option lines completions read. */
static int
help_options(int argc, char **argv)
{
	const struct cmd	*c;

	if (argc != 1)
		usage_error(NULL, "help --options: %s", argc == 0 ?
		    "missing COMMAND" : "one COMMAND only");
	if ((c = find(argv[0])) == NULL)
		unknown_command("help --options: ", argv[0]);
	opts_print(stdout, c);
	return 0;
}

/* Called as nc, netcat or nc.sockit (a link): sockit nc. */
static int
called_nc(const char *argv0)
{
	const char	*base = strrchr(argv0, '/');

	base = base != NULL ? base + 1 : argv0;
	return strcmp(base, "nc") == 0 || strcmp(base, "netcat") == 0 ||
	    strcmp(base, "nc.sockit") == 0;
}

int
main(int argc, char *argv[])
{
	const char	*name;
	int		 status, i;

	if (argc > 0 && called_nc(argv[0])) {
		current = &cmd_nc;
		stdio_setup();
		atexit(sock_unlink_owned);
		status = cmd_nc.exec(&cmd_nc, argc, argv);
		if (loop_last_signal() == SIGINT)
			die_by_sigint();
		return status;
	}
	if (argc < 2)
		usage_error(NULL, "missing COMMAND (listen, send, echo, "
		    "clock, relay, wall, exec, wait, ftp)");
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		main_help(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
		printf("sockit %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(name, "help") == 0) {
		if (argc == 2) {
			main_help(stdout);
			return 0;
		}
		if (strcmp(argv[2], "--options") == 0)
			return help_options(argc - 3, argv + 3);
		/* Every command named, each checked before any is shown. */
		for (i = 2; i < argc; i++)
			if (find(argv[i]) == NULL)
				unknown_command("help: ", argv[i]);
		for (i = 2; i < argc; i++) {
			if (i > 2)
				putchar('\n');
			cmd_help(find(argv[i]));
		}
		return 0;
	}
	if (name[0] == '-' && name[1] != '\0')
		option_first(argc, argv);
	if ((current = find(name)) == NULL)
		unknown_command("", name);
	log_init(current->name, 0);
	stdio_setup();
	atexit(sock_unlink_owned);
	status = current->exec(current, argc - 1, argv + 1);
	if (loop_last_signal() == SIGINT)
		die_by_sigint();
	return status;
}
