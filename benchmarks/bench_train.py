"""Training speed: each default task trained to 95 % on fresh examples, against PyTorch's same training.

For the first task of each topology (same_sign, sine_wave, sentiment, named_entities, reverse),
with the page's default cell and size (rnn, tanh, H = 8), seed 0 and the task's training defaults
(`app/engine/config.py` TASK_TRAINING): Unroll trains, and every CHECK steps the clock stops
while `evaluate` scores 500 fresh examples (R² for sine_wave); the figure is the training time
and the steps at the first check at 95 % or more. Then, when PyTorch is importable, the same
training in PyTorch for as many steps: the same initial weights, the same mini-batches (drawn and
encoded by the same code, which both timings include), the same loss (each example's mean, then
the batch's mean, teacher-forced), float64, one thread, `nn.RNN` on packed sequences (variable
lengths, one call per mini-batch) + `nn.Linear`, `clip_grad_norm_` and `torch.optim.Adam` with
Unroll's β₁ β₂ ε. Its loss at every step is compared with Unroll's, to show that it is the same
training. Goal: every task <= 10 s and <= 1.0x PyTorch's time.

    python benchmarks/bench_train.py [--tasks same_sign,reverse] [--max-seconds 60]
"""

import argparse
import time
from dataclasses import replace

import numpy as np

from app.engine.config import training_settings
from app.engine.network import build_network
from app.engine.tasks import DEFAULT_TASK, TASKS
from app.engine.train import TRAIN_STREAM, Training, batch_arrays, evaluate

CELL, ACTIVATION, HIDDEN, SEED = "rnn", "tanh", 8, 0  # the page's defaults
CHECK = 25  # steps between two scorings on fresh examples
GOAL_SECONDS, GOAL_RATIO, TARGET = 10.0, 1.0, 0.95
FRESH = 4242  # the seed of the fresh examples scored


def unroll_to_target(task: str, max_seconds: float):
    """(seconds of training, steps, score, losses) at the first check scoring TARGET, or at
    the last step."""
    settings = training_settings(task)
    training = Training(network(task), settings, SEED)
    losses, spent, score, started = [], 0.0, None, time.perf_counter()
    for progress in training:
        losses.append(progress.loss)
        if progress.step % CHECK == 0 or progress.step == settings.steps:
            spent += time.perf_counter() - started
            score = evaluate(training.network, examples=500, seed=FRESH)["accuracy"]
            if score >= TARGET or spent > max_seconds:
                break
            started = time.perf_counter()
    return spent, len(losses), score, losses


class TorchTraining:
    """Unroll's training of `net` in PyTorch: the same weights, batches, loss and optimiser."""

    def __init__(self, net, settings, seed: int):
        import torch

        torch.set_num_threads(1)
        self.torch, self.net, self.settings = torch, net, settings
        self.rng = np.random.default_rng([seed, TRAIN_STREAM])  # Training's stream of examples
        cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[net.cell.id]
        kind = {"nonlinearity": net.activation} if net.cell.id == "rnn" else {}
        O = net.output_size
        parts = net.topology.parts
        self.rnns = {}
        for part in parts:
            params = net.part_params(part)
            rnn = cls(params["W_ih"].shape[1], net.hidden_size, **kind).double()
            for name, key in (("weight_ih_l0", "W_ih"), ("weight_hh_l0", "W_hh"), ("bias_ih_l0", "b_ih"),
                              ("bias_hh_l0", "b_hh")):
                getattr(rnn, name).data = torch.tensor(params[key])
            self.rnns[part] = rnn
        self.linear = torch.nn.Linear(net.hidden_size, O).double()
        self.linear.weight.data = torch.tensor(net.params["W_hy"])
        self.linear.bias.data = torch.tensor(net.params["b_y"])
        self.parameters = [p for rnn in self.rnns.values() for p in rnn.parameters()]
        self.parameters += list(self.linear.parameters())
        self.optimiser = torch.optim.Adam(self.parameters, lr=settings.learning_rate,
                                          betas=(Training.beta1, Training.beta2), eps=Training.eps)

    def run(self, rnn, inputs, lengths, h0=None):
        """(T, B, H) outputs and the final state of each sequence at its own length."""
        torch = self.torch
        if lengths is None:
            out, state = rnn(inputs, h0)
            return out, state
        packed = torch.nn.utils.rnn.pack_padded_sequence(inputs, lengths, enforce_sorted=False)
        out, state = rnn(packed, h0)
        return torch.nn.utils.rnn.pad_packed_sequence(out, total_length=inputs.shape[0])[0], state

    def step(self) -> float:
        torch, net, s = self.torch, self.net, self.settings
        task, topology = net.task, net.topology.id
        examples = [task.sample(self.rng, s.length) for _ in range(s.batch_size)]
        X, Y, lengths = batch_arrays(net, examples)
        X, Y = torch.from_numpy(X), torch.from_numpy(Y)
        n_in, n_out = (None, None) if lengths is None else (torch.from_numpy(n) for n in lengths)
        B = X.shape[1]
        O = net.output_size
        # what the next step reads under teacher forcing: (T_out, B, O)
        fed = torch.nn.functional.one_hot(Y, O).double() if task.kind == "classification" else Y
        if topology == "seq2seq":
            _, context = self.run(self.rnns["encoder"], X, n_in)
            start = torch.zeros(1, B, O, dtype=torch.float64)
            H, _ = self.run(self.rnns["decoder"], torch.cat([start, fed[:-1]]), n_out, context)
        elif topology == "one_to_many":
            H, _ = self.run(self.rnns[None], torch.cat([X[:1], fed[:-1]]), n_out)
        elif topology == "many_to_one":
            _, state = self.run(self.rnns[None], X, n_in)
            H = (state[0] if isinstance(state, tuple) else state)  # (1, B, H): each at its own end
        else:
            H, _ = self.run(self.rnns[None], X, n_in)
        out = self.linear(H)  # (N, B, O)
        if task.kind == "classification":
            losses = torch.nn.functional.cross_entropy(out.reshape(-1, O), Y.reshape(-1), reduction="none")
            losses = losses.reshape(Y.shape)
        else:
            losses = ((out - Y) ** 2).mean(dim=2)
        if n_out is None:
            loss = losses.mean()
        else:
            counted = torch.arange(losses.shape[0])[:, None] < n_out[None, :]
            loss = (losses * counted / (B * n_out[None, :])).sum()
        self.optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.parameters, s.clip)
        self.optimiser.step()
        return loss.item()


