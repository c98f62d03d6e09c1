# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""socat_proxy.py PATH TARGET: a unix listener (socat announces nothing)
whose first client is handed to socat, which connects it to TCP TARGET."""
import subprocess
from sockpeer import *

l = socket.socket(socket.AF_UNIX); l.bind(sys.argv[1]); l.listen(1)
ready("unix:" + sys.argv[1])
c, _ = l.accept()
subprocess.run(["socat", "FD:%d" % c.fileno(), "TCP:" + sys.argv[2]], pass_fds=[c.fileno()])
