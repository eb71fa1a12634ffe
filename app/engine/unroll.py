"""Unrolling through time: the forward pass one step at a time, then exact BPTT (docs/maths.md §BPTT).

`Unroller.step()` advances the network by one timestep and returns that step's record, so a
caller can stop, inspect and continue; `run()` is nothing but `step()` until the plan is done.
`backward()` then walks the records from the last step to the first (min-char-rnn's loop).

Shapes: B examples side by side; I input, H hidden, O output, G gate blocks. Examples of
different lengths (a training's mini-batch) run padded to the longest: an example past its end
keeps its state (h_t = h_{t−1}, c_t = c_{t−1}), and only its own outputs count in L, so each
example's numbers are those it has alone (docs/maths.md §Training).
"""

from dataclasses import dataclass

import numpy as np

from .cells import Cell
from .errors import Diverged
from .network import Network
from .topologies import StepSpec
from .tree import leaves

BATCHED_FACTORS = 1 << 20  # numbers in a backward's caches up to which its factors come in one batch


@dataclass(slots=True)
class StepRecord:
    t: int
    spec: StepSpec
    x: np.ndarray  # (B, I) the input the cell read
    h_prev: np.ndarray  # (B, H)
    h: np.ndarray  # (B, H)
    c: np.ndarray | None  # (B, H), LSTM only
    gates: np.ndarray | None  # (B, G·H) post-activation gates, blocks in the cell's gate order
    cache: tuple  # what the cell's backward step needs
    y: np.ndarray | None = None  # (B, O) output layer (logits for classification)
    p: np.ndarray | None = None  # (B, O) softmax probabilities, classification only
    target: np.ndarray | None = None  # (B,) class indices or (B, O) values
    loss: np.ndarray | None = None  # (B,) loss_t of each example


def output_forward(kind: str, y, target):
    """Classification: p = softmax(y), loss = −log p[target] = logsumexp(y) − y[target].
    Regression: p = None, loss = mean over dims of (y − target)². y is (…, O)."""
    if kind == "regression":
        d = y - target
        return None, (d * d).mean(axis=-1)
    p, logsumexp = softmax(y)
    return p, logsumexp - _pick(y, target)


def softmax(y):
    """p = e^y / Σ e^y and log Σ e^y over the last axis, shifted by max(y) so neither overflows."""
    m = y.max(axis=-1, keepdims=True)
    e = np.exp(y - m)
    s = e.sum(axis=-1, keepdims=True)
    return e / s, (np.log(s) + m)[..., 0]


def output_backward(kind: str, Y, P, targets):
    """dloss_t/dy_t for stacked outputs (N, B, O): p − onehot(target), or 2(y − target)/O."""
    if kind == "regression":
        return 2.0 * (Y - targets) / Y.shape[2]
    dY = P.copy()
    dY.reshape(-1, dY.shape[-1])[np.arange(targets.size), targets.ravel()] -= 1.0
    return dY


def _pick(y, index):
    """y[..., index] element by element: (…, O) and (…) class indices -> (…)."""
    flat = y.reshape(-1, y.shape[-1])
    return flat[np.arange(len(flat)), index.ravel()].reshape(index.shape)


def padded_masks(plan, n_in, n_out):
    """For a batch padded to the longest example, with (B,) input and output steps `n_in`, `n_out`:
    which examples each step of `plan` advances, (T, B) (a given input's step while the example
    has that input, a start or fed step while it has that output), and each output's weight in L,
    (N, B): L is the mean over examples of the mean over their own outputs, 1 / (B · n_out)."""
    moving = np.array([n_in > s.given_index if s.source == "given" else n_out > s.output_index
                       for s in plan])  # (T, B)
    k = np.arange(n_out.max())[:, None]
    weights = (k < n_out) / (len(n_out) * n_out)  # (N, B)
    return moving, weights


