"""The cross-machine comparison of tests/close.py: tight enough to catch a change to the maths."""

from tests.close import differences


def test_a_few_ulp_pass_and_a_real_change_does_not():
    then = {"h": [0.5, -0.25, 1e-17], "loss": 0.69, "t": 3, "label": "not"}
    assert differences({"h": [0.5 + 2**-53, -0.25, 1.1e-17], "loss": 0.69 * (1 + 1e-14), "t": 3, "label": "not"}, then) == []
    assert differences({**then, "loss": 0.6900000069}, then) == [".loss: 0.6900000069 != 0.69"]
    assert differences({**then, "h": [0.5, -0.25, 1e-9]}, then) == [".h[2]: 1e-09 != 1e-17"]


def test_a_vanished_row_is_compared_at_its_own_scale():
    then = {"dh": [[1.0, 0.5], [3e-30, -1e-30]]}
    assert differences({"dh": [[1.0, 0.5], [3e-30 * (1 + 1e-13), -1e-30]]}, then) == []
    assert differences({"dh": [[1.0, 0.5], [3.1e-30, -1e-30]]}, then) == [".dh[1][0]: 3.1e-30 != 3e-30"]


def test_everything_else_is_exact():
    then = {"a": 1, "b": None, "c": [0.0], "d": True}
    assert differences({"b": None, "a": 1, "c": [0.0], "d": True}, then)  # key order
    assert differences({**then, "a": 2}, then) == [".a: 2 != 1"]
    assert differences({**then, "b": 0.0}, then) == [".b: 0.0 != None"]
    assert differences({**then, "c": [-0.0]}, then) == [".c[0]: -0.0 != 0.0"]
    assert differences({**then, "d": 1}, then) == [".d: 1 != True"]
    assert differences({**then, "c": [0.0, 1.0]}, then)
