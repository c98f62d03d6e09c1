# Copyright (c) 2026 The sockit developers.  ISC licence: see LICENSE.
"""A WebSocket peer on python's websockets (Debian's python3-websockets,
run by /usr/bin/python3).

  ws_peer.py server MODE [CERT KEY]   serve on 127.0.0.1, port announced
                                      as ws://127.0.0.1:PORT/ (wss://
                                      with CERT and KEY) on fd 4
  ws_peer.py client URL ACTION [ARG]  connect, act, print what came

Server MODEs: echo (each message back as it came), frag (send one
message in three fragments, then close), close4001 (close with 4001),
sha (hash every binary byte until the client closes, then send the
hex digest on stdout), log (print each message received), hello (send b"hello" and
close with 1000), protocol (send the subprotocol agreed, or "none"),
headers (send the request's path, X-Test and Host headers).
Client ACTIONs: send (each line of stdin a binary message, then print
each reply as it came: b'..' or '..'), ping, big N (N random bytes as
one message; print whether the echo matches), text MSG, sha N, frag,
closecode (wait for the server's close; print its code)."""
import asyncio, hashlib, os, ssl, sys

import websockets

def ready(addr):
    f = os.fdopen(4, "w")
    f.write(addr + "\n")
    f.close()

async def handler(ws, path=None):
    mode = sys.argv[2]
    if mode == "echo":
        async for m in ws:
            await ws.send(m)
    elif mode == "frag":
        await ws.send([b"one,", b"two,", b"three"])
        await ws.close()
    elif mode == "close4001":
        await ws.close(code=4001, reason="bye")
    elif mode == "hello":
        await ws.send(b"hello")
        await ws.close()
    elif mode == "headers":
        await ws.send("%s %s %s" % (ws.path, ws.request_headers.get("X-Test"),
                                    ws.request_headers.get("Host")))
        await ws.close()
    elif mode == "protocol":
        await ws.send(ws.subprotocol or "none")
        await ws.close()
    elif mode == "log":
        async for m in ws:
            print(repr(m), flush=True)
    elif mode == "sha":
        h = hashlib.sha256()
        async for m in ws:
            h.update(m if isinstance(m, bytes) else m.encode())
        # The client's Close came: nothing more can go.
        print(h.hexdigest(), flush=True)

async def serve():
    ctx = None
    if len(sys.argv) > 4:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    async with websockets.serve(handler, "127.0.0.1", 0, ssl=ctx,
                                max_size=None,
                                subprotocols=["chat", "other"]) as srv:
        port = srv.sockets[0].getsockname()[1]
        ready("%s://127.0.0.1:%d/" % ("wss" if ctx else "ws", port))
        await asyncio.Future()

def show(m):
    print(repr(m), flush=True)

async def client():
    url, action = sys.argv[2], sys.argv[3]
    arg = sys.argv[4] if len(sys.argv) > 4 else None
    ctx = None
    if url.startswith("wss:"):
        ctx = ssl.create_default_context(cafile=os.environ.get("CAFILE"))
    async with websockets.connect(url, ssl=ctx, max_size=None) as ws:
        if action == "send":
            for line in sys.stdin.buffer:
                await ws.send(line.rstrip(b"\n"))
            await ws.close()
            return
        if action == "text":
            await ws.send(arg)
            show(await ws.recv())
        elif action == "ping":
            pong = await ws.ping(b"are you there")
            await asyncio.wait_for(pong, 10)
            print("pong", flush=True)
        elif action == "big":
            data = os.urandom(int(arg))
            await ws.send(data)
            got = b""
            while len(got) < len(data):
                got += await ws.recv()
            print("same" if got == data else "differ", len(got), flush=True)
        elif action == "frag":
            await ws.send([b"a", b"b", b"c"])
            got = b""
            while len(got) < 3:
                got += await ws.recv()
            show(got)
        elif action == "closecode":
            try:
                while True:
                    show(await ws.recv())
            except websockets.ConnectionClosed as e:
                print("closed", e.code, flush=True)
                return

if sys.argv[1] == "server":
    asyncio.run(serve())
else:
    asyncio.run(client())
