// Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
//
// ws_echo.js: the Node anchor of the ws-echo benchmark.  A WebSocket
// echo server with the `ws` module (Debian's node-ws: NODE_PATH must
// hold /usr/share/nodejs), as its README's echo example writes one:
// every message goes back as it came, binary or text.
//
//   node ws_echo.js [FD]
//
// Listens on 127.0.0.1, a port of the kernel's choosing, and writes
// "127.0.0.1:PORT" and a newline to FD (default 1) once it listens,
// like sockit's --ready-fd, so the bench needs no port guess.
// Compression is off (the server's default in ws 8), as in sockit.

'use strict';

const fs = require('fs');
const { WebSocketServer } = require('ws');

const fd = process.argv.length > 2 ? Number(process.argv[2]) : 1;
const wss = new WebSocketServer({
	host: '127.0.0.1',
	port: 0,
	backlog: 4096,
	perMessageDeflate: false,
});

wss.on('listening', () => {
	fs.writeSync(fd, `127.0.0.1:${wss.address().port}\n`);
	if (fd !== 1)
		fs.closeSync(fd);
});
wss.on('connection', (ws) => {
	ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
	ws.on('error', () => ws.terminate());
});
wss.on('error', (e) => {
	process.stderr.write(`ws_echo.js: ${e.message}\n`);
	process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
