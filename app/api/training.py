"""Live training, streamed as newline-delimited JSON while it runs (docs/api.md §Training).

The training runs on the training pool's thread, one Adam step at a time; each step's progress
is written as a line there and crosses to the event loop, which sends it. Every few seconds a
`snapshot` line carries the weights as they are after that step (SnapshotClock). A training that
waits for a thread says so at once, `{"type": "queued", "position": n}`, and again every
QUEUE_REPORT seconds until it starts. When the response ends for any reason (done, client gone,
server stopping) the thread is told to stop, and it does before its next step or its next chunk
of scoring.
"""

import asyncio
import logging
import threading
import time
from dataclasses import asdict
from functools import partial

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ..engine.config import SNAPSHOT_BYTES_PER_SECOND, SNAPSHOT_SECONDS, training_settings
from ..engine.errors import Diverged
from ..engine.train import Training, check_settings, final_metrics
from ..wire import dumps
from .convert import network_from
from .errors import POST_ERRORS
from .jsonbody import FastJSONRoute
from .limits import TRACE_POOL, TRAIN_POOL, TRAINING_YIELD
from .schemas import TrainRequest

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["train"], route_class=FastJSONRoute)
QUEUE_REPORT = 2.0  # seconds between `queued` lines while a training waits for a thread
STARTED = object()  # what a training's thread says first, so that it leaves the queue

NDJSON_DOC = {
    200: {
        "description": (
            "Newline-delimited JSON, one object a line:\n\n"
            "- `{\"type\": \"queued\", \"position\": n}` at once when the training waits for a free "
            "trainer (1: next to start), repeated every 2 s until it starts;\n"
            "- `{\"type\": \"progress\", \"step\", \"loss\", \"accuracy\", \"metric\", \"grad_norm\"}` "
            "after each optimisation step;\n"
            "- `{\"type\": \"snapshot\", \"step\", \"params\"}` right after the progress line of "
            "that step, every few seconds: the weights after that step's update, exactly the `params` "
            f"that a training of `step` steps with the same request ends with. The first comes "
            f"{SNAPSHOT_SECONDS:g} s after the training starts and each next one {SNAPSHOT_SECONDS:g} s "
            f"after the one before, or longer for a large network, so that snapshots average at most "
            f"{SNAPSHOT_BYTES_PER_SECOND // 1000} kB a second (a snapshot of the largest network, "
            f"12 MB, every {12e6 / SNAPSHOT_BYTES_PER_SECOND:g} s); none at the last step, whose "
            "weights `done` carries;\n"
            "- `{\"type\": \"done\", \"params\", \"metrics\", \"steps\"}` last: `metrics` holds the "
            "`loss`, `accuracy`, `metric` (and `r2` for regression) on up to 200 fresh examples "
            "(`examples` says "
            "how many were scored before `seconds` ran out), or `{\"diverged\": why}` when the trained "
            "network overflows on them;\n"
            "- or `{\"type\": \"error\", \"detail\", \"step\", \"timestep\"}` last, when a value "
            "overflowed float64 during training (`detail` names the quantity, as a `diverged` 422 "
            "does; `step` counts training steps, `timestep` where in the sequence), or "
            "`{\"type\": \"error\", \"detail\": \"training failed on the server\"}`.\n\n"
            "The whole job, scoring included, keeps to `seconds`: no step or chunk of scoring "
            "starts after it (each is bounded to about 0.3 s). Closing the connection stops it.\n\n"
            "A training is a pure function of its request: the same request streams the same "
            "`progress` lines and ends with the same `done` params, whether it waited in the queue "
            "or not. Only time decides which steps carry a snapshot, how many `queued` lines come, "
            "and, when `seconds` runs out before `steps`, where the training stops: always at a step "
            "boundary, `steps` in `done` saying how many ran (fewer than asked), its params those of "
            "a training of that many steps; the scoring's `examples` likewise.\n\n"
            "`accuracy` is R² for a regression task: `metric` says which (`accuracy` or `r2`)."
        ),
        "content": {"application/x-ndjson": {"example": (
            '{"type":"queued","position":1}\n'
            '{"type":"progress","step":1,"loss":1.09,"accuracy":0.41,"metric":"accuracy","grad_norm":0.8}\n'
            '{"type":"snapshot","step":1,"params":{"W_ih":[[0.11]]}}\n'
            '{"type":"progress","step":2,"loss":0.97,"accuracy":0.5,"metric":"accuracy","grad_norm":0.7}\n'
            '{"type":"done","params":{"W_ih":[[0.1]]},"metrics":{"loss":0.02,"accuracy":0.99,'
            '"metric":"accuracy","examples":200},"steps":2}\n'
        )}},
    },
    **POST_ERRORS,
}


class TrainingStream(StreamingResponse):
    """A streaming response that stops its training whenever the response ends."""

    def __init__(self, lines, stop: threading.Event):
        super().__init__(lines, media_type="application/x-ndjson")
        self.stop = stop

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.stop.set()


