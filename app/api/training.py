"""Live training, streamed as newline-delimited JSON while it runs.

The training runs on the training pool's thread, one Adam step at a time; each step's progress
crosses to the event loop and goes out as a line. When the response ends for any reason (done,
client gone, server stopping) the thread is told to stop, and it does before its next step.
"""

import asyncio
import logging
import threading
from dataclasses import asdict

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ..engine.errors import Diverged
from ..engine.export import dumps
from ..engine.train import Training, TrainSettings, check_settings, final_metrics
from .convert import network_from
from .jsonbody import FastJSONRoute
from .limits import TRAIN_POOL
from .schemas import ErrorResponse, TrainRequest

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["train"], route_class=FastJSONRoute)

NDJSON_DOC = {
    200: {
        "description": "Newline-delimited JSON: `progress` lines, then one `done` line "
        "(or an `error` line if the network diverged)",
        "content": {"application/x-ndjson": {"example": (
            '{"type":"progress","step":1,"loss":1.09,"accuracy":0.41,"grad_norm":0.8}\n'
            '{"type":"done","params":{"W_ih":[[0.1]]},"metrics":{"loss":0.02,"accuracy":0.99}}\n'
        )}},
    },
    422: {"model": ErrorResponse},
    503: {"model": ErrorResponse},
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


def _train(training: Training, seed: int, stop: threading.Event, emit):
    """On the pool's thread: step, emit each progress, stop when told; then evaluate."""
    if stop.is_set():  # the client left while the training waited for a thread
        emit(None)
        return
    try:
        for progress in training:
            emit({"type": "progress", **asdict(progress)})
            if stop.is_set():
                return
        metrics = final_metrics(training.network, seed, training.settings.length)
        emit({"type": "done", "params": training.network.params, "metrics": metrics,
              "steps": training.steps_done})
    except Diverged as error:  # `step` counts training steps, as in the progress lines
        line = {"type": "error", "detail": str(error), "step": training.steps_done + 1}
        if error.step is not None:
            line["timestep"] = error.step  # the timestep of the sequence where it overflowed
        emit(line)
    except Exception:  # a bug must still end the stream with a line that says so
        logger.exception("training failed")
        emit({"type": "error", "detail": "training failed on the server"})
    finally:
        emit(None)


@router.post(
    "/train", response_class=StreamingResponse, responses=NDJSON_DOC, summary="Train, streaming progress"
)
async def post_train(req: TrainRequest):
    """Train with Adam on the task, streaming progress; closing the connection stops it."""
    net = network_from(req)
    settings = TrainSettings(
        steps=req.steps, learning_rate=req.learning_rate, batch_size=req.batch_size,
        seconds=req.seconds, length=req.length,
    )
    check_settings(net, settings, live=True)
    TRAIN_POOL.reserve()
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    stop = threading.Event()
    job = loop.run_in_executor(
        TRAIN_POOL.executor, _train, Training(net, settings, req.seed), req.seed, stop,
        lambda item: loop.call_soon_threadsafe(queue.put_nowait, item),
    )
    job.add_done_callback(lambda _: TRAIN_POOL.release())

    async def lines():
        while (item := await queue.get()) is not None:
            yield dumps(item) + b"\n"

    return TrainingStream(lines(), stop)
