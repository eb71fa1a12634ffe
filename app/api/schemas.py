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
from ..wire import OMITTABLE

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
    # Your own data (app/engine/own_data.py): each field is read by one task, refused by the others.
    text: str | None = Field(
        None, min_length=2, max_length=config.MAX_TEXT,
        description=f"task `text`: the passage to model, at most {config.MAX_TEXT} characters (code "
        f"points); its distinct characters, at most {config.MAX_TEXT_VOCAB}, are the vocabulary, in "
        "code-point order. Omitted: the opening of Alice's Adventures in Wonderland",
    )
    series: list[Number] | None = Field(
        None, min_length=2, max_length=config.MAX_SERIES, fail_fast=True,
        description=f"task `series`: the column of numbers, at most {config.MAX_SERIES}, in its own "
        "units; the network reads them normalised, (v − mean) / std (see `normalisation` in the "
        "answer). Omitted: a synthetic seasonal series of 240 values",
    )
    input_size: Integer | None = Field(
        None, **RANGES["input_size"].bounds(),
        description=f"task `vectors`: the size of each input vector (default {config.DEFAULT_VECTORS[0]})",
    )
    output_size: Integer | None = Field(
        None, **RANGES["output_size"].bounds(),
        description=f"task `vectors`: the output layer's size (default {config.DEFAULT_VECTORS[1]})",
    )
    kind: Literal["classification", "regression"] | None = Field(
        None, description="task `vectors`: classification (p = softmax(y), cross-entropy) or "
        "regression (squared error); default: what the targets are (class indices or vectors), "
        "and without targets regression (y alone, as the model writes it)",
    )


Token = Annotated[str, Field(max_length=config.MAX_TOKEN)]
Inputs = Annotated[list[Token | Vector] | None, Field(min_length=1, max_length=MAX_TIMESTEPS, fail_fast=True)]
Targets = Annotated[
    list[Token | Annotated[Integer, Field(ge=0, le=4096)] | Vector] | None,
    Field(min_length=1, max_length=MAX_TIMESTEPS, fail_fast=True),
]


class TraceFields(NetworkConfig):
    """A network and the example it unrolls: what /api/trace, /api/explain and
    /api/export/pytorch read."""

    teacher_forcing: bool = Field(False, description="feed back targets instead of predictions")
    inputs: Inputs = Field(
        None, description="tokens of the task's vocabulary, or vectors; omitted: sampled from seed. "
        "`series`: values in the series' units, `[[v], …]`",
    )
    targets: Targets = Field(
        None, description="tokens, class indices or vectors; omitted: the task's rule labels the inputs "
        "(`vectors` has none: without targets the trace is forward only)",
    )
    preset: str | None = Field(
        None, max_length=config.MAX_PRESET_ID, description="a preset's configuration and weights"
    )


