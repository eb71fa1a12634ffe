"""What exists: health, the five topologies, the tasks."""

from fastapi import APIRouter

from .. import __version__
from ..engine import config
from ..engine.tasks import TASKS
from ..engine.topologies import TOPOLOGIES
from .limits import TRACE_POOL, TRAIN_POOL
from .respond import json_response
from .schemas import Health, Limits, TaskInfo, TopologyInfo

router = APIRouter(prefix="/api", tags=["catalog"])

TOPOLOGY_LIST = [
    {"id": t.id, "name": t.name, "description": t.description, "example": t.example,
     "tasks": [task.id for task in TASKS.values() if t.id in task.topologies], "feeds_back": t.feeds_back}
    for t in TOPOLOGIES.values()
]
TRAINING_DEFAULTS = ("steps", "learning_rate", "batch_size")  # what a training request may leave out


def _training_defaults(task_id: str) -> dict:
    """The task's own `steps`, `learning_rate`, `batch_size` (config.TASK_TRAINING), what a
    training that leaves them out gets, for a page to offer."""
    settings = config.training_settings(task_id)
    return {name: getattr(settings, name) for name in TRAINING_DEFAULTS}


TASK_LIST = [task.describe() | {"training_defaults": _training_defaults(task.id)} for task in TASKS.values()]
OFFERED = ("hidden_size", "seed", "recurrent_scale", "steps", "learning_rate", "batch_size", "seconds",
           "temperature")
LIMITS = {
    **{field: {"above" if r.low_open else "min": r.low, "max": r.high}
       for field, r in config.RANGES.items() if field in OFFERED},
    "timesteps": config.MAX_TIMESTEPS,
    "token_characters": config.MAX_TOKEN,
    "body_bytes": config.MAX_BODY,
    "text_characters": config.MAX_TEXT,
    "text_vocab": config.MAX_TEXT_VOCAB,
    "series_values": config.MAX_SERIES,
}


@router.get("/health", response_model=Health, summary="Health")
async def health():
    """Liveness, and how many engine jobs run or wait: answered at once, never queued."""
    return {"status": "ok", "version": __version__,
            "jobs": {"trace": TRACE_POOL.busy, "training": TRAIN_POOL.busy}}


@router.get("/topologies", response_model=list[TopologyInfo], summary="The five topologies")
async def topologies():
    """The five input/output topologies, each with its example task."""
    return json_response(TOPOLOGY_LIST)


@router.get("/tasks", response_model=list[TaskInfo], summary="The tasks")
async def tasks():
    """Every task: its topology, rule, vocabulary or value range, sizes and an example."""
    return json_response(TASK_LIST)


@router.get("/limits", response_model=Limits, summary="The limits")
async def limits():
    """Every bound a request is checked against (app/engine/config.py), for clients to offer."""
    return json_response(LIMITS)
