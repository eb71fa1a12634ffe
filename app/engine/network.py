"""A network: topology + cell + sizes + parameters, initialised like PyTorch's (docs/maths.md §Parameters).

Parameters are a dict of float64 arrays with PyTorch's names and shapes: the cell's `W_ih W_hh
b_ih b_hh` (under `encoder` and `decoder` for seq2seq) and the output layer's `W_hy b_y`.
"""

from dataclasses import dataclass

import numpy as np

from .cells import CELLS, Cell, make_cell
from .config import DEFAULT_ACTIVATION, DEFAULT_HIDDEN, DEFAULT_SEED, RANGES
from .errors import InputError, counted
from .tasks import DEFAULT_TASK, TASKS, Task
from .topologies import TOPOLOGIES, Topology


@dataclass(frozen=True)
class Network:
    topology: Topology
    cell: Cell
    activation: str
    task: Task
    hidden_size: int
    params: dict  # nested dict of float64 arrays, see param_shapes

    @property
    def input_size(self) -> int:
        return self.task.input_size

    @property
    def output_size(self) -> int:
        return self.task.output_size

    def part_params(self, part: str | None) -> dict:
        """The cell parameters that run steps of `part` (the whole dict for a single cell)."""
        return self.params if part is None else self.params[part]


def param_shapes(topology: Topology, cell: Cell, task: Task, hidden_size: int) -> dict:
    """The expected shape of every parameter, nested like the parameters themselves."""
    H, O = hidden_size, task.output_size
    if topology.parts == (None,):
        shapes = cell.param_shapes(task.input_size, H)
    else:  # the decoder reads its previous output, so its input size is the output size
        shapes = {"encoder": cell.param_shapes(task.input_size, H), "decoder": cell.param_shapes(O, H)}
    return shapes | {"W_hy": (O, H), "b_y": (O,)}


def check_step(cell: Cell, params: dict, x, h=None, c=None):
    """One timestep's params and state outside any network (`/api/step`): the sizes are read
    off the params (H: the columns of W_hh, I: of W_ih, O: the length of b_y), then everything
    is checked against them, so that an error names the value that does not fit.
    Returns (params, x, h, c) as float64 arrays; h and c are zeros when omitted."""
    if ("W_hy" in params) != ("b_y" in params):
        raise InputError("params", "give both W_hy and b_y for an output, or neither")
    G = cell.blocks
    H, I = _columns(params, "W_hh"), _columns(params, "W_ih")
    if H not in RANGES["hidden_size"]:
        raise InputError("params.W_hh", "its columns are the hidden size, which "
                         + RANGES["hidden_size"].message(H))
    if len(params["W_hh"]) != G * H:
        raise InputError("params.W_hh", f"expected shape [{G * H}, {H}] ({G} gate blocks of its {H} "
                         f"columns), got [{len(params['W_hh'])}, {H}]")
    if "b_y" in params and not params["b_y"]:
        raise InputError("params.b_y", "expected at least one output")
    for name, value, size, of in (("x", x, I, "W_ih"), ("h", h, H, "W_hh"), ("c", c, H, "W_hh")):
        if value is not None and len(value) != size:
            raise InputError(name, f"expected {counted(size, 'number')} (the columns of {of}), "
                             f"got {len(value)}")
    if c is not None and not cell.has_c:
        raise InputError("c", f"only an lstm has a cell state c; {cell.id} does not")
    shapes = cell.param_shapes(I, H)
    if "W_hy" in params:
        O = len(params["b_y"])
        shapes |= {"W_hy": (O, H), "b_y": (O,)}
    params = check_params(params, shapes)
    h = np.zeros(H) if h is None else np.asarray(h, dtype=float)
    c = None if not cell.has_c else np.zeros(H) if c is None else np.asarray(c, dtype=float)
    return params, np.asarray(x, dtype=float), h, c


def _columns(params: dict, key: str) -> int:
    rows = params[key]
    if not rows or not rows[0]:
        raise InputError(f"params.{key}", "expected a matrix, got an empty one")
    return len(rows[0])


def init_params(shapes: dict, hidden_size: int, seed: int, blocks: int, recurrent_scale=None):
    """U(−1/√H, 1/√H) for every parameter from `seed`, drawn in the order of `shapes`;
    `recurrent_scale` rescales each gate block of W_hh to that spectral radius."""
    rng = np.random.default_rng(seed)
    bound = 1.0 / np.sqrt(hidden_size)

    def draw(node):
        if isinstance(node, dict):
            return {key: draw(value) for key, value in node.items()}
        return rng.uniform(-bound, bound, node)

    params = draw(shapes)
    if recurrent_scale is not None:
        for cell_params in _cell_param_sets(params):
            cell_params["W_hh"] = _with_spectral_radius(cell_params["W_hh"], blocks, recurrent_scale)
    return params