class TraceRequest(TraceFields):
    omit: list[Literal[OMITTABLE]] | None = Field(
        None, max_length=len(OMITTABLE),
        description="parts of the answer not to send, each then null: `params` (the answer gives "
        "`param_shapes` instead, nested like params, each leaf its shape) and/or `grads`",
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
    temperature: Number = Field(
        1.0, **RANGES["temperature"].bounds(),
        description="p = softmax(y / temperature), for sampling what to feed back: below 1 sharper, "
        "above 1 flatter (y itself is unchanged)",
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
    inputs: Inputs = Field(None, description="task `vectors` only: the sequence to train on (other "
                           "tasks sample their own examples)")
    targets: Targets = Field(None, description="task `vectors` only, required to train it: class "
                             "indices or vectors for `inputs`")
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
    feeds_back: bool = Field(description="a step reads the previous step's output (one_to_many, the decoder)")


class Bounds(BaseModel):
    min: float
    max: float


class OpenBounds(BaseModel):
    above: float = Field(description="the value must be greater than this")
    max: float


class Limits(BaseModel):
    hidden_size: Bounds
    seed: Bounds
    recurrent_scale: Bounds
    steps: Bounds = Field(description="training steps")
    batch_size: Bounds
    learning_rate: OpenBounds
    seconds: OpenBounds = Field(description="a live training's wall-clock bound")
    temperature: OpenBounds = Field(description="`/api/step`'s softmax temperature")
    timesteps: int = Field(description="steps of one trace, encoder and decoder together")
    token_characters: int = Field(description="characters of one input token")
    body_bytes: int = Field(description="bytes of a request body")
    text_characters: int = Field(description="characters (code points) of a `text`")
    text_vocab: int = Field(description="distinct characters of a `text`")
    series_values: int = Field(description="numbers of a `series`")


class TrainingDefaults(BaseModel):
    steps: int
    learning_rate: float
    batch_size: int


class TaskInfo(BaseModel):
    id: str
    topology: str = Field(description="its default topology")
    topologies: list[str] = Field(description="every topology it runs on")
    reads: list[str] = Field(description="the request fields that carry its own data (`text`, "
                             "`series`; `input_size`, `output_size`, `kind`), empty for a task with its own")
    name: str
    rule: str
    unk: str | None = Field(description="what the rule does with `<unk>`, the token of any word outside "
                            "`input_vocab` (null: the task reads vectors)")
    why_memory: str
    kind: Literal["classification", "regression"]
    input_vocab: list[str] | None = Field(description=(
        "the tokens the task reads, `<unk>` last; any typed word is read folded (lower case, the "
        "punctuation at its ends taken off), and as `<unk>` when the vocabulary does not hold it"))
    output_vocab: list[str] | None
    input_size: int
    output_size: int
    value_range: list[float] | None
    lengths: list[int]
    max_length: int
    example: dict
    training_defaults: TrainingDefaults = Field(description=(
        "what `POST /api/train` uses for `steps`, `learning_rate` and `batch_size` when a request "
        "leaves them out: the task's own (docs/api.md §Training streams)"))


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
    loss: float | None = Field(description="loss_t; null at a step without an output, or whose "
                               "target no rule knows (after the last typed character or value)")
    readout: list[float] | None = Field(description=(
        "many_to_one only (else null): what the network would answer if the sequence ended at this "
        "step, the output layer applied to h_t, softmax(W_hy·h_t + b_y) for classification (y itself "
        "for regression); not part of the loss. At the output step it is that step's `p` (or `y`)"))
    dh: list[float] | None = Field(description="total dL/dh_t: through the output at t and every later "
                                   "step; null when the trace is forward only (no target at all)")
    dc: list[float] | None = Field(description="total dL/dc_t (LSTM); null when forward only")
    dh_norm: float | None = Field(description="‖dL/dh_t‖; null when forward only")
    grad_contrib: dict[str, float] | None = Field(
        description="‖this step's term‖ in the gradient of W_ih, W_hh, b_ih, b_hh; null when forward only"
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
    normalisation: dict[str, float] | None = Field(
        description="task `series`: `{\"mean\", \"std\"}`; x, y and target are normalised, (v − mean) / "
        "std, so a value in the series' units is mean + std · y. Null for every other task"
    )


class TraceResponse(NetworkInfo):
    teacher_forcing: bool
    params: dict | None = Field(description="null when the request's `omit` names it")
    param_shapes: dict | None = Field(
        None, description="only when `omit` names `params`: their shapes, nested like them"
    )
    steps: list[Step]
    loss: float | None = Field(description="L, the mean of loss_t over the outputs that have a target; "
                               "null when none has (forward only)")
    grads: dict | None = Field(description="same keys and shapes as params; null when forward only, "
                               "or when `omit` names it")


class ImportedFile(BaseModel):
    format: Literal["safetensors", "npz"]
    keys: dict[str, str] = Field(description="each parameter's key in the file, e.g. "
                                 "`{\"W_ih\": \"rnn.weight_ih_l0\", …, \"W_hy\": \"fc.weight\"}`")
    head: bool = Field(description="false: the file has no nn.Linear, so W_hy = I and b_y = 0 (y_t = h_t)")


class ImportResponse(BaseModel):
    cell: str
    activation: str = Field(description="as the request said (an nn.RNN's file does not hold it)")
    input_size: int
    hidden_size: int
    output_size: int
    params: dict = Field(description="W_ih W_hh b_ih b_hh W_hy b_y, float64, in /api/trace's layout")
    file: ImportedFile = Field(description="what was read; not a trace request's field")


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
    trained_lengths: list[int] = Field(description="the shortest and longest examples it was trained on")
    accuracy_by_length: dict[str, float] = Field(
        description="length (as text) -> accuracy (see `metric`) on fresh examples of that length, "
        "for 10, 50 and 100 where the task allows them"
    )


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


# --- /api/explain: one step opened up (docs/api.md) -----------------------------------------


class ExplainRequest(TraceFields):
    t: Integer = Field(**RANGES["t"].bounds(), description="the step to open up: 0 to the trace's steps − 1")
    chain: bool = Field(True, description="compute the chain of Jacobian norms (most of the work); false: "
                        "`chain` is null, so the terms come first and the chain can be asked after")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"topology": "many_to_one", "cell": "lstm", "hidden_size": 8, "seed": 0,
                 "inputs": ["the", "movie", "was", "not", "good"], "t": 4},
                {"preset": "reverse-gru", "inputs": ["cat", "dog", "red"], "t": 5},
            ]
        }
    )