class SnapshotClock:
    """When a training's stream carries its weights: SNAPSHOT_SECONDS after the training starts
    and after each snapshot, or longer after a large one, so that the snapshots average at most
    SNAPSHOT_BYTES_PER_SECOND (the largest network's 12 MB: one every 24 s)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.next_at = clock() + SNAPSHOT_SECONDS

    def due(self) -> bool:
        return self.clock() >= self.next_at

    def sent(self, size: int):
        """A snapshot of `size` bytes went out now."""
        self.next_at = self.clock() + max(SNAPSHOT_SECONDS, size / SNAPSHOT_BYTES_PER_SECOND)


def line(item: dict) -> bytes:
    return dumps(item) + b"\n"


def _train(make_training, seed: int, stop: threading.Event, emit):
    """On the pool's thread: step, emit each progress line (and a snapshot when one is due), stop
    when told; then score, within the same deadline and stopping likewise. Lines are written
    here, so that the event loop only sends them (a 12 MB `done` line costs it nothing)."""
    if stop.is_set():  # the client left while the training waited for a thread
        emit(None)
        return
    emit(STARTED)
    try:
        training = make_training()  # Adam's moments exist only once the training runs
        clock = SnapshotClock()
        for progress in training:
            emit(line({"type": "progress", **asdict(progress)}))
            TRACE_POOL.idle.wait(TRAINING_YIELD)  # traces first (app.api.limits)
            if stop.is_set():
                return
            if clock.due() and progress.step < training.settings.steps:  # `done` has the last
                snapshot = line({"type": "snapshot", "step": progress.step,
                                 "params": training.network.params})
                emit(snapshot)
                clock.sent(len(snapshot))
        metrics = final_metrics(training.network, seed, training.settings.length,
                                deadline=training.deadline, stop=stop)
        if metrics is None:  # stopped while scoring
            return
        emit(line({"type": "done", "params": training.network.params, "metrics": metrics,
                   "steps": training.steps_done}))
    except Diverged as error:  # `step` counts training steps, as in the progress lines
        error_line = {"type": "error", "detail": str(error), "step": training.steps_done + 1}
        if error.step is not None:
            error_line["timestep"] = error.step  # the timestep of the sequence where it overflowed
        emit(line(error_line))
    except Exception:  # a bug must still end the stream with a line that says so
        logger.exception("training failed")
        emit(line({"type": "error", "detail": "training failed on the server"}))
    finally:
        emit(None)


@router.post(
    "/train", response_class=StreamingResponse, responses=NDJSON_DOC, summary="Train, streaming progress"
)
async def post_train(req: TrainRequest):
    """Train with Adam on the task, streaming progress; closing the connection stops it."""
    net = network_from(req)
    settings = training_settings(
        net.task.id, steps=req.steps, learning_rate=req.learning_rate, batch_size=req.batch_size,
        seconds=req.seconds, length=req.length,
    )
    check_settings(net, settings, live=True, given=req.inputs is not None or req.targets is not None)
    TRAIN_POOL.reserve()
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    stop = threading.Event()
    waiting = _Waiting()

    def deliver(item):
        if item is STARTED:
            waiting.leave(started=True)
        else:
            queue.put_nowait(item)

    job = loop.run_in_executor(
        TRAIN_POOL.executor, _train, partial(Training, net, settings, req.seed), req.seed, stop,
        lambda item: loop.call_soon_threadsafe(deliver, item),
    )

    def finished(_):
        waiting.leave(started=False)
        TRAIN_POOL.release()

    job.add_done_callback(finished)

    async def lines():
        while True:
            if waiting.queued and (position := waiting.position()) > 0:
                yield line({"type": "queued", "position": position})
                try:
                    async with asyncio.timeout(QUEUE_REPORT):
                        item = await queue.get()
                except TimeoutError:
                    continue
            else:
                item = await queue.get()
            if item is None:
                return
            ready = [item]  # and every line that arrived meanwhile, sent as one piece
            while not queue.empty() and ready[-1] is not None:
                ready.append(queue.get_nowait())
            yield b"".join(ready[:-1] if ready[-1] is None else ready)
            if ready[-1] is None:
                return

    return TrainingStream(lines(), stop)


class _Waiting:
    """A training's place among those whose thread has not started (on the event loop)."""

    queue: list["_Waiting"] = []  # in order of arrival
    running = 0  # trainings whose thread has started and not finished

    def __init__(self):
        self.queued, self.started = True, False
        _Waiting.queue.append(self)

    def position(self) -> int:
        """1 for the next to start; 0 or less when a thread is free for it."""
        return _Waiting.queue.index(self) + 1 - (TRAIN_POOL.workers - _Waiting.running)

    def leave(self, started: bool):
        if self.queued:
            self.queued = False
            _Waiting.queue.remove(self)
        if started:
            self.started = True
            _Waiting.running += 1
        elif self.started:  # finished
            self.started = False
            _Waiting.running -= 1
