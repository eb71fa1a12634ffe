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

# --- an explained step (`/api/explain`) ------------------------------------------------------
CHAIN_STEPS = 50  # links of a step's Jacobian chain: k = t−1 down to t−50
# Bytes of each batch of Jacobians (and of their running products) whose norms are computed
# together: 4 of the largest (an LSTM's (h, c): 512 × 512), or the whole chain of a network up to
# H = 64. Batches that fit the processor's cache measured fastest (benchmarks/README.md).
CHAIN_MEMORY = 8 * 1024 * 1024

# --- the gradient lab: one sentence through the four cells, untrained (docs/maths.md §The lab) --
# Its hints are tested on exactly these (tests/engine/test_lab_settings.py, which also prints the
# scan to choose them anew when the task's words or sampler change).
LAB_TASK = "sentiment"  # many_to_one: one loss at the end, so ‖dL/dh_t‖ falls off with distance alone
LAB_LENGTH = 60  # timesteps
LAB_HIDDEN = 8  # hidden units, DEFAULT_HIDDEN (the lab's hints hold at 16 too)
LAB_SEED = 0  # DEFAULT_SEED: the same weights and sentence for every cell
# Here the tanh RNN's gradient vanishes by far more decades than the LSTM's and GRU's, for any
# seed. Not at 0.9: untrained (PyTorch's init), an LSTM's forget gates are about ½, so its c path
# halves the gradient at every step whatever W_hh, and it mostly keeps less than the tanh RNN.
LAB_VANISHING_SCALE = 0.5
# The ReLU RNN's gradient grows with the distance from the loss. (Near 2 it still may not: at some
# seeds its logits are so large that softmax is exactly one-hot on the right class, and the loss
# and every gradient are exactly 0.)
LAB_EXPLODING_SCALE = 3.0
MAX_LAB_LENGTH = 200  # the lab's longest sentence: four traces of it are drawn at once

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
class Phase:
    """One phase of a curriculum: `steps` optimisation steps, each mini-batch of one length
    drawn from `lengths` (both ends included), or of the task's natural lengths (None)."""

    steps: int
    lengths: tuple[int, int] | None = None


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
    # Phases run in order instead of `length`, their steps adding up to `steps` (presets train so
    # on ever longer examples); () : every step as `length` says.
    curriculum: tuple[Phase, ...] = ()

    def phase_at(self, step: int) -> Phase | None:
        """The curriculum's phase of 0-based optimisation step `step` (None without a curriculum)."""
        for phase in self.curriculum:
            if step < phase.steps:
                return phase
            step -= phase.steps
        return None

    def trained_lengths(self, natural: tuple[int, int]) -> tuple[int, int]:
        """The shortest and longest examples this training draws (`natural`: the task's own)."""
        ranges = [phase.lengths or natural for phase in self.curriculum]
        ranges = ranges or [natural if self.length is None else (self.length, self.length)]
        return min(low for low, _ in ranges), max(high for _, high in ranges)


# Each task's `steps`, `learning_rate` and `batch_size` when a training leaves them out: with the
# page's default network (rnn, tanh, H = 8) each reaches 95 % on fresh examples (R² 0.95 for
# sine_wave) in a few seconds (benchmarks/bench_train.py, figures in benchmarks/README.md).
TASK_TRAINING = {
    "same_sign": TrainSettings(),  # 95 % by about step 150
    "sine_wave": TrainSettings(steps=400, learning_rate=0.03),  # at 0.01, R² lingers near 0.94
    # Since 'not' flips by clause and any word is read, at lr 0.01 95 % took 550 to 775 steps (seeds 0 to 2);
    # at 0.02: step 300 to 475, ending at 98 to 99.6 %
    "sentiment": TrainSettings(steps=600, learning_rate=0.02),
    "named_entities": TrainSettings(),  # 100 % by about step 60
    # Five words through 8 units takes longer, and a batch of 32 wanders. With <unk> among its words
    # 800 steps of 64 ended at 89 to 93 %; 88 at lr 0.005 reach 95 % by step 600 to 1250 and end at
    # 95.6 to 97.3 % for seeds 0 to 2 (over 90 would refuse an lstm of H = 256 live)
    "reverse": TrainSettings(steps=2000, learning_rate=0.005, batch_size=88),
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

# --- your own data: text, series, vectors (app/engine/own_data.py) ---------------------------
MAX_TEXT = 20_000  # characters (code points) of a `text`: a few pages, sampled in windows
MAX_TEXT_VOCAB = 96  # distinct characters of a `text`: printable ASCII and a newline is 96
TEXT_WINDOW = 32  # characters a training window or a trace reads by default (fewer in a short text)
MAX_SERIES = 5_000  # numbers of a `series`: a pasted column, 400 years of monthly values
SERIES_WINDOW = 24  # values a window reads by default (two years of monthly values)
MAX_IO_SIZE = 256  # input and output sizes of `vectors`: the largest imported lstm (I = H = O =
# 256, 0.6 M numbers) then still fits a 16 MB request body as JSON (about 12 MB)
DEFAULT_VECTORS = (3, 2)  # input and output sizes of `vectors` when the request does not say
VECTORS_WINDOW = 10  # steps of a sampled random sequence of `vectors` (one_to_many: outputs)
MAX_TEMPERATURE = 100.0  # of /api/step's softmax(y / temperature); a high one is near uniform

# --- an imported model file (app/engine/model_file.py) ---------------------------------------
MAX_FILE_HEADER = 1024 * 1024  # bytes of a safetensors header (the JSON of names, shapes, ranges)
MAX_FILE_TENSORS = 64  # arrays in one file: a single-layer cell and a head have 6
MAX_FILE_ARRAYS = 16 * 1024 * 1024  # bytes of all arrays unpacked from an .npz (a zip may compress)


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
    "t": Range(0, MAX_TIMESTEPS - 1),  # the step to explain; a trace has as many as it has
    "recurrent_scale": Range(0, MAX_RECURRENT_SCALE),
    "steps": Range(1, MAX_TRAIN_STEPS),
    "learning_rate": Range(0, 1, low_open=True),
    "batch_size": Range(1, MAX_BATCH),
    "seconds": Range(0, MAX_SECONDS, low_open=True),  # of a live training
    "any_seconds": Range(0, low_open=True),  # of an offline training (`unroll train`)
    "input_size": Range(1, MAX_IO_SIZE),  # of the vectors task
    "output_size": Range(1, MAX_IO_SIZE),
    "temperature": Range(0, MAX_TEMPERATURE, low_open=True),
}