class ExplainForward(BaseModel):
    """Step t's forward pass term by term. Besides the fields below, for each gate block k of
    `blocks`, with W_ih, W_hh, b_ih, b_hh that block's H rows: `Wx_k` = W_ih·x_t, `Wh_k` =
    W_hh·h_{t−1}, `bx_k` = b_ih, `bh_k` = b_hh, `a_k` the pre-activation (Wx_k + bx_k + Wh_k +
    bh_k; the GRU's n: Wx_n + bx_n + r ⊙ (Wh_n + bh_n)) and `k` the block after its activation
    (σ, or tanh for g and n; for `rnn` the block `h` is h_t itself)."""

    model_config = ConfigDict(extra="allow")
    x: list[float] = Field(description="x_t, the input the cell read")
    h_prev: list[float] = Field(
        description="h_{t−1} (zeros at t = 0; the encoder's last h at the decoder's first step)")
    c_prev: list[float] | None = Field(description="c_{t−1} (LSTM)")
    c: list[float] | None = Field(description="c_t = f ⊙ c_{t−1} + i ⊙ g (LSTM)")
    h: list[float] = Field(description="h_t, as in the trace")
    y: list[float] | None = Field(description="y_t = W_hy·h_t + b_y, at a step with an output")
    p: list[float] | None = Field(description="softmax(y_t) (classification)")
    target: int | list[float] | None = Field(description="the class index, or the value vector")
    loss: float | None = Field(description="loss_t")


class ExplainBackward(BaseModel):
    """Step t's backward pass. Besides the fields below, `da_k` = dL/da_k for each gate block k
    of `blocks` (for the GRU's n, dL/d(W_hn h + b_hn) is r ⊙ da_n)."""

    model_config = ConfigDict(extra="allow")
    dh: list[float] = Field(description="the total dL/dh_t, as in the trace")
    dh_out: list[float] = Field(description="the part of dh through this step's output (zeros without one)")
    dh_next: list[float] = Field(
        description="the part from step t+1 (zeros at the last step): dh = dh_out + dh_next")
    dc: list[float] | None = Field(description="the total dL/dc_t (LSTM)")
    dh_prev: list[float] = Field(description="what this step sends back to h_{t−1}: step t−1's dh_next")
    dc_prev: list[float] | None = Field(description="what it sends back to c_{t−1} (LSTM)")
    shrink: float | None = Field(description="‖dh_prev‖ / ‖dh‖; null when ‖dh‖ = 0 (no gradient "
                                 "reaches the step) or when the ratio is past float64")


class ChainLink(BaseModel):
    k: int
    factor: float = Field(description="‖∂s_{k+1}/∂s_k‖₂, the largest singular value of one step's Jacobian")
    product: float = Field(description="‖∂s_t/∂s_k‖₂, of the product of the factors from k to t")


class ExplainResponse(BaseModel):
    t: int
    role: Literal["step", "encoder", "decoder"]
    cell: str
    blocks: list[str] = Field(description="the gate blocks in PyTorch's order: h / i f g o / r z n")
    forward: ExplainForward
    backward: ExplainBackward | None = Field(description="null for a trace without a loss (own data whose "
                                             "outputs have no target: forward only)")
    chain: list[ChainLink] | None = Field(
        description=f"k = t−1 down to max(0, t − {config.CHAIN_STEPS}); the state s is h, or (h, c) stacked "
        "for an LSTM; null when the request says `\"chain\": false`")