def network(task: str):
    return build_network(TASKS[task].topology, CELL, ACTIVATION, HIDDEN, task, SEED)


def unroll_seconds(task: str, steps: int) -> float:
    """Seconds of `steps` steps of Unroll's training, nothing else."""
    training = Training(network(task), replace(training_settings(task), steps=steps), SEED)
    started = time.perf_counter()
    for _ in training:
        pass
    return time.perf_counter() - started


def torch_seconds(task: str, steps: int):
    """(seconds, losses) of `steps` steps of the same training in PyTorch."""
    training = TorchTraining(network(task), training_settings(task), SEED)
    started = time.perf_counter()
    losses = [training.step() for _ in range(steps)]
    return time.perf_counter() - started, losses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=",".join(DEFAULT_TASK.values()))
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds, Unroll and PyTorch in turn")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="give up on a task after this")
    args = parser.parse_args()
    try:
        import torch

        version = torch.__version__
    except ImportError:
        version = None
    print(f"PyTorch: {version or 'not importable: ratios skipped'}; {CELL} ({ACTIVATION}), H = {HIDDEN}, "
          f"seed {SEED}; scored every {CHECK} steps on 500 fresh examples; best of {args.rounds} rounds")
    print(f"{'task':15} {'steps':>5} {'lr':>6} {'batch':>5} {'score':>6} {'unroll s':>9} {'torch s':>8} "
          f"{'ratio':>6}  loss gap  goal")
    for task in args.tasks.split(","):
        settings = training_settings(task)
        _, steps, score, losses = unroll_to_target(task, args.max_seconds)
        reached = score is not None and score >= TARGET
        ours, theirs, gap = [], [], None
        for _ in range(args.rounds):  # in turn, so that the machine's other load falls on both
            ours.append(unroll_seconds(task, steps))
            if version is not None:
                seconds, torch_losses = torch_seconds(task, steps)
                theirs.append(seconds)
                gap = max(abs(a - b) / abs(b) for a, b in zip(torch_losses, losses, strict=True))
        seconds = min(ours)
        verdict = reached and seconds <= GOAL_SECONDS
        row = (f"{task:15} {steps:5} {settings.learning_rate:6g} {settings.batch_size:5} {score:6.3f} "
               f"{seconds:9.2f}")
        if theirs:
            ratio = seconds / min(theirs)
            verdict = verdict and ratio <= GOAL_RATIO
            row += f" {min(theirs):8.2f} {ratio:6.2f}  {gap:8.1e}"
        print(f"{row}  {'ok' if verdict else 'MISS'}{'' if reached else ' (95 % not reached)'}", flush=True)


if __name__ == "__main__":
    main()
