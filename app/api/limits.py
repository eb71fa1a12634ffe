"""What keeps one request from hurting the others: a body-size cap and bounded engine pools.

The engine is CPU-bound Python, so it never runs on the event loop: each kind of heavy job has
its own small thread pool, and requests beyond what a pool may hold waiting get a 503 at once,
while `/api/health` and the page itself are served by the event loop without waiting. A job
starts only while the answers still being sent hold less than their budget (app.api.sending).

Traces come before trainings. A training is long and a trace is short, and both need the same
cores and, within a process, the same interpreter lock: so the training threads run at a lower
OS priority (TRAINING_NICE, per thread on Linux) and a training pauses between two steps while
trace jobs run or wait (`TRACE_POOL.idle`, at most TRAINING_YIELD a step so that a flood of
traces slows trainings but cannot stop them). Measured with forty students training at once in
benchmarks/bench_class.py: traces' p99 from 0.6 to 1.3 s without either to 51 and 77 ms with both
on a moderately loaded machine (benchmarks/README.md, with what it does under heavier load).
"""

import asyncio
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from starlette.exceptions import HTTPException

from ..engine.config import BODY_IDLE_TIMEOUT, BODY_TIMEOUT, MAX_BODY
from ..wire import dumps
from .errors import error_body
from .sending import ANSWERS

CLOSE = {"Connection": "close"}  # the rest of an unread body is not read: the connection ends

TOO_LARGE = f"request body over {MAX_BODY} bytes (16 MB)"


class BodyTooLarge(HTTPException):
    def __init__(self):
        super().__init__(413, TOO_LARGE, headers=CLOSE)


class BodyLimit:
    """ASGI middleware: 413 for a body over MAX_BODY, by its Content-Length or, without one, by
    counting what arrives; 408 when the body pauses for BODY_IDLE_TIMEOUT or has not arrived
    whole within BODY_TIMEOUT."""

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
            loop = asyncio.get_running_loop()
            try:  # timeout_at: no task per call, unlike wait_for
                async with asyncio.timeout_at(min(deadline, loop.time() + BODY_IDLE_TIMEOUT)):
                    message = await receive()
            except TimeoutError:
                why = (f"no part of it for {BODY_IDLE_TIMEOUT:g} s" if loop.time() < deadline
                       else f"not all of it within {BODY_TIMEOUT:g} s")
                raise HTTPException(408, f"the request body stopped arriving: {why}", CLOSE) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:
                    raise BodyTooLarge()
                body_done = not message.get("more_body", False)
            return message

        await self.app(scope, limited_receive, send)


async def _send_json(send, status: int, detail: str):
    body = dumps(error_body(status, detail))
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _lower_priority(nice: int):
    """The calling thread's OS priority lowered by `nice` (Linux: a thread id is a pid for
    setpriority; elsewhere it would name another process, so nothing is done)."""
    if nice and sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + nice)


class JobPool:
    """`workers` threads for one kind of engine job, and at most `waiting` more queued; `nice`
    lowers its threads' OS priority. `idle` is set while no job of the pool runs or waits."""

    def __init__(self, name: str, workers: int, waiting: int, nice: int = 0):
        self.name = name
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix=f"unroll-{name}",
                                           initializer=_lower_priority, initargs=(nice,))
        self.workers = workers
        self.capacity = workers + waiting
        self.busy = 0
        self.idle = threading.Event()
        self.idle.set()

    def reserve(self):
        """Take a place, or raise 503 when the pool is full (the caller must `release`)."""
        if self.busy >= self.capacity:
            raise busy(f"the server is busy with {self.name} jobs; try again shortly")
        self.busy += 1
        self.idle.clear()

    def release(self):
        self.busy -= 1
        if not self.busy:
            self.idle.set()

    async def run(self, fn, *args):
        """fn(*args) on the pool, awaited without blocking the event loop; it starts once the
        answers being sent leave room for one more (see app.api.sending)."""
        self.reserve()
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, _when_room, fn, *args)
        finally:
            self.release()


def _when_room(fn, *args):
    """On the pool's thread, so that jobs start one by one as room frees up."""
    if not ANSWERS.wait_for_room():
        raise busy("the server is busy sending answers that are not being read; try again shortly")
    return fn(*args)


def busy(msg: str) -> HTTPException:
    return HTTPException(503, msg, headers={"Retry-After": "1"})


TRAINING_NICE = 10  # training threads' OS priority below the server's (19 is the lowest)
TRAINING_YIELD = 0.1  # seconds a training may pause between two steps for trace jobs to finish
TRACE_POOL = JobPool("trace", workers=1, waiting=64)
# A waiting training streams its place and holds only its request's network (Adam's moments come
# when it starts): 40 wait, so that a whole class pressing Start at once all hear their place even
# when every connection reaches one worker process (a burst of connections usually does).
TRAIN_POOL = JobPool("training", workers=2, waiting=40, nice=TRAINING_NICE)
