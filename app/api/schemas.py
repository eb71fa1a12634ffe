"""Request and response schemas of the JSON API (docs/api.md), for validation and for `/docs`.

Requests are validated strictly: a number must be a JSON number (not a string or a boolean) and
finite, a flag a JSON boolean. Validation stops at the first bad item of a list and at a model
with many unknown keys, so that a hostile body costs one error, not millions. Responses are
documented here but written straight from the engine's arrays (see `app.wire`), which
is both exact and fast.
"""

import math
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..engine import config
from ..engine.cells import ACTIVATIONS, CELLS
from ..engine.config import MAX_HIDDEN, MAX_TIMESTEPS, RANGES, TrainSettings
from ..engine.tasks import TASKS
from ..engine.topologies import TOPOLOGIES

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
# Lists are capped near the largest sizes there are (G·H <= 4·256 rows), so that a hostile body
# is refused at its first surplus item instead of being read whole, and stop at their first bad item.
Vector = Annotated[list[Number], Field(max_length=config.MAX_VECTOR, fail_fast=True)]
Matrix = Annotated[list[Vector], Field(max_length=config.MAX_MATRIX, fail_fast=True)]
PAST_ANY_RANGE = 10**400


def _integer_literal(value):
    """An integer literal the JSON parser read as a float because it is past 64 bits (a float
    from 2⁶³ up) or past float64 (±infinity) is that integer, so that the field's range check
    refuses it with the same words as any other out-of-range integer."""
    if isinstance(value, float) and (math.isinf(value) or (value.is_integer() and abs(value) >= 2**63)):
        return (-PAST_ANY_RANGE if value < 0 else PAST_ANY_RANGE) if math.isinf(value) else int(value)
    return value


Integer = Annotated[int, BeforeValidator(_integer_literal)]
TopologyId = Literal[tuple(TOPOLOGIES)]
TaskId = Literal[tuple(TASKS)]
CellId = Literal[tuple(CELLS)]
ActivationId = Literal[tuple(ACTIVATIONS)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _few_unknown_keys(cls, data):
        """Many unknown keys are one error (pydantic would give one per key)."""
        if isinstance(data, dict) and len(data) > len(cls.model_fields) + 3:
            unknown = [key for key in data if key not in cls.model_fields]
            if len(unknown) > 3:
                names = ", ".join(repr(key[:40]) for key in unknown[:3])
                raise ValueError(f"unexpected keys {names} and {len(unknown) - 3} more; "
                                 f"allowed: {', '.join(cls.model_fields)}")
        return data


class CellParams(Strict):
    """One cell's parameters, PyTorch's layout: G gate blocks of H rows (G = 1, 4, 3)."""

    W_ih: Matrix = Field(description="(G·H, I) input-to-hidden weights")
    W_hh: Matrix = Field(description="(G·H, H) hidden-to-hidden weights")
    b_ih: Vector = Field(description="(G·H,)")
    b_hh: Vector = Field(description="(G·H,)")


class Params(Strict):
    """All parameters: the cell's keys at top level, or `encoder` and `decoder` for seq2seq,
    and the output layer `W_hy` (O, H), `b_y` (O,)."""

    W_ih: Matrix | None = None
    W_hh: Matrix | None = None
    b_ih: Vector | None = None
    b_hh: Vector | None = None
    encoder: CellParams | None = None
    decoder: CellParams | None = None
    W_hy: Matrix
    b_y: Vector

    def as_engine(self) -> dict:
        return self.model_dump(exclude_none=True)


class NetworkConfig(Strict):
    topology: TopologyId = Field(config.DEFAULT_TOPOLOGY, description="one of the five topologies")
    cell: CellId = config.DEFAULT_CELL
    activation: ActivationId = Field(
        config.DEFAULT_ACTIVATION, description="rnn: tanh or relu; lstm and gru: tanh"
    )
    hidden_size: Integer = Field(config.DEFAULT_HIDDEN, **RANGES["hidden_size"].bounds())
    seed: Integer = Field(config.DEFAULT_SEED, **RANGES["seed"].bounds(),
                      description="initialisation and sampled example")
    task: TaskId | None = Field(None, description="default: the topology's own task")
    length: Integer | None = Field(
        None, **RANGES["length"].bounds(),
        description="input steps (one_to_many: outputs; seq2seq: source steps)",
    )
    recurrent_scale: Number | None = Field(
        None, **RANGES["recurrent_scale"].bounds(), description="spectral radius of each gate block of W_hh"
    )
    params: Params | None = Field(None, description="replaces the seeded weights")


Token = Annotated[str, Field(max_length=config.MAX_TOKEN)]


class TraceRequest(NetworkConfig):
    teacher_forcing: bool = Field(False, description="feed back targets instead of predictions")
    inputs: list[Token | Vector] | None = Field(
        None, min_length=1, max_length=MAX_TIMESTEPS, fail_fast=True,
        description="tokens of the task's vocabulary, or vectors; omitted: sampled from seed",
    )
    targets: list[Token | Annotated[Integer, Field(ge=0, le=4096)] | Vector] | None = Field(
        None, min_length=1, max_length=MAX_TIMESTEPS, fail_fast=True,
        description="tokens, class indices or vectors; omitted: the task's rule labels the inputs",
    )
    preset: str | None = Field(
        None, max_length=config.MAX_PRESET_ID, description="a preset's configuration and weights"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"topology": "many_to_one", "cell": "lstm", "hidden_size": 8, "seed": 0,
                 "inputs": ["the", "movie", "was", "not", "good"]},
                {"preset": "reverse-gru", "inputs": ["cat", "dog", "red"]},
            ]
        }
    )