class Unroller:
    """The forward pass of `net` over a batch, one timestep per `step()`.

    inputs: (T_in, B, I) float64; targets: (T_out, B) class indices or (T_out, B, O) values.
    A fed-back input is the previous prediction (one-hot of the argmax, or the value), or the
    previous target when `teacher_forcing`; either way a constant for the gradient.
    `scored`: (T_out,) bool, the outputs that have a target (the others hold a placeholder and
    get y and p but no loss); None when all do. `lengths`: each example's (B,) input and output
    steps when they differ, the inputs and targets right-padded to the longest; None when every
    example has every step.
    """

    def __init__(self, net: Network, inputs, targets, teacher_forcing: bool = False, scored=None,
                 lengths=None):
        self.net = net
        self.inputs = inputs
        self.targets = targets
        self.teacher_forcing = teacher_forcing
        self.scored = scored
        self.plan = net.topology.plan(len(inputs), len(targets))
        # (T, B) the examples each step advances and (N, B) each output's weight in L, or None
        self.moving, self.weights = (None, None) if lengths is None else padded_masks(self.plan, *lengths)
        self.records: list[StepRecord] = []
        B, H, T, cell = inputs.shape[1], net.hidden_size, len(self.plan), net.cell
        self._h = np.zeros((B, H))
        self._c = np.zeros((B, H)) if cell.has_c else None
        # h, c and the gates of every step, (T, B, ·): the cell writes step t's into its rows (the
        # records' arrays are these rows), so that a batch of steps is checked and read in place
        self._hs = np.empty((T, B, H))
        self._cs = np.empty((T, B, H)) if cell.has_c else None
        self._gates = np.empty((T, B, cell.blocks * H)) if cell.gate_names else None
        self._rows = list(zip(self._hs, [None] * T if self._cs is None else self._cs,
                              [None] * T if self._gates is None else self._gates, strict=True))
        self._fed = None  # the input the next `fed` step reads
        self._unchecked: list[StepRecord] = []  # steps whose outputs and overflow check wait
        self._batches: list[tuple] = []  # (Y, P, loss) of each batch of outputs computed so far
        self._params = {part: net.part_params(part) for part in net.topology.parts}
        self._next_is_fed = [s.source == "fed" for s in self.plan[1:]] + [False]
        reader = next(s.part for s in self.plan if s.source == "given")
        # the given inputs and their projections (T_in, B, G·H), a view of each step's at hand
        self._x_given = list(inputs)
        self._ax_given = list(net.cell.project_input(self._params[reader], inputs))

    @property
    def done(self) -> bool:
        return len(self.records) == len(self.plan)

    @property
    def complete(self) -> bool:
        """Every step run, and every output computed."""
        return self.done and not self._unchecked

    def step(self, defer: bool = False) -> StepRecord:
        """Advance one timestep: read x_t, update h (and c), and at an output step y, p, loss.

        With `defer`, what no later step reads (an output that is not fed back, the overflow
        check) waits for `finish()`, which does it for all waiting steps in one batch."""
        net, t = self.net, len(self.records)
        spec = self.plan[t]
        params = self._params[spec.part]
        if spec.source == "given":
            x, ax = self._x_given[spec.given_index], self._ax_given[spec.given_index]
        else:
            x = self._fed if spec.source == "fed" else np.zeros((self._h.shape[0], net.output_size))
            ax = net.cell.project_input(params, x)
        h_prev, c_prev = self._h, self._c
        self._h, self._c, gates, cache = net.cell.forward(params, ax, h_prev, c_prev, self._rows[t])
        if self.moving is not None and not self.moving[t].all():
            # examples past their end keep their state, in place: what the step's cache holds of
            # theirs is then not what it computed, but BPTT zeroes their da there (_held_backward)
            held = ~self.moving[t][:, None]
            np.copyto(self._h, h_prev, where=held)
            if c_prev is not None:
                np.copyto(self._c, c_prev, where=held)
        record = StepRecord(t, spec, x, h_prev, self._h, self._c, gates, cache)
        self.records.append(record)
        self._unchecked.append(record)
        fed_next = self._next_is_fed[t]
        if fed_next and self.teacher_forcing:  # the next input is this step's target, known already
            self._fed = self._as_input(self.targets[spec.output_index])
        if not defer or (fed_next and not self.teacher_forcing):
            self.finish()
        return record

    def finish(self):
        """Outputs y_t = W_hy h_t + b_y, p_t, loss_t of the waiting steps, in one batch, and the
        overflow check: Diverged names the first step whose pre-activation, h, c, y or loss is
        not finite. Then the input fed back to the next step, from the last output."""
        net, waiting = self.net, self._unchecked
        if not waiting:
            return
        self._unchecked = []
        rows = slice(waiting[0].t, waiting[-1].t + 1)  # the steps wait in order
        hs = self._hs[rows]  # (n, B, H)
        self._check_forward(waiting, rows)
        at = [n for n, r in enumerate(waiting) if r.spec.output_index is not None]
        if not at:
            return
        outs = [waiting[n] for n in at]
        target = self.targets[[r.spec.output_index for r in outs]]  # (N, B) or (N, B, O)
        Y = hs[at] @ net.params["W_hy"].T + net.params["b_y"]  # (N, B, O)
        P, loss = output_forward(net.task.kind, Y, target)
        self._batches.append((Y, P, loss))
        ps = [None] * len(outs) if P is None else P
        for r, y, p, step_target, step_loss in zip(outs, Y, ps, target, loss, strict=True):
            r.y, r.p, r.target, r.loss = y, p, step_target, step_loss
        finite = np.isfinite(loss).all(axis=1)
        if self.scored is not None:  # an output without a target has no loss: its y must be finite
            scored = self.scored[[r.spec.output_index for r in outs]]
            for n in np.flatnonzero(~scored):
                outs[n].target = outs[n].loss = None
            finite = np.where(scored, finite, np.isfinite(Y).reshape(len(outs), -1).all(axis=1))
        if not finite.all():
            bad = outs[np.flatnonzero(~finite)[0]]
            raise Diverged(bad.t, "forward", "loss" if np.isfinite(bad.y).all() else "y")
        if not self.teacher_forcing:  # the prediction is the next input (teacher forcing: `step`)
            last = outs[-1].y
            self._fed = self._as_input(last if self.net.task.kind == "regression" else last.argmax(axis=1))

    def _check_forward(self, waiting: list[StepRecord], rows: slice):
        """Diverged at the first of `waiting` (the steps `rows`) whose h, c or pre-activation is
        not finite. The pre-activations are recomputed only for steps with a squashed value exactly
        at a limit (0 or ±1), the only place an overflowed one can hide behind a finite h."""
        cell, hs = self.net.cell, self._hs[rows]
        first = {}  # quantity -> index in waiting of its first non-finite value
        checks = [("h", hs)] + ([("c", self._cs[rows])] if cell.has_c else [])
        for name, values in checks:
            finite = np.isfinite(values).reshape(len(waiting), -1).all(axis=1)
            if not finite.all():
                first[name] = int(np.flatnonzero(~finite)[0])
        gates = None if self._gates is None else self._gates[rows]
        suspects = np.flatnonzero(cell.at_a_limit(hs, gates))
        suspects = suspects[suspects <= min(first.values(), default=len(waiting))]
        for part in {waiting[n].spec.part for n in suspects}:
            steps = [n for n in suspects if waiting[n].spec.part == part]
            X = np.array([waiting[n].x for n in steps])  # (k, B, I)
            hs_prev = np.array([waiting[n].h_prev for n in steps])
            A = cell.pre_activations(self._params[part], X, hs_prev)
            ok = np.isfinite(A)  # (k, B, ·)
            if self.moving is not None:  # what a held example's step computed is discarded
                ok |= ~self.moving[[waiting[n].t for n in steps]][:, :, None]
            finite = ok.reshape(len(steps), -1).all(axis=1)
            if not finite.all():
                n = int(steps[np.flatnonzero(~finite)[0]])
                first[cell.pre_activation_name] = min(n, first.get(cell.pre_activation_name, n))
        if first:  # at one step, h or c when they show the overflow, else what hid it
            name = min(first, key=lambda q: (first[q], q == cell.pre_activation_name))
            raise Diverged(waiting[first[name]].t, "forward", name)

    def _as_input(self, output):
        """An output as the next step's input: a value as it is, a class as its one-hot vector."""
        if self.net.task.kind == "regression":
            return output
        return np.eye(self.net.output_size)[output]

    def run(self) -> "Unroller":
        """Every remaining step, then what waits for `finish()` in one batch."""
        for _ in range(len(self.plan) - len(self.records)):
            self.step(defer=True)
        self.finish()
        return self

    def hidden_states(self):
        """h_t of every step run, (T, B, H)."""
        return self._hs[: len(self.records)]

    def outputs(self):
        """Y (N, B, O) and P (N, B, O) or None, of every output step in order."""
        Y = np.concatenate([y for y, _, _ in self._batches])
        P = None if self.net.task.kind == "regression" else np.concatenate([p for _, p, _ in self._batches])
        return Y, P

    def output_records(self) -> list[StepRecord]:
        return [r for r in self.records if r.spec.output_index is not None]

    @property
    def counted(self):
        """(N, B) the outputs that count (an example's own), or None when all do."""
        return None if self.weights is None else self.weights > 0

    @property
    def loss(self) -> float:
        """L = mean of loss_t over the output steps that have a target (and over the batch; padded:
        over each example's own, then over the batch): finite, since every loss_t is (`finish`
        checked them), however large their sum; the weights add up to 1."""
        losses = np.concatenate([loss for _, _, loss in self._batches])  # (N, B)
        if self.weights is not None:
            return float((self.weights * losses).sum())
        return finite_mean(losses if self.scored is None else losses[self.scored])


