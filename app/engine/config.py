"""Limits and defaults, one home for all of them, a comment each (docs/api.md §Limits).

The request schemas, the command line and the engine all read them from here, so the same
request means the same thing whichever way it arrives. A value out of its range is refused
with one wording, `Range.message`, whether the schema or the engine catches it.
"""

import math
from dataclasses import dataclass, replace

from .errors import InputError

# --- a network and its trace --------------------------------------------------------------
MAX_HIDDEN = 256  # hidden units H; an LSTM then has 4·256 rows in W_ih and W_hh
MAX_SEED = 2**32 - 1  # seeds are 32-bit unsigned integers, 0 … 2³²−1
MAX_TIMESTEPS = 500  # timesteps of one trace, encoder and decoder together
MAX_RECURRENT_SCALE = 1e6  # the largest spectral radius W_hh may be scaled to

DEFAULT_TOPOLOGY = "many_to_one"  # the topology a request without one gets
DEFAULT_CELL = "rnn"
DEFAULT_ACTIVATION = "tanh"
DEFAULT_HIDDEN = 8  # hidden units: small enough to read every one of them on the page
DEFAULT_SEED = 0  # initialisation and the sampled example

# --- training -------------------------------------------------------------------------------
MAX_TRAIN_STEPS = 5000  # optimisation steps of one training
MAX_BATCH = 256  # examples per mini-batch
MAX_SECONDS = 120.0  # wall-clock bound of a live training (the server's); offline: any
MAX_STEP_WORK = 250_000_000  # B·T·G·H·(I + H + O) per live optimisation step: about 0.1 to 0.3 s
# A live training's stream carries the weights as they are (`snapshot` lines) at most every
# SNAPSHOT_SECONDS, and further apart for a large network, so that its snapshots average at most
# SNAPSHOT_BYTES_PER_SECOND: a default network's few kB every 2 s, the largest's 12 MB every 24 s.
SNAPSHOT_SECONDS = 2.0
SNAPSHOT_BYTES_PER_SECOND = 500_000


@dataclass(frozen=True)
class TrainSettings:
    """How to train; the defaults are the same for `POST /api/train` and `unroll train`, each
    task's own (TASK_TRAINING) in the place of these."""

    steps: int = 300  # optimisation steps, one mini-batch each
    learning_rate: float = 0.01  # Adam's step size
    batch_size: int = 32  # examples per mini-batch
    clip: float = 1.0  # the global gradient norm is clipped to this
    seconds: float = 60.0  # stop after this much wall-clock time, whatever `steps` says
    length: int | None = None  # every example this long; None: the task's natural lengths


# Each task's `steps`, `learning_rate` and `batch_size` when a training leaves them out: with the
# page's default network (rnn, tanh, H = 8) each reaches 95 % on fresh examples (R² 0.95 for
# sine_wave) in a few seconds (benchmarks/bench_train.py, figures in benchmarks/README.md).
TASK_TRAINING = {
    "same_sign": TrainSettings(),  # 95 % by about step 150
    "sine_wave": TrainSettings(steps=400, learning_rate=0.03),  # at 0.01, R² lingers near 0.94
    "sentiment": TrainSettings(steps=500),  # 95 % at step 300 to 450 for seeds 0 to 2
    "named_entities": TrainSettings(),  # 100 % by about step 60
    # Five words through 8 units takes longer, and a batch of 32 wanders (93 to 97 % at the end);
    # 64 ends at 96 to 98 % for seeds 0 to 2 (128 would refuse an lstm of H = 256 live)
    "reverse": TrainSettings(steps=800, batch_size=64),
}


def training_settings(task: str, **given) -> TrainSettings:
    """The task's training defaults (TASK_TRAINING, else TrainSettings'), with every setting in
    `given` that is not None in their place."""
    defaults = TASK_TRAINING.get(task, TrainSettings())
    return replace(defaults, **{name: value for name, value in given.items() if value is not None})


# --- requests (the server's) ----------------------------------------------------------------
MAX_BODY = 16 * 1024 * 1024  # bytes of a request body: the largest network's params fit
BODY_TIMEOUT = 60.0  # seconds a client may take to send a whole body (16 MB at 2.2 Mbit/s)
# Seconds a body may pause: a live client's next packet comes in well under a second, and 10 s
# outlasts TCP's retransmissions of a lost one (1 + 2 + 4 s) on a poor classroom Wi-Fi.
BODY_IDLE_TIMEOUT = 10.0
MAX_VECTOR = 4096  # numbers in one JSON vector (the longest there is, b_ih, has 4·256)
MAX_MATRIX = 1024  # rows of one JSON matrix (W_ih and W_hh have G·H <= 4·256)
MAX_TOKEN = 64  # characters of one input token
MAX_PRESET_ID = 100  # characters of a preset id


def _number(value) -> str:
    """1.0e6 as '1000000', 0.5 as '0.5', an int as it is unless it is too long to quote."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Range:
    """The numbers from `low` to `high`, both included unless `low_open` (then low < x)."""

    low: float
    high: float = math.inf
    low_open: bool = False

    def __contains__(self, value) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return bool(above and value <= self.high)

    def bounds(self) -> dict:
        """The range as pydantic's Field arguments."""
        low = {"gt": self.low} if self.low_open else {"ge": self.low}
        return low | ({"le": self.high} if self.high < math.inf else {})

    def message(self, got, where: str = "") -> str:
        """'must be 1 to 256 (greater than or equal to 1 and less than or equal to 256), got 0'."""
        low, high = _number(self.low), _number(self.high)
        if self.high == math.inf:
            short, exact = f"more than {low}", f"greater than {low}"
        elif self.low_open:
            short = f"more than {low} and at most {high}"
            exact = f"greater than {low} and less than or equal to {high}"
        else:
            short = f"{low} to {high}"
            exact = f"greater than or equal to {low} and less than or equal to {high}"
        return f"must be {short}{where} ({exact}), got {_number(got)}"

    def check(self, field: str, value, where: str = ""):
        """InputError naming `field` unless `value` is in the range."""
        if value not in self:
            raise InputError(field, self.message(value, where))


# The ranges by field name: the schemas' bounds, the engine's checks and the API's messages.
RANGES = {
    "hidden_size": Range(1, MAX_HIDDEN),
    "seed": Range(0, MAX_SEED),
    "length": Range(1, MAX_TIMESTEPS),  # a task may allow fewer (see Task.max_length)
    "recurrent_scale": Range(0, MAX_RECURRENT_SCALE),
    "steps": Range(1, MAX_TRAIN_STEPS),
    "learning_rate": Range(0, 1, low_open=True),
    "batch_size": Range(1, MAX_BATCH),
    "seconds": Range(0, MAX_SECONDS, low_open=True),  # of a live training
    "any_seconds": Range(0, low_open=True),  # of an offline training (`unroll train`)
}
