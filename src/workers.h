/* Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE. */
/*
 * --workers N: N processes serve one listening socket, each with its own
 * loop (nginx's model); the parent only supervises.  The socket is the
 * one the parent opened, inherited: the kernel gives each new client to
 * one worker's accept().  --max-conns stays a total: each worker writes
 * its count of clients to its slot of a shared page, and admit() sums
 * them.  The parent restarts a worker that dies (logged; after a second
 * if it died within one), stops all on SIGTERM, SIGINT and SIGHUP,
 * passes SIGUSR1 (reload) on, and writes --ready-fd once all are forked
 * (the socket listens from then on).  Returns errors; never exits.
 */
#ifndef SOCKIT_WORKERS_H
#define SOCKIT_WORKERS_H

#include <stddef.h>

struct server;

#define WORKERS_MAX	64

/*
 * Fork s's workers, after server_open.  In a worker: 0, and s is its own
 * to serve as ever.  In the parent, once all workers are gone: 1.  -1
 * with err if it could not start.
 */
int	workers_run(struct server *, int n, char *err, size_t errlen);

#endif
