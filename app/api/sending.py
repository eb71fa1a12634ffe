"""Answers cost memory until the client reads them: bounded for clients that do not.

A maximal trace is about 45 MB of JSON. Handed to the server in one piece it would sit in the
connection's write buffer for as long as the client stays connected without reading, so twenty
such clients held about 900 MB. Here every answer is handed over in CHUNK-sized pieces, each of
which waits until the client has read the one before (the server's flow control); a client that
reads nothing for WRITE_TIMEOUT seconds is disconnected, which frees its answer. And the answers
being sent count against ANSWER_BUDGET: no engine job starts while they hold more (it waits,
up to ROOM_TIMEOUT, then 503), so memory stays under the budget plus two answers (the one that
started while under it and the one computed meanwhile), whatever clients do.
"""

import asyncio
import time

ANSWER_BUDGET = 128 * 1024 * 1024  # bytes of answers being sent, per worker process
CHUNK = 256 * 1024  # bytes handed to the server at a time
WRITE_TIMEOUT = 10.0  # seconds a client may go without reading any of its answer
ROOM_TIMEOUT = 30.0  # seconds a job may wait for room in the budget before a 503
ABORT = "unroll.abort"  # scope["extensions"] key of app.server's "drop this connection now"


class AnswerBudget:
    """Bytes of answers being sent. A plain counter (changed on the event loop, read by the
    engine pools' threads), so that one budget serves any event loop."""

    def __init__(self, limit: int):
        self.limit = limit
        self.held = 0

    def wait_for_room(self) -> bool:
        """On a job's thread: wait until the answers being sent hold less than the limit;
        False after ROOM_TIMEOUT."""
        until = time.monotonic() + ROOM_TIMEOUT
        while self.held >= self.limit:
            if time.monotonic() >= until:
                return False
            time.sleep(0.05)
        return True


ANSWERS = AnswerBudget(ANSWER_BUDGET)


class SendGuard:
    """ASGI middleware: every response body in CHUNK pieces, each sent within WRITE_TIMEOUT or
    the connection is dropped; a body's bytes count against ANSWERS while it is being sent."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        abort = scope.get("extensions", {}).get(ABORT)
        dropped = False

        async def send_in_time(message):
            nonlocal dropped
            try:
                async with asyncio.timeout(WRITE_TIMEOUT):
                    await send(message)
            except TimeoutError:
                dropped = True
                if abort is None:  # another server: it closes the connection on an error
                    raise ConnectionAbortedError(f"the client read nothing for {WRITE_TIMEOUT:g} s") from None
                abort()
                await asyncio.sleep(0)  # the server sees the connection lost before the app returns

        async def guarded_send(message):
            if dropped:
                return
            body = message.get("body", b"") if message["type"] == "http.response.body" else b""
            if len(body) <= CHUNK:
                return await send_in_time(message)
            ANSWERS.held += len(body)
            try:
                more = message.get("more_body", False)
                for start in range(0, len(body), CHUNK):
                    last = start + CHUNK >= len(body)
                    await send_in_time({"type": "http.response.body", "body": body[start : start + CHUNK],
                                        "more_body": more or not last})
                    if dropped:
                        return
            finally:
                ANSWERS.held -= len(body)

        await self.app(scope, receive, guarded_send)


class HeadAsGet:
    """ASGI middleware: HEAD is answered as GET is, headers only (the routes declare GET)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)
