"""What keeps one request from hurting the others: a body-size cap and bounded engine pools.

The engine is CPU-bound Python, so it never runs on the event loop: each kind of heavy job has
its own small thread pool, and requests beyond what a pool may hold waiting get a 503 at once,
while `/api/health` and the page itself are served by the event loop without waiting.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from starlette.exceptions import HTTPException

from ..engine.export import dumps

MAX_BODY = 16 * 1024 * 1024  # bytes (DESIGN §4)
BODY_TIMEOUT = 60.0  # seconds a client may take to send a whole body


TOO_LARGE = f"request body over {MAX_BODY} bytes (16 MB)"


class BodyTooLarge(HTTPException):
    def __init__(self):
        super().__init__(413, TOO_LARGE)


class BodyLimit:
    """ASGI middleware: 413 for a body over MAX_BODY, by its Content-Length or, without one, by
    counting what arrives; 408 when the whole body has not arrived within BODY_TIMEOUT."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > MAX_BODY:
            return await _send_json(send, 413, TOO_LARGE)
        received, body_done = 0, False
        deadline = asyncio.get_running_loop().time() + BODY_TIMEOUT

        async def limited_receive():
            nonlocal received, body_done
            if body_done:  # later receives wait for a disconnect, for as long as the response takes
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):  # no task per call, unlike wait_for
                    message = await receive()
            except TimeoutError:
                raise HTTPException(408, "the request body stopped arriving") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:
                    raise BodyTooLarge()
                body_done = not message.get("more_body", False)
            return message

        await self.app(scope, limited_receive, send)


async def _send_json(send, status: int, detail: str):
    body = dumps({"detail": detail})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class JobPool:
    """`workers` threads for one kind of engine job, and at most `waiting` more queued."""

    def __init__(self, name: str, workers: int, waiting: int):
        self.name = name
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix=f"unroll-{name}")
        self.workers = workers
        self.capacity = workers + waiting
        self.busy = 0

    def reserve(self):
        """Take a place, or raise 503 when the pool is full (the caller must `release`)."""
        if self.busy >= self.capacity:
            raise HTTPException(503, f"the server is busy with {self.name} jobs; try again shortly",
                                headers={"Retry-After": "1"})
        self.busy += 1

    def release(self):
        self.busy -= 1

    async def run(self, fn, *args):
        """fn(*args) on the pool, awaited without blocking the event loop."""
        self.reserve()
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)
        finally:
            self.release()


TRACE_POOL = JobPool("trace", workers=1, waiting=64)
TRAIN_POOL = JobPool("training", workers=2, waiting=8)  # a waiting training streams once it starts