def finite_mean(values) -> float:
    """The mean of finite values, scaled by the largest |value| first when their plain sum
    overflows float64, so the mean of values that fit always fits."""
    with np.errstate(over="ignore"):
        mean = values.mean()
    if np.isfinite(mean) or not np.isfinite(values).all():
        return float(mean)
    m = np.abs(values).max()
    return float(m * (values / m).mean())


def step_once(cell: Cell, params: dict, x, h, c=None, kind: str = "classification",
              temperature: float = 1.0) -> dict:
    """One timestep outside any sequence, with the arithmetic of `Unroller.step`: x, h, c are
    (I,), (H,), (H,); `params` holds W_ih W_hh b_ih b_hh, and W_hy b_y when an output is wanted.
    p = softmax(y / temperature), what a generator samples from (y / 1 is y, exactly)."""
    with np.errstate(all="ignore"):
        ax = cell.project_input(params, x[None, None])[0]  # as Unroller projects a (T, B, I) sequence
        h_new, c_new, gates, _ = cell.forward(params, ax, h[None], None if c is None else c[None])
        a = cell.pre_activations(params, x[None], h[None])
        y = p = None
        if "W_hy" in params:
            y = (h_new[None] @ params["W_hy"].T + params["b_y"])[0]  # as Unroller.finish stacks outputs
            p = softmax(y / temperature)[0] if kind == "classification" else None
    for name, value in (("h", h_new), ("c", c_new), (cell.pre_activation_name, a), ("y", y)):
        if value is not None and not np.isfinite(value).all():
            raise Diverged(0, "forward", name)
    return {
        "h": h_new[0],
        "c": None if c_new is None else c_new[0],
        "gates": None if gates is None else cell.gates_by_name(gates[0]),
        "y": None if y is None else y[0],
        "p": None if p is None else p[0],
    }


