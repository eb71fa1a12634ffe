"""spectral_norms against LAPACK's SVD (np.linalg.norm(A, 2)) on the matrices that are hard for
a Krylov method: low rank (the Krylov space runs out), a top singular value shared or nearly
shared, zero, and entries near float64's limits."""

import numpy as np
import pytest

from app.engine.spectral import spectral_norms


def lapack(A):
    return np.array([np.linalg.norm(a, 2) for a in A])


@pytest.mark.parametrize("S", [1, 2, 3, 7, 16, 64, 150])
def test_random_and_low_rank(S):
    rng = np.random.default_rng(S)
    stacks = [rng.standard_normal((5, S, S))]
    for rank in sorted({1, 2, max(1, S // 3)}):
        stacks.append(rng.standard_normal((3, S, rank)) @ rng.standard_normal((3, rank, S)))
    A = np.concatenate(stacks)  # matrices that converge after different numbers of steps
    np.testing.assert_allclose(spectral_norms(A), lapack(A), rtol=1e-10)


def test_rectangular_either_way():
    A = np.random.default_rng(0).standard_normal((4, 5, 9))
    np.testing.assert_allclose(spectral_norms(A), lapack(A), rtol=1e-12)
    At = A.transpose(0, 2, 1).copy()
    np.testing.assert_allclose(spectral_norms(At), lapack(At), rtol=1e-12)


def test_shared_and_nearly_shared_top_values():
    rng = np.random.default_rng(1)
    Q1, _ = np.linalg.qr(rng.standard_normal((64, 64)))
    Q2, _ = np.linalg.qr(rng.standard_normal((64, 64)))
    tops = ([1.0, 1.0], [1.0, 1 - 1e-9], [1.0, 1 - 1e-4], [1.0, 0.99], [3.0, 3.0, 3.0])
    A = np.array([Q1 @ np.diag(np.r_[top, rng.uniform(0, 0.9, 64 - len(top))]) @ Q2 for top in tops])
    got = spectral_norms(A)
    np.testing.assert_allclose(got, [1, 1, 1, 1, 3], rtol=1e-9)
    assert got[1] >= 1 - 1e-9 - 1e-15  # two values 1e-9 apart: somewhere between them, never below
    np.testing.assert_allclose(got[[0, 2, 3, 4]], [1, 1, 1, 3], rtol=1e-12)
    assert spectral_norms(Q1[None])[0] == pytest.approx(1.0, rel=1e-14)  # every singular value 1


def test_zero_tiny_and_huge():
    rng = np.random.default_rng(2)
    base = rng.standard_normal((8, 8))
    A = np.array([np.zeros((8, 8)), base * 1e-300, base * 1e300, base, np.diag(np.arange(8.0))])
    got = spectral_norms(A)
    assert got[0] == 0.0 and got[4] == pytest.approx(7.0, rel=1e-14)
    np.testing.assert_allclose(got[1:4] / [1e-300, 1e300, 1.0], np.linalg.norm(base, 2), rtol=1e-12)


def test_the_same_matrices_give_the_same_norms():
    A = np.random.default_rng(3).standard_normal((6, 40, 40))
    assert np.array_equal(spectral_norms(A), spectral_norms(A.copy()))
    assert np.array_equal(spectral_norms(A)[2:3], spectral_norms(A[2:3]))  # alone or in a stack
