"""Spectral norms ‖A‖₂ = σ_max(A) of a stack of matrices (docs/maths.md §Inside a step).

Golub–Kahan–Lanczos bidiagonalisation: from a unit start vector v_1, for j = 1, 2, …

    α_j u_j = A v_j − β_{j−1} u_{j−1},     β_j v_{j+1} = Aᵀ u_j − α_j v_j

with every u and every v kept orthonormal, so that A V_m = U_m B_m, B_m the m × m upper
bidiagonal matrix of the α (diagonal) and β (above it). The largest singular value θ of the
small B_m rises towards σ_max(A) as m grows, never past it; with x the top left singular
vector of B_m, the residual β_m·|x_m| bounds how far θ is from a singular value of A, and the
error in θ is about the residual's square over the gap to the next singular value. At
m = min(rows, columns) B_m has A's singular values themselves.

Every CHECK_EVERY steps θ is read off B_m (singular values only, which is cheap); where it has
stopped rising (LEVEL), the full SVD of B_m gives the residual, and a matrix whose residual is
at most RESIDUAL·θ is done and leaves the stack. A stack of N matrices
iterates together, so NumPy's cost per call is paid once a step rather than once a matrix:
that is what makes 50 norms of 512 × 512 cheap (one LAPACK SVD each would cost more than the
whole trace). The start vector comes from a fixed seed and is the same for every matrix, so a
matrix gets the same norm, to the last bit, alone or in any stack.
"""

import numpy as np

CHECK_EVERY = 4  # steps between looks at θ
LEVEL = 1e-9  # θ has levelled off: it rose by at most this much (relative) since the last look
# The relative residual that confirms θ: then θ is within 1e-7 of a singular value of A, however
# close the next one, and in error by about 1e-14 / (the relative gap to the next): far below
# anything drawn, and below 1e-10 for the Jacobians of every cell tried (tests/engine/test_spectral.py).
RESIDUAL = 1e-7
BREAKDOWN = 1e-12  # what is left of a vector, relative, after two passes of Gram–Schmidt: rounding


def spectral_norms(A):
    """σ_max of each matrix of A (N, R, C), finite values, R and C at least 1: (N,)."""
    if A.shape[1] < A.shape[2]:
        A = A.transpose(0, 2, 1)  # ‖A‖ = ‖Aᵀ‖; started from the shorter side, m = C is exact
    largest = np.abs(A).max(axis=(1, 2))
    far = (largest > 2.0**500) | ((largest < 2.0**-500) & (largest > 0))  # squares would overflow or vanish
    if far.any():  # scaled by a power of two, which is exact, and the norms scaled back
        e = np.where(far, np.frexp(largest)[1], 0)
        return np.ldexp(spectral_norms(np.ldexp(A, -e[:, None, None])), e)
    N, R, C = A.shape
    norms = np.zeros(N)
    todo, A_todo = np.arange(N), A  # the matrices still iterating, and their state:
    v = np.random.default_rng(0).standard_normal(C)  # one start for all: a norm is the same in any stack
    v = np.repeat(v[None] / np.linalg.norm(v), N, axis=0)
    U, V = np.zeros((N, C, R)), np.zeros((N, C, C))  # the u's and v's so far, as rows (zero pages
    alpha, beta = np.zeros((N, C)), np.zeros((N, C))  # cost no memory until written)
    u, b, theta_before = np.zeros((N, R)), np.zeros(N), np.zeros(N)
    for m in range(1, C + 1):
        j = m - 1
        V[:, j] = v
        u = (A_todo @ v[:, :, None])[:, :, 0] - b[:, None] * u  # A v_j − β_{j−1} u_{j−1}
        u = _orthogonal_to(u, U[:, :j])
        a = np.linalg.norm(u, axis=1)
        u /= np.where(a > 0, a, 1.0)[:, None]  # a zero u (A v_j within the u's so far) stays zero
        alpha[:, j], U[:, j] = a, u
        w = (A_todo.transpose(0, 2, 1) @ u[:, :, None])[:, :, 0] - a[:, None] * v  # Aᵀ u_j − α_j v_j
        w = _orthogonal_to(w, V[:, :m])
        b = np.linalg.norm(w, axis=1)
        v = w / np.where(b > 0, b, 1.0)[:, None]
        beta[:, j] = b
        if m % CHECK_EVERY and m < C:
            continue
        theta = np.linalg.svd(_bidiagonal(alpha[:, :m], beta[:, :j]), compute_uv=False)[:, 0]
        done = np.full(len(todo), m == C)
        level = theta <= theta_before * (1.0 + LEVEL)
        if not done.all() and level.any():
            X, sigma, _ = np.linalg.svd(_bidiagonal(alpha[level, :m], beta[level, :j]))
            done[level] = b[level] * np.abs(X[:, -1, 0]) <= RESIDUAL * sigma[:, 0]  # β_m |x_m|
        norms[todo[done]] = theta[done]
        if done.all():
            return norms
        if done.any():
            keep = ~done
            todo, alpha, beta, u, v, b, theta = (x[keep] for x in (todo, alpha, beta, u, v, b, theta))
            U, V, A_todo = _rows_kept(U, keep, m), _rows_kept(V, keep, m), A[todo]
        theta_before = theta


def _rows_kept(Q, keep, m):
    """Q (N, n, ·) for the kept matrices, its first m rows copied (the others are still zero)."""
    kept = np.zeros((int(keep.sum()),) + Q.shape[1:])
    kept[:, :m] = Q[keep, :m]
    return kept


def _orthogonal_to(w, Q):
    """w (N, n) less its parts along the rows of Q (N, j, n), orthonormal rows. Where one pass
    removed most of w, a second pass (twice is enough: Kahan and Parlett); what is then left of a
    w that lay within the rows is rounding, and is set to zero: the Krylov space is exhausted, B_m
    already holds the singular values it can reach, and the bidiagonal simply stops growing."""
    if Q.shape[1] == 0:
        return w
    before = np.linalg.norm(w, axis=1)
    w = w - _along(w, Q)
    again = np.linalg.norm(w, axis=1) < 0.7 * before
    if again.any():
        w[again] -= _along(w[again], Q[again])
        w[again & (np.linalg.norm(w, axis=1) <= BREAKDOWN * before)] = 0.0
    return w


def _along(w, Q):
    """The parts of w (N, n) along the rows of Q (N, j, n): Σ_i (q_i·w) q_i."""
    return ((Q @ w[:, :, None]).transpose(0, 2, 1) @ Q)[:, 0]


def _bidiagonal(alpha, beta):
    """The upper bidiagonal matrices B (N, m, m) with α (N, m) on the diagonal and β (N, m−1) above it."""
    N, m = alpha.shape
    B = np.zeros((N, m, m))
    diagonal = np.arange(m)
    B[:, diagonal, diagonal] = alpha
    B[:, diagonal[:-1], diagonal[1:]] = beta
    return B