@dataclass
class Gradients:
    grads: dict  # dL/dθ for every parameter θ, nested like the parameters (JSON: `grads`)
    dh: np.ndarray  # (T, B, H) total dL/dh_t: through the output at t and through every later step
    dc: np.ndarray | None  # (T, B, H) total dL/dc_t, LSTM only
    dh_out: np.ndarray  # (N, B, H) dL/dh_t through the output at t, for the N output steps in order
    dh_next: np.ndarray  # (T, B, H) dL/dh_t through step t+1 (zero at the last step): dh = dh_out + dh_next
    dc_next: np.ndarray | None  # (T, B, H) dL/dc_t through step t+1, what step t's backward was handed
    da_x: np.ndarray  # (T, B, G·H) dL/d(input projection); step t's term in dW_ih is da_x[t]ᵀ x_t
    da_h: np.ndarray  # (T, B, G·H) dL/d(recurrent projection); its term in dW_hh is da_h[t]ᵀ h_{t−1}


def backward(unroller: Unroller) -> Gradients:
    """Exact BPTT through the whole sequence; the fed-back inputs are constants."""
    if not unroller.complete:
        raise ValueError("backward needs the whole forward pass: run() it first")
    net, records = unroller.net, unroller.records
    kind, cell = net.task.kind, net.cell
    outs = unroller.output_records()
    B, H, T = unroller.inputs.shape[1], net.hidden_size, len(records)

    Y, P = unroller.outputs()  # (N, B, O)
    dY = output_backward(kind, Y, P, unroller.targets)
    if unroller.weights is not None:
        dY *= unroller.weights[:, :, None]  # over each example's own outputs, then examples
    elif unroller.scored is None:
        dY /= len(outs) * B  # L is the mean over output steps and examples
    else:  # … over the output steps that have a target
        dY[~unroller.scored] = 0.0
        dY /= unroller.scored.sum() * B
    hs = unroller.hidden_states()  # (T, B, H)
    out_steps = [r.t for r in outs]
    grads = {
        "W_hy": dY.reshape(-1, dY.shape[2]).T @ hs[out_steps].reshape(-1, H),  # Σ_t dy_tᵀ h_t
        "b_y": dY.sum(axis=(0, 1)),
    }
    dh_out = dY @ net.params["W_hy"]  # (N, B, H) dL/dh_t through the output at t

    GH = cell.blocks * H
    # every step's numbers, (T, B, ·): step t writes its rows; it hands dh_prev (and dc_prev) to
    # step t − 1 in that step's rows of dh_next (dc_next); dL/dh_{−1} goes nowhere (`spare`)
    dh_all, dh_next_all, da_x = np.empty((T, B, H)), np.empty((T, B, H)), np.empty((T, B, GH))
    da_h = da_x if cell.same_da else np.empty((T, B, GH))
    dc_all, dc_next_all = (np.empty((T, B, H)), np.empty((T, B, H))) if cell.has_c else (None, None)
    dh_next_all[-1] = 0.0  # nothing comes after the last step
    if cell.has_c:
        dc_next_all[-1] = 0.0
    spare = np.empty((B, H))
    dh_rows, dh_next_rows, da_x_rows = list(dh_all), list(dh_next_all), list(da_x)
    da_h_rows = da_x_rows if cell.same_da else list(da_h)
    dc_rows, dc_next_rows = (list(dc_all), list(dc_next_all)) if cell.has_c else ([None] * T, [None] * T)
    dh_out_rows = list(dh_out)
    part_params = {part: net.part_params(part) for part in net.topology.parts}
    factors = _backward_factors(cell, records)
    held = set() if unroller.moving is None else set(np.flatnonzero(~unroller.moving.all(axis=1)).tolist())
    for t in reversed(range(T)):
        spec = records[t].spec
        k = spec.output_index
        dh, dh_next, dc = dh_rows[t], dh_next_rows[t], dc_next_rows[t]
        if k is None:
            dh[...] = dh_next
        else:
            np.add(dh_next, dh_out_rows[k], out=dh)  # total dL/dh_t
        out = (da_x_rows[t], da_h_rows[t], dh_next_rows[t - 1] if t else spare,
               dc_next_rows[t - 1] if t else None, dc_rows[t])
        cell.backward(part_params[spec.part], factors(t), dh, dc, out)
        if t in held:
            _held_backward(unroller.moving[t], dh, dc, *out)
    _check_finite_backward(dh_all, dc_all)

    hs_prev = np.concatenate([records[0].h_prev[None], hs[:-1]])  # (T, B, H) h_{t−1}
    for part in net.topology.parts:
        steps = [t for t in range(T) if records[t].spec.part == part]
        X = _inputs_read(unroller, steps)  # (n, B, I)
        rows = _as_slice(steps)
        da_x_part, da_h_part = da_x[rows].reshape(-1, GH), da_h[rows].reshape(-1, GH)
        b_ih = da_x_part.sum(axis=0)
        part_grads = {
            "W_ih": da_x_part.T @ X.reshape(-1, X.shape[2]),  # Σ_t da_x,tᵀ x_t
            "W_hh": da_h_part.T @ hs_prev[rows].reshape(-1, H),
            "b_ih": b_ih,
            "b_hh": b_ih.copy() if cell.same_da else da_h_part.sum(axis=0),
        }
        if part is None:
            grads.update(part_grads)
        else:
            grads[part] = part_grads
    for key, value in leaves(grads):
        if not np.isfinite(value).all():  # a sum over steps overflowed: name the step whose
            # dL/d(pre-activation) is largest, where the terms of that sum are largest too
            step = int(np.abs(da_x).reshape(T, -1).max(axis=1).argmax())
            raise Diverged(step, "backward", f"the gradient of {key}")
    return Gradients(grads, dh_all, dc_all, dh_out, dh_next_all, dc_next_all, da_x, da_h)


