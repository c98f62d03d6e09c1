# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A TCP listener whose accept queue is full, so a connect to it neither
succeeds nor fails until a timeout.  Announces "queue-not-full" instead
of its address if the kernel still answers a probe; then waits for
teardown to kill it."""
from sockpeer import *

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(0)
a = srv.getsockname()
filler = socket.create_connection(a)        # fills the accept queue
probe = socket.socket()
probe.setblocking(False)
probe.connect_ex(a)
_, w, _ = select.select([], [probe], [], 0.5)
probe.close()
ready("queue-not-full" if w else "%s:%d" % a)
signal.pause()