def _cell_param_sets(params: dict) -> list[dict]:
    return [params[p] for p in ("encoder", "decoder") if p in params] or [params]


def _with_spectral_radius(W_hh, blocks, radius):
    """Each (H, H) block of W_hh scaled so that max |eigenvalue| = radius."""
    H = W_hh.shape[1]
    out = W_hh.copy()
    for k in range(blocks):
        block = out[k * H : (k + 1) * H]
        rho = np.max(np.abs(np.linalg.eigvals(block)))
        if rho > 0:
            block *= radius / rho
    return out


def check_params(params, shapes: dict, field: str = "params") -> dict:
    """`params` as float64 arrays of exactly `shapes`; an InputError names the first bad key."""
    if not isinstance(params, dict):
        raise InputError(field, f"expected an object with keys {list(shapes)}")
    missing = [key for key in shapes if key not in params]
    if missing:
        raise InputError(f"{field}.{missing[0]}", f"missing; expected keys {list(shapes)}")
    extra = [key for key in params if key not in shapes]
    if extra:
        raise InputError(f"{field}.{extra[0]}", f"unexpected key; expected keys {list(shapes)}")
    checked = {}
    for key, shape in shapes.items():
        if isinstance(shape, dict):
            checked[key] = check_params(params[key], shape, f"{field}.{key}")
            continue
        try:
            value = np.asarray(params[key], dtype=np.float64)
        except (TypeError, ValueError):
            raise InputError(
                f"{field}.{key}", f"expected numbers in shape {list(shape)} (ragged or not numeric)"
            ) from None
        if value.shape != shape:
            raise InputError(
                f"{field}.{key}", f"expected shape {list(shape)}, got {list(value.shape)}"
            )
        if not np.isfinite(value).all():
            raise InputError(f"{field}.{key}", "must be finite numbers (no NaN or Infinity)")
        checked[key] = value
    return checked


def checked_cell(cell: str, activation: str) -> Cell:
    """The cell from its registry, once `cell` and `activation` are known to go together."""
    if cell not in CELLS:
        raise InputError("cell", f"unknown {cell!r}; allowed {list(CELLS)}")
    activations = CELLS[cell].activations
    if activation not in activations:
        raise InputError(
            "activation", f"{activation!r} is not allowed with {cell}; allowed {list(activations)}"
        )
    return make_cell(cell, activation)


def checked_task(topology: str, task: str | None, data: dict | None = None) -> Task:
    """The task from its registry, made for this request (app/engine/own_data.py). `data` holds the
    request's fields that may carry a task's own data, and its inputs and targets (which the
    vectors task reads); a field that only other tasks read is refused, naming it."""
    task = DEFAULT_TASK[topology] if task is None else task
    if task not in TASKS or topology not in TASKS[task].topologies:
        allowed = [t.id for t in TASKS.values() if topology in t.topologies]
        raise InputError("task", f"unknown task {task!r} for {topology}; allowed {allowed}")
    data = {field: value for field, value in (data or {}).items() if value is not None}
    for field in data:
        readers = [t.id for t in TASKS.values() if field in t.reads]
        if readers and field not in TASKS[task].reads:
            raise InputError(field, f"is read by the task {' or '.join(readers)} only; this request's "
                             f"task is {task}")
    return TASKS[task].made(topology, data)


def build_network(
    topology: str,
    cell: str,
    activation: str = DEFAULT_ACTIVATION,
    hidden_size: int = DEFAULT_HIDDEN,
    task: str | None = None,
    seed: int = DEFAULT_SEED,
    recurrent_scale: float | None = None,
    params=None,
    task_data: dict | None = None,
) -> Network:
    """Look every id up in its registry, check every size, then initialise or check `params`;
    `task_data` makes a task that carries its own data (see checked_task)."""
    if topology not in TOPOLOGIES:
        raise InputError("topology", f"unknown {topology!r}; allowed {list(TOPOLOGIES)}")
    net_cell = checked_cell(cell, activation)
    net_task = checked_task(topology, task, task_data)
    RANGES["hidden_size"].check("hidden_size", hidden_size)
    RANGES["seed"].check("seed", seed)
    if recurrent_scale is not None:
        RANGES["recurrent_scale"].check("recurrent_scale", recurrent_scale)
    net_topology = TOPOLOGIES[topology]
    shapes = param_shapes(net_topology, net_cell, net_task, hidden_size)
    if params is None:
        params = init_params(shapes, hidden_size, seed, net_cell.blocks, recurrent_scale)
    else:
        params = check_params(params, shapes)
    return Network(net_topology, net_cell, activation, net_task, hidden_size, params)