def _backward_factors(cell: Cell, records: list[StepRecord]):
    """factors(t): step t's `Cell.backward_factors`, which are elementwise, so the same numbers
    computed either way: for all steps at once when their caches hold at most BATCHED_FACTORS
    numbers (every trace: one NumPy call a factor rather than one a step), else step by step (a
    large mini-batch, which would otherwise hold several copies of its caches at once)."""
    if sum(part.size for part in records[0].cache) * len(records) > BATCHED_FACTORS:
        return lambda t: cell.backward_factors(records[t].cache)
    caches = tuple(np.array(parts) for parts in zip(*(r.cache for r in records), strict=True))  # (T, B, ·)
    return list(zip(*cell.backward_factors(caches), strict=True)).__getitem__


def _inputs_read(unroller: Unroller, steps: list[int]):
    """(n, B, I) the inputs that `steps` read: the given inputs themselves when these steps read
    all of them in order (no copy), else each step's stacked."""
    records = unroller.records
    if [records[t].spec.given_index for t in steps] == list(range(len(unroller.inputs))):
        return unroller.inputs
    return np.array([records[t].x for t in steps])


def _as_slice(steps: list[int]):
    """Steps that follow one another (each part's do: the encoder's, then the decoder's) as a
    slice, which indexes a view rather than a copy; any others as they are."""
    return slice(steps[0], steps[-1] + 1) if steps == list(range(steps[0], steps[-1] + 1)) else steps


def _held_backward(moving, dh, dc, da_x, da_h, dh_prev, dc_prev, dc_total):
    """An example that step t held (past its end) has h_t = h_{t−1} and c_t = c_{t−1}: its dL/dh
    and dL/dc pass to step t−1 unchanged, and it adds nothing to the weights' gradients. In place,
    in the step's results."""
    held = ~moving[:, None]  # (B, 1)
    np.copyto(da_x, 0.0, where=held)
    if da_h is not da_x:  # the gru: a da of its own for the recurrent projection
        np.copyto(da_h, 0.0, where=held)
    np.copyto(dh_prev, dh, where=held)
    if dc is not None:
        if dc_prev is not None:
            np.copyto(dc_prev, dc, where=held)
        np.copyto(dc_total, dc, where=held)


def _check_finite_backward(dh_all, dc_all):
    """Diverged at the first step (walking backward) whose dL/dh or dL/dc overflowed."""
    for name, values in (("dL/dh", dh_all), ("dL/dc", dc_all)):
        if values is None:
            continue
        bad = ~np.isfinite(values).reshape(len(values), -1).all(axis=1)
        if bad.any():
            raise Diverged(int(np.flatnonzero(bad)[-1]), "backward", name)