class StepParams(CellParams):
    """One cell's parameters, and the output layer when an output is wanted."""

    W_hy: Matrix | None = Field(None, description="(O, H)")
    b_y: Vector | None = Field(None, description="(O,)")


class StepRequest(Strict):
    cell: CellId = config.DEFAULT_CELL
    activation: ActivationId = config.DEFAULT_ACTIVATION
    params: StepParams
    x: Vector = Field(min_length=1)
    h: Vector | None = Field(None, max_length=MAX_HIDDEN, description="zeros when omitted")
    c: Vector | None = Field(None, max_length=MAX_HIDDEN, description="LSTM cell state; zeros when omitted")
    kind: Literal["classification", "regression"] = Field(
        "classification", description="p = softmax(y) is given for classification"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"cell": "rnn", "params": {"W_ih": [[0.5]], "W_hh": [[0.8]], "b_ih": [0.1],
                                           "b_hh": [-0.2]}, "x": [1.0], "h": [0.0]}
            ]
        }
    )


TASK_DEFAULT = "default: the task's own (docs/api.md §Training streams)"


class TrainRequest(NetworkConfig):
    steps: Integer | None = Field(None, **RANGES["steps"].bounds(), description=TASK_DEFAULT)
    learning_rate: Number | None = Field(None, **RANGES["learning_rate"].bounds(), description=TASK_DEFAULT)
    batch_size: Integer | None = Field(None, **RANGES["batch_size"].bounds(), description=TASK_DEFAULT)
    seconds: Number = Field(
        TrainSettings.seconds, **RANGES["seconds"].bounds(), description="wall-clock bound"
    )

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"topology": "many_to_one", "cell": "gru", "hidden_size": 16,
                                         "steps": 200, "learning_rate": 0.01}]}
    )


# --- responses (documentation; the routes write the engine's arrays directly) ----------------


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    jobs: dict[str, int] = Field(description="engine jobs running or waiting, by pool")


class TopologyInfo(BaseModel):
    id: str
    name: str
    description: str
    example: str
    tasks: list[str]


class TaskInfo(BaseModel):
    id: str
    topology: str
    name: str
    rule: str
    why_memory: str
    kind: Literal["classification", "regression"]
    input_vocab: list[str] | None
    output_vocab: list[str] | None
    input_size: int
    output_size: int
    value_range: list[float] | None
    lengths: list[int]
    max_length: int
    example: dict


class Step(BaseModel):
    t: int
    role: Literal["step", "encoder", "decoder"]
    x: list[float]
    x_label: str | None
    h: list[float]
    c: list[float] | None
    gates: dict[str, list[float]] | None
    y: list[float] | None
    p: list[float] | None
    target: int | list[float] | None
    target_label: str | None
    loss: float | None
    dh: list[float] = Field(description="total dL/dh_t: through the output at t and every later step")
    dc: list[float] | None = Field(description="total dL/dc_t (LSTM)")
    dh_norm: float
    grad_contrib: dict[str, float] = Field(
        description="‖this step's term‖ in the gradient of W_ih, W_hh, b_ih, b_hh"
    )


class NetworkInfo(BaseModel):
    topology: str
    cell: str
    activation: str
    task: str
    kind: str
    input_size: int
    hidden_size: int
    output_size: int
    gate_names: list[str]
    input_vocab: list[str] | None
    output_vocab: list[str] | None


class TraceResponse(NetworkInfo):
    teacher_forcing: bool
    params: dict
    steps: list[Step]
    loss: float
    grads: dict = Field(description="same keys and shapes as params")


class StepResponse(BaseModel):
    h: list[float]
    c: list[float] | None
    gates: dict[str, list[float]] | None
    y: list[float] | None
    p: list[float] | None


Metric = Literal["accuracy", "r2"]
METRIC = ("what `accuracy` measures: `accuracy`, the share of outputs that are right, or `r2`, "
          "R² = 1 − SSE / Σ(y − ȳ)² for a regression task (1 is perfect; it may be below 0)")


class PresetSummary(BaseModel):
    id: str
    config: dict
    accuracy: float = Field(description="on fresh examples; R² for a regression task (see `metric`)")
    metric: Metric = Field(description=METRIC)


class Preset(PresetSummary):
    params: dict


class ErrorItem(BaseModel):
    type: str = Field(description="what went wrong: a pydantic error type, `value_error`, `diverged`, "
                      "`json_invalid`, `content_type`, `request_timeout`, `body_too_large`, "
                      "`headers_too_large`, `busy`, `not_found`, `too_many_errors`…")
    loc: list[str | int] = Field(description="where: ['body', field, …], ['header', …], ['path']")
    msg: str = Field(description="what is allowed, in words")
    ctx: dict[str, str] | None = Field(None, description="the limits a schema error was checked against")
    step: int | None = Field(None, description="`diverged`: the timestep where the value overflowed")
    phase: str | None = Field(None, description="`diverged`: forward or backward")
    quantity: str | None = Field(None, description="`diverged`: what overflowed (h, c, y, loss, the "
                                 "pre-activation of h / of the gates, dL/dh, a gradient…)")


class ErrorResponse(BaseModel):
    """Every refusal, whatever its status: the first few problems (at most 10, then one item
    `too_many_errors` that counts the rest)."""

    detail: list[ErrorItem]
