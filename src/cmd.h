/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/* The command table: one file per subcommand, each exporting a struct cmd. */
#ifndef SOCKIT_CMD_H
#define SOCKIT_CMD_H

#include "opts.h"

struct addr;
struct server;

/*
 * A command declares what it takes: the kinds of address it serves and
 * dials (KIND_*, opts.h) and the groups of shared options (GROUP_*).
 * Option tables, address checks and the --help footer all come from
 * these, so that no command can silently ignore a form it cannot serve.
 */
struct cmd {
	const char	*name;
	const char	*args;		/* "[options] ADDRESS" */
	const char	*summary;	/* one line for `sockit --help` */
	const struct opt_spec *opts;	/* its own options; NULL: none */
	const char	*note;		/* a line under them in --help, or NULL */
	int		 flags;		/* GROUP_* it takes, CMD_* */
	int		 serves;	/* KIND_* it listens on */
	int		 dials;		/* KIND_* it connects to */
	int		 per_client;	/* descriptors a client takes; 0: 1 */
	int		(*exec)(const struct cmd *, int argc, char **argv);
};

extern const struct cmd	cmd_listen, cmd_send, cmd_echo, cmd_clock,
			cmd_relay, cmd_wall, cmd_exec, cmd_wait, cmd_ftp,
			cmd_nc;

/* Print the command's help to stdout. */
void	cmd_help(const struct cmd *);
/* Exit 2 with "sockit: CMD: msg" and a pointer to --help. */
void	usage_error(const struct cmd *, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));
/*
 * The steps every command shares, which exit on failure: parse argv
 * (-h and -V print and exit 0, a bad option exits 2) and return the
 * index of the first operand; read a server's ADDRESS; open a server
 * (exit 2 for a bad address, 1 for a failure) and run it until stopped.
 */
int	cmd_parse(const struct cmd *, int argc, char **argv, opt_fn *fn,
	    void *ctx, struct common *co);
void	cmd_server_address(const struct cmd *, const struct common *co,
	    int argc, char **argv, struct addr *a);
void	cmd_serve_open(const struct cmd *, struct server *,
	    const struct addr *);
void	cmd_serve_run(struct server *);
/* Run until stopped, let each client that is left go, and close. */
void	cmd_serve(struct server *,
	    void (*let_go)(struct server *, struct conn *));

/* Put back the flags of stdin and stdout (before an exec). */
void	stdio_restore(void);
/* A loop_signals handler for a command with no clients to wait for. */
void	cmd_stop_on_signal(struct loop *, int signo, void *arg);
/* Exit 1 with "sockit: CMD: msg". */
void	fatal(const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));

#endif
