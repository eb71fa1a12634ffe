"""A trace as a PyTorch script that rebuilds the network and checks every number (docs/api.md §Export).

The script is fixed code (SCRIPT below) with data filled in: the sizes and names come from the
engine's registries (validated ids and integers), every number is written with `repr` (the
shortest text that reads back to the same float64), and every string (a token a user typed)
with `ascii`, a Python literal that escapes quotes, backslashes, newlines and any non-ASCII
character. So nothing a user typed can become code, and the script is plain ASCII.
"""

import numpy as np

from .engine.trace import Trace

MODULES = {"rnn": "torch.nn.RNN", "lstm": "torch.nn.LSTM", "gru": "torch.nn.GRU"}  # cell id -> module
PYTORCH_KEYS = {"W_ih": "weight_ih_l0", "W_hh": "weight_hh_l0", "b_ih": "bias_ih_l0", "b_hh": "bias_hh_l0"}
PART_NAMES = {None: "cell", "encoder": "encoder", "decoder": "decoder"}  # parameter set -> name in the script
RTOL, ATOL = 1e-8, 1e-12  # the script's tolerance (its comment says why)

SCRIPT = '''#!/usr/bin/env python3
"""Unroll's {topology} {cell} network (task {task}, seed {seed}), rebuilt in PyTorch to check every number.

Written by Unroll (POST /api/export/pytorch). It builds the same network in float64 with
{modules} and torch.nn.Linear, loads Unroll's weights, runs the same inputs one timestep at a
time (a fed-back input is computed here, from this network's own output), computes the loss
and its backward, and compares every input x, h{c_note}, output y, the loss and every dL/dh_t
with the numbers Unroll showed (UNROLL, at the end). It prints ok and exits 0, or names the
first number that differs and exits 1. It needs nothing but PyTorch.
"""

import sys

import torch

# Two CPUs (or two builds of PyTorch) may differ in the last bit of tanh and exp, and a long
# sequence carries such differences along, so a number agrees when
# |PyTorch - Unroll| <= ATOL + RTOL * |Unroll|.
RTOL, ATOL = {rtol!r}, {atol!r}

CELL = {cell!r}
INPUT_SIZE, HIDDEN_SIZE, OUTPUT_SIZE = {input_size}, {hidden_size}, {output_size}
KIND = {kind!r}  # classification: cross-entropy of softmax(y) on a class index; regression: squared error
TEACHER_FORCING = {teacher_forcing!r}  # True: a fed-back input is the previous target, not the prediction


def build():
    """The network Unroll ran, float64, with Unroll's weights (PyTorch's state_dict keys)."""
    cells = {{
{cell_lines}
    }}
    head = torch.nn.Linear(HIDDEN_SIZE, OUTPUT_SIZE).double()  # y_t = W_hy h_t + b_y
    for part, module in cells.items():
        module.load_state_dict(tensors(WEIGHTS[part]))
    head.load_state_dict(tensors(WEIGHTS["head"]))
    return cells, head


def tensors(weights):
    return {{key: torch.tensor(value, dtype=torch.float64) for key, value in weights.items()}}


def fed_back(y, target):
    """What the next step reads: the prediction (one-hot of the argmax, or the value), or under
    teacher forcing the target; a constant for the gradient either way."""
    if KIND == "classification":
        k = target if TEACHER_FORCING else int(y.argmax())
        return torch.nn.functional.one_hot(torch.tensor(k), OUTPUT_SIZE).double()
    return torch.tensor(target, dtype=torch.float64) if TEACHER_FORCING else y.detach().view(-1)


def loss_of(y, target):
    """loss_t: cross-entropy on the class index, or the mean over dims of (y - target)^2."""
    if KIND == "classification":
        return torch.nn.functional.cross_entropy(y, torch.tensor([target]))
    return torch.nn.functional.mse_loss(y, torch.tensor([target], dtype=torch.float64))


def run(cells, head):
    """Step through STEPS as Unroll did, one timestep per call, so that every h_t is a tensor of
    its own: its .grad is then the total dL/dh_t (through its output and every later step)."""
    state, fed = None, None  # h_0 (and c_0) are zeros
    xs, hs, cs, ys, losses = [], [], [], {{}}, []
    for t, step in enumerate(STEPS):
        if step["source"] == "given":
            x = torch.tensor(step["x"], dtype=torch.float64)
        elif step["source"] == "start":
            x = torch.zeros(OUTPUT_SIZE, dtype=torch.float64)  # <start>
        else:
            x = fed
        # one timestep; the seq2seq decoder starts from the encoder's last state
        _, state = cells[step["part"]](x.view(1, 1, -1), state)
        h, c = state if CELL == "lstm" else (state, None)  # (1, 1, H)
        h.retain_grad()
        xs.append(x)
        hs.append(h)
        if c is not None:
            c.retain_grad()
            cs.append(c)
        if step["output"]:
            ys[t] = head(h.view(1, -1))
            if step["target"] is not None:
                losses.append(loss_of(ys[t], step["target"]))
            fed = fed_back(ys[t], step["target"])
    loss = torch.stack(losses).mean() if losses else None  # L: the mean over the outputs with a target
    if loss is not None:
        loss.backward()
    return xs, hs, cs, ys, loss


def agree(name, pytorch, unroll):
    """How many numbers agree; exit 1 naming the first that does not."""
    pytorch = pytorch.detach().reshape(-1)
    unroll = torch.tensor(unroll, dtype=torch.float64).reshape(-1)
    if pytorch.shape != unroll.shape:
        print(f"{{name}} differs: PyTorch has {{len(pytorch)}} numbers, Unroll {{len(unroll)}}")
        sys.exit(1)
    far = (pytorch - unroll).abs() > ATOL + RTOL * unroll.abs()
    if far.any():
        i = int(far.nonzero()[0])
        where = f"{{name}}[{{i}}]" if len(unroll) > 1 else name
        print(f"{{where}} differs: PyTorch {{pytorch[i].item()!r}}, Unroll {{unroll[i].item()!r}} "
              f"(tolerance {{ATOL}} + {{RTOL}} * |Unroll|)")
        sys.exit(1)
    return len(unroll)


def main():
    torch.manual_seed(0)  # the modules' own initialisation, which Unroll's weights then replace
    xs, hs, cs, ys, loss = run(*build())
    checked = 0
    for t in range(len(STEPS)):
        checked += agree(f"x_{{t}}", xs[t], STEPS[t]["x"])
        checked += agree(f"h_{{t}}", hs[t], UNROLL["h"][t])
        if cs:
            checked += agree(f"c_{{t}}", cs[t], UNROLL["c"][t])
        if t in ys:
            checked += agree(f"y_{{t}}", ys[t], UNROLL["y"][t])
    if (loss is None) != (UNROLL["loss"] is None):
        print(f"the loss L differs: PyTorch {{loss}}, Unroll {{UNROLL['loss']}}")
        sys.exit(1)
    if loss is not None:
        checked += agree("the loss L", loss, UNROLL["loss"])
        for t, h in enumerate(hs):  # a step the loss does not reach has no .grad: dL/dh_t = 0
            dh = h.grad if h.grad is not None else torch.zeros_like(h)
            checked += agree(f"dL/dh_{{t}}", dh, UNROLL["dh"][t])
    what = "the loss and dL/dh_t" if loss is not None else "no loss or gradient: no output has a target"
    print(f"{{checked}} numbers agree over {{len(STEPS)}} steps (x, h, {c_short}y; {{what}})")
    print("ok")
    return 0


# Unroll's weights, in PyTorch's layout: each cell's state_dict, and the head's.
WEIGHTS = {weights}

# The timesteps as Unroll ran them: which cell (`part`), where the input came from (`source`:
# given, start or fed), the input x it read, its token (`label`, as data), whether the step has
# an output, and its target (None: no target, so no loss at this output).
STEPS = {steps}

# What Unroll showed: h (and c) at every step, y at the output steps, the loss L, dL/dh_t.
UNROLL = {unroll}

if __name__ == "__main__":
    sys.exit(main())
'''


