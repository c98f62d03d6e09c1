/* The command table: one file per subcommand, each exporting a struct cmd. */
#ifndef SOCKIT_CMD_H
#define SOCKIT_CMD_H

struct cmd {
	const char	*name;
	const char	*args;		/* "[options] ADDRESS" */
	const char	*summary;	/* one line for `sockit --help` */
	const char	*help;		/* the command's own option lines */
	int		 groups;	/* shared option groups, OPT_* */
	int		(*exec)(const struct cmd *, int argc, char **argv);
};

extern const struct cmd	cmd_listen, cmd_send, cmd_echo, cmd_clock,
			cmd_relay;

/* Print the command's help to stdout. */
void	cmd_help(const struct cmd *);
/* Exit 2 with "sockit: CMD: msg" and a pointer to --help. */
void	usage_error(const struct cmd *, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));
/* Exit 1 with "sockit: CMD: msg". */
void	fatal(const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));

#endif
