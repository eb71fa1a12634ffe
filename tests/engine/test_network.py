"""Initialisation like PyTorch's, the recurrent scale, and checking parameters and sizes."""

import numpy as np
import pytest

from app.engine.errors import InputError
from app.engine.network import build_network
from app.engine.tree import leaves


@pytest.mark.parametrize("cell,blocks", [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_pytorch_layout_and_uniform_init(cell, blocks):
    net = build_network("many_to_one", cell, hidden_size=16, seed=0)
    I, H, O = net.input_size, 16, net.output_size
    p = net.params
    assert p["W_ih"].shape == (blocks * H, I) and p["W_hh"].shape == (blocks * H, H)
    assert p["b_ih"].shape == p["b_hh"].shape == (blocks * H,)
    assert p["W_hy"].shape == (O, H) and p["b_y"].shape == (O,)
    every = np.concatenate([a.ravel() for _, a in leaves(p)])
    bound = 1 / np.sqrt(H)
    assert np.abs(every).max() <= bound
    assert np.abs(every).max() > 0.95 * bound and abs(every.mean()) < 0.02  # spread over U(−b, b)


def test_seq2seq_has_its_own_encoder_and_decoder():
    net = build_network("seq2seq", "gru", hidden_size=5, seed=0)
    enc, dec = net.params["encoder"], net.params["decoder"]
    assert enc["W_ih"].shape == (15, net.input_size) and dec["W_ih"].shape == (15, net.output_size)
    assert not np.array_equal(enc["W_hh"], dec["W_hh"])


@pytest.mark.parametrize("cell,blocks", [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_recurrent_scale_sets_each_blocks_spectral_radius(cell, blocks):
    H = 12
    net = build_network("many_to_many", cell, hidden_size=H, seed=3, recurrent_scale=1.7)
    for k in range(blocks):
        block = net.params["W_hh"][k * H : (k + 1) * H]
        assert np.abs(np.linalg.eigvals(block)).max() == pytest.approx(1.7, rel=1e-12)
    plain = build_network("many_to_many", cell, hidden_size=H, seed=3)
    np.testing.assert_array_equal(net.params["W_ih"], plain.params["W_ih"])  # only W_hh changes


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"topology": "tree"}, "topology"),
        ({"cell": "transformer"}, "cell"),
        ({"cell": "lstm", "activation": "relu"}, "activation"),
        ({"activation": "sigmoid"}, "activation"),
        ({"hidden_size": 0}, "hidden_size"),
        ({"hidden_size": 257}, "hidden_size"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**32}, "seed"),
        ({"task": "reverse"}, "task"),
        ({"recurrent_scale": float("nan")}, "recurrent_scale"),
        ({"recurrent_scale": -1.0}, "recurrent_scale"),
    ],
)
def test_bad_configuration_names_the_field(kwargs, field):
    config = {"topology": "many_to_one", "cell": "rnn"} | kwargs
    with pytest.raises(InputError) as caught:
        build_network(**config)
    assert caught.value.field == field


def test_params_are_checked_key_by_key():
    good = build_network("seq2seq", "rnn", hidden_size=4).params
    as_lists = {k: ({kk: vv.tolist() for kk, vv in v.items()} if isinstance(v, dict) else v.tolist())
                for k, v in good.items()}
    rebuilt = build_network("seq2seq", "rnn", hidden_size=4, params=as_lists)
    np.testing.assert_array_equal(rebuilt.params["decoder"]["W_hh"], good["decoder"]["W_hh"])

    def error(mutate):
        bad = {k: (dict(v) if isinstance(v, dict) else v) for k, v in as_lists.items()}
        mutate(bad)
        with pytest.raises(InputError) as caught:
            build_network("seq2seq", "rnn", hidden_size=4, params=bad)
        return caught.value

    e = error(lambda p: p["decoder"].pop("W_hh"))
    assert e.field == "params.decoder.W_hh" and "missing" in e.message
    e = error(lambda p: p["encoder"].__setitem__("W_hh", [[0.0] * 3] * 4))
    assert e.field == "params.encoder.W_hh" and "[4, 4]" in e.message and "[4, 3]" in e.message
    e = error(lambda p: p.__setitem__("b_y", [0.0, float("nan")] + [0.0] * 5))
    assert e.field == "params.b_y" and "finite" in e.message
    e = error(lambda p: p.__setitem__("W_hy", [[0.0], [0.0, 1.0]]))
    assert e.field == "params.W_hy" and "ragged" in e.message
    e = error(lambda p: p.__setitem__("extra", 1))
    assert e.field == "params.extra"


def test_the_cell_table():
    """One table of cells feeds the schema, the command line, the presets and the tests."""
    from app.engine.cells import CELL_ACTIVATIONS, CELLS
    from app.engine.presets import PRESET_CELLS

    assert CELL_ACTIVATIONS == (("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh"))
    assert PRESET_CELLS == (("rnn", "tanh"), ("lstm", "tanh"), ("gru", "tanh"))
    assert {cell: CELLS[cell]("tanh").param_shapes(5, 3)["W_hh"] for cell in CELLS} == {
        "rnn": (3, 3), "lstm": (12, 3), "gru": (9, 3)}


@pytest.mark.parametrize("cell,activation", [("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")])
def test_a_network_crosses_to_another_process(cell, activation):
    """`unroll presets --build` trains on a process pool and sends the networks back."""
    import pickle

    net = build_network("seq2seq", cell, activation, hidden_size=3)
    again = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(again.params["decoder"]["W_hh"], net.params["decoder"]["W_hh"])
    assert again.cell.activation.id == activation and again.topology.plan(2, 2) == net.topology.plan(2, 2)


def test_the_engines_errors_cross_to_another_process_intact():
    """A preset whose recipe breaks a bound fails in a build worker: the parent must read its error."""
    import pickle

    from app.engine.errors import Diverged

    error = pickle.loads(pickle.dumps(InputError("curriculum[2].steps", "must be 1 to 5000")))
    assert (error.field, error.message, str(error)) == (
        "curriculum[2].steps", "must be 1 to 5000", "curriculum[2].steps: must be 1 to 5000")
    diverged = pickle.loads(pickle.dumps(Diverged(7, "forward", "h")))
    assert (diverged.step, diverged.phase, diverged.quantity) == (7, "forward", "h")
    assert str(diverged) == str(Diverged(7, "forward", "h"))