def _literal(value) -> str:
    """A Python literal of plain data: numbers by repr, strings by ascii (escaped, ASCII)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, str):
        return ascii(value)
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not plain data: {type(value).__name__}")


def _block(value, indent: int = 0) -> str:
    """A literal laid out to read: a dict one key a line, a list of rows one row a line."""
    pad, inner = " " * indent, " " * (indent + 4)
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, dict):
        items = [f"{inner}{_literal(k)}: {_block(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value and isinstance(value[0], (list, dict, np.ndarray)):
        return "[\n" + "\n".join(f"{inner}{_literal(v)}," for v in value) + f"\n{pad}]"
    return _literal(value)


def _target(trace: Trace, record):
    if record.target is None:
        return None
    target = record.target[0]
    return int(target) if trace.network.task.kind == "classification" else target.tolist()


def pytorch_script(trace: Trace, seed: int) -> str:
    """The script that rebuilds `trace`'s network in PyTorch and checks its numbers."""
    net = trace.network
    parts = net.topology.parts
    weights = {PART_NAMES[part]: {theirs: net.part_params(part)[ours]
                                  for ours, theirs in PYTORCH_KEYS.items()} for part in parts}
    weights["head"] = {"weight": net.params["W_hy"], "bias": net.params["b_y"]}
    nonlinearity = f", nonlinearity={net.activation!r}" if net.cell.id == "rnn" else ""
    cell_lines = []
    for part in parts:
        size = net.output_size if part == "decoder" else net.input_size  # the decoder reads outputs
        cell_lines.append(f"        {PART_NAMES[part]!r}: {MODULES[net.cell.id]}(input_size={size}, "
                          f"hidden_size=HIDDEN_SIZE{nonlinearity}).double(),")
    steps = [{"part": PART_NAMES[r.spec.part], "source": r.spec.source, "x": r.x[0], "label": label,
              "output": r.spec.output_index is not None, "target": _target(trace, r)}
             for r, label in zip(trace.records, trace.x_labels, strict=True)]
    unroll = {"h": [r.h[0] for r in trace.records]}
    if net.cell.has_c:
        unroll["c"] = [r.c[0] for r in trace.records]
    unroll["y"] = {r.t: r.y[0] for r in trace.records if r.y is not None}
    unroll["loss"] = trace.loss
    unroll["dh"] = None if trace.forward_only else list(trace.gradients.dh[:, 0])
    return SCRIPT.format(
        topology=net.topology.id, cell=net.cell.id, task=net.task.id, seed=int(seed),
        modules=MODULES[net.cell.id], c_note=", c" if net.cell.has_c else "",
        c_short="c, " if net.cell.has_c else "", rtol=RTOL, atol=ATOL,
        input_size=net.input_size, hidden_size=net.hidden_size, output_size=net.output_size,
        kind=net.task.kind, teacher_forcing=bool(trace.teacher_forcing), cell_lines="\n".join(cell_lines),
        weights=_block(weights), steps=_block(steps), unroll=_block(unroll),
    )


def script_name(trace: Trace, seed: int) -> str:
    """unroll-<topology>-<cell>-seed<seed>.py"""
    return f"unroll-{trace.network.topology.id}-{trace.network.cell.id}-seed{int(seed)}.py"
