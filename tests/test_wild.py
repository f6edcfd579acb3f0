"""The wild: oracles from outside the catalog, each checked against an answer computed here.

Physics potentials, scaled and irrational couplings, rational and transcendental oracles, 12 to
20 variables. For every oracle the test computes the symmetry algebra itself, independently of
liealg's training and exact layers: the gradient by sympy and numpy, the invariance conditions
``grad phi(x) . W x = 0`` at seeded points, their null space by SVD, and from its basis the
structure constants and the Killing signature, numerically. Then the whole chain
(train -> exact -> certify -> name) must agree: the same dimension, the same span, certified,
and a name whose Killing signature is the one computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import sympy as sp

import liealg
from liealg.catalog import physics

R = sp.Rational


# ------------------------------------------------------------------ the independent answer
@dataclass(frozen=True)
class Answer:
    dimension: int
    basis: np.ndarray  # (dim, d, d) orthonormal basis of the symmetry algebra (real)
    killing_signature: tuple[int, int, int]


def independent_answer(exprs: list[sp.Expr], vectors: list[list[sp.Symbol]], *, points: int = 600,
                       seed: int = 7, units: tuple[sp.Rational, ...] | None = None) -> Answer:
    """The linear symmetry algebra of real ``exprs``, computed with numpy: SVD of the sampled
    invariance conditions, each row normalized (a point on a pole or far out counts once).

    ``units``: the test's own choice of units ``x = s y`` for oracles with couplings of very
    different sizes; the algebra is computed in ``y`` and conjugated back, ``W = S V S^-1``."""
    if units is not None:
        subs = {v: s * v for vec in vectors for v, s in zip(vec, units)}
        inner = independent_answer([sp.expand(e.xreplace(subs)) for e in exprs], vectors, points=points, seed=seed)
        s = np.array([float(u) for u in units])
        basis = inner.basis * s[None, :, None] / s[None, None, :]
        return Answer(inner.dimension, basis, inner.killing_signature)  # conjugation keeps the signature
    d = len(vectors[0])
    xs = [s for v in vectors for s in v]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(points, len(xs)))
    rows = []
    for e in exprs:
        grads = [sp.lambdify(xs, sp.diff(e, s), modules="numpy") for s in xs]
        with np.errstate(invalid="ignore", divide="ignore"):  # sqrt of a negative: a row dropped below
            g = np.stack([np.broadcast_to(np.asarray(f(*x.T), dtype=float), (points,)) for f in grads], axis=1)
        # d/dt phi(x + t W x) = sum_v grad_v . W x_v: coefficients of W_ij are sum_v g_vi x_vj
        gv = g.reshape(points, len(vectors), d)
        xv = x.reshape(points, len(vectors), d)
        cond = np.einsum("mvi,mvj->mij", gv, xv).reshape(points, d * d)
        norms = np.linalg.norm(cond, axis=1, keepdims=True)
        keep = np.isfinite(norms[:, 0]) & (norms[:, 0] > 0)
        rows.append(cond[keep] / norms[keep])
    A = np.concatenate(rows)
    # Equilibrate the columns (entries W_ij of very different units, 1e8*x1*x2 beside x3**2):
    # null(A D) = D^-1 null(A), and A D is well conditioned.
    col = np.linalg.norm(A, axis=0)
    D = np.where(col > 0, 1.0 / np.where(col > 0, col, 1.0), 1.0)
    _, s, vt = np.linalg.svd(A * D, full_matrices=True)
    s = np.concatenate([s, np.zeros(d * d - len(s))])
    dim = int((s < 1e-7 * s[0]).sum())
    null = (vt[d * d - dim:] * D).T  # back to W's own entries
    basis = np.linalg.qr(null)[0].T.reshape(dim, d, d) if dim else np.zeros((0, d, d))
    return Answer(dim, basis, killing_signature(basis))


def killing_signature(basis: np.ndarray) -> tuple[int, int, int]:
    """Killing form signature of the span of an orthonormal ``basis`` (numerically: the structure
    constants are the projections of the brackets onto the basis)."""
    k = len(basis)
    if k == 0:
        return (0, 0, 0)
    prod = np.einsum("aij,bjk->abik", basis, basis)
    brackets = prod - prod.transpose(1, 0, 2, 3)
    ad = np.einsum("abij,cij->acb", brackets, basis)  # ad[a][c, b]: [e_a, e_b] = sum_c ad[a][c, b] e_c
    K = np.einsum("aij,bji->ab", ad, ad)
    # Jacobi scaling (Sylvester: the signature is unchanged) so that units of very different
    # sizes in the basis do not hide eigenvalues in round-off.
    diag = np.sqrt(np.abs(np.diag(K)))
    scale = np.where(diag > 1e-12 * max(1.0, float(diag.max())), 1.0 / np.where(diag > 0, diag, 1.0), 1.0)
    K = K * scale[:, None] * scale[None, :]
    ev = np.linalg.eigvalsh((K + K.T) / 2)
    tol = 1e-6 * max(1.0, float(np.abs(ev).max()))
    return (int((ev > tol).sum()), int((ev < -tol).sum()), int((np.abs(ev) <= tol).sum()))


def largest_angle(a: np.ndarray, b: np.ndarray) -> float:
    qa = np.linalg.qr(a.reshape(len(a), -1).T)[0]
    qb = np.linalg.qr(b.reshape(len(b), -1).T)[0]
    cos = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return float(np.arccos(np.clip(cos.min(), -1.0, 1.0)))


# ------------------------------------------------------------------ the zoo
@dataclass(frozen=True)
class Wild:
    id: str
    exprs: tuple[sp.Expr, ...]
    vectors: tuple[tuple[sp.Symbol, ...], ...]
    exact: bool = True  # a polynomial with rational coefficients: the exact solver applies
    known: str | None = None  # a name we know by hand, besides the computed signature
    slow: bool = False
    units: tuple[sp.Rational, ...] | None = None  # for the independent answer: x = s y

    @property
    def variables(self) -> str:
        return " ".join(s.name for s in self.vectors[0])


def xs(n: int, p: str = "x") -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"{p}{i}", real=True) for i in range(1, n + 1))


def quad(v: tuple[sp.Symbol, ...], p: int) -> sp.Expr:
    return sum(s**2 for s in v[:p]) - sum(s**2 for s in v[p:])


def potential(V: physics.Potential, id: str, known: str | None = None, slow: bool = False) -> Wild:
    return Wild(id, (V.expr,), (V.variables,), known=known or V.expected, slow=slow)


X3, X4, X5, X6, X8 = xs(3), xs(4), xs(5), xs(6), xs(8)
x1, x2, x3, x4, x5, x6 = X6


def zoo() -> list[Wild]:
    v12, v16, v20 = xs(12), xs(16), xs(20)
    q, p = xs(2, "q"), xs(2, "p")
    qy, py = xs(2, "u"), xs(2, "w")
    return [
        # --- physics potentials
        potential(physics.sm_higgs(), "SM Higgs", "so(4)"),
        potential(physics.sm_higgs(mu2=R(-3, 2), lam=R(1, 8)), "SM Higgs, other couplings", "so(4)"),
        potential(physics.two_higgs_doublet(m11=-1, m22=-2, m12=R(1, 3), l1=2, l2=3, l3=R(1, 2), l4=R(-1, 5),
                                            l5=R(1, 7), l6=R(1, 11), l7=R(1, 13)), "2HDM generic"),
        potential(physics.two_higgs_doublet(m11=-1, m22=-2, l1=2, l2=3, l3=R(1, 2), l4=R(-1, 5)), "2HDM Peccei-Quinn"),
        potential(physics.two_higgs_doublet(m11=-1, m22=-2, l1=2, l2=3, l3=R(1, 2), l4=R(-1, 5), l5=R(1, 7)),
                  "2HDM Z2"),
        potential(physics.two_higgs_doublet(m11=-1, m22=-1, l1=2, l2=2, l3=2, l4=0), "2HDM O(8)-symmetric couplings"),
        potential(physics.two_higgs_doublet(m11=-1, m22=-3, m12=R(1, 2), l1=1, l2=4, l3=R(3, 2), l4=R(1, 3),
                                            l5=R(1, 3)), "2HDM custodial-like"),
        potential(physics.su5_adjoint(R(1, 3), R(1, 5), R(1, 7)), "SU(5) adjoint Higgs", "su(5)", slow=True),
        Wild("oscillator with its symplectic form",
             ((sum(s**2 for s in q + p)) / 2, (sum(s**2 for s in qy + py)) / 2,
              q[0] * py[0] - p[0] * qy[0] + q[1] * py[1] - p[1] * qy[1]),
             (q + p, qy + py), known="u(2)"),
        Wild("Kepler H = |p|^2/2 - 1/|q|", (sum(s**2 for s in xs(3, "p")) / 2
                                             - 1 / sp.sqrt(sum(s**2 for s in xs(3, "q"))),),
             (xs(3, "q") + xs(3, "p"),), exact=False, known="so(4)"),
        # --- scaled and irrational coefficients
        Wild("units 1e6*x1^2 + x2^2 + x3^2", (R(10**6) * x1**2 + x2**2 + x3**2,), (X3,), known="su(2)",
             units=(R(1, 1000), 1, 1)),
        Wild("units 1e-4 (x1^2 + x2^2) + x3^2 - x4^2", (R(1, 10**4) * (x1**2 + x2**2) + x3**2 - x4**2,), (X4,),
             units=(100, 100, 1, 1), known="so(3,1)"),
        Wild("units 1e8 x1 x2 + x3^2 + x4^2", (R(10**8) * x1 * x2 + x3**2 + x4**2,), (X4,),
             units=(R(1, 10**4), R(1, 10**4), 1, 1), known="so(3,1)"),
        Wild("sqrt(2) weight", (x1**2 + sp.sqrt(2) * x2**2 + x3**2,), (X3,)),
        Wild("sqrt(3) Lorentz-like", (x1**2 + x2**2 - sp.sqrt(3) * x3**2,), (X3,)),
        Wild("cube root 2", (x1**2 + x2**2 + 2 ** R(1, 3) * x3**2 + x4**2,), (X4,)),
        Wild("sqrt(5) mixed", (x1**2 + x2**2 + sp.sqrt(5) * x1 * x3 + x3**2,), (X3,)),
        Wild("pi weight (transcendental)", (x1**2 + sp.pi * x2**2 + x3**2,), (X3,), exact=False),
        Wild("log 2 weight (transcendental)", (sp.log(2) * (x1**2 + x2**2) + x3**4,), (X3,), exact=False),
        # --- rational oracles
        Wild("ratio of quadrics", ((x1**2 + x2**2) / (x3**2 + x4**2),), (X4,), exact=False),
        Wild("cross ratio", (x1 * x2 / (1 + x3**2),), (X3,), exact=False),
        Wild("1/(1 + |x|^2)", (1 / (1 + x1**2 + x2**2 + x3**2),), (X3,), exact=False, known="su(2)"),
        Wild("Lorentz ratio", ((x1**2 + x2**2 - x3**2) / (x4**2 + 1),), (X4,), exact=False),
        # --- transcendental oracles
        Wild("cosh of a (2,2) quadric + x5^2", (sp.cosh(x1**2 + x2**2 - x3**2 - x4**2) + x5**2,), (X5,),
             exact=False),
        Wild("gaussian times x3", (sp.exp(-(x1**2 + x2**2)) * x3,), (X3,), exact=False),
        Wild("log(1 + |x|^2)", (sp.log(1 + x1**2 + x2**2 + x3**2 + x4**2),), (X4,), exact=False, known="so(4)"),
        Wild("sin(x1 x2) + x3^2", (sp.sin(x1 * x2) + x3**2,), (X3,), exact=False),
        Wild("atan of a ratio", (sp.atan(x1 / (1 + x2**2 + x3**2)),), (X3,), exact=False),
        Wild("sqrt of a Minkowski form", (sp.sqrt(1 + x1**2 + x2**2 - x3**2),), (X3,), exact=False),
        # --- polynomials nobody tuned for
        Wild("x1^4 + x2^4 + x3^2", (x1**4 + x2**4 + x3**2,), (X3,)),
        Wild("(x1^2 + x2^2)^2 + x3 x4", ((x1**2 + x2**2) ** 2 + x3 * x4,), (X4,)),
        Wild("x1 x2 x3", (x1 * x2 * x3,), (X3,)),
        Wild("x1^2 + x2^2 in 3 variables (x3 unused)", (x1**2 + x2**2 + 0 * x3,), (X3,)),
        Wild("binary cubic discriminant-like", (x1**2 * x2**2 - 4 * x1**3 * x3 - 4 * x2**3 + 18 * x1 * x2 * x3
                                                 - 27 * x3**2,), (X3,)),
        Wild("two quadrics", (x1**2 + x2**2 + x3**2 + x4**2, x1 * x3 + x2 * x4), (X4,)),
        Wild("symplectic pairing", (x1 * x4 - x2 * x3 + x5 * x6 * 0,), (X6,)),
        Wild("cubic x1 x2 x3 + x4^3", (x1 * x2 * x3 + x4**3,), (X4,)),
        Wild("determinant 3x3 of one vector's entries", (sp.Matrix(3, 3, list(xs(9))).det(),), (xs(9),), slow=True),
        # --- 12 to 20 variables
        Wild("so(12)", (quad(v12, 12),), (v12,), known="so(12)"),
        Wild("so(10,2)", (quad(v12, 10),), (v12,), known="so(10,2)"),
        Wild("(x1^2+..+x6^2)(x7^2+..+x12^2)", (quad(v12[:6], 6) * quad(v12[6:], 6),), (v12,)),
        Wild("(x1^2+..+x8^2)(x9^2+..+x16^2)", (quad(v16[:8], 8) * quad(v16[8:], 8),), (v16,), slow=True),
        Wild("so(18,2)", (quad(v20, 18),), (v20,), known="so(18,2)", slow=True),
        Wild("sum of 6 determinants", (sum(v12[2 * i] * v12[2 * i + 1] for i in range(6)),), (v12,)),
    ]


CASES = zoo()


def _params():
    return [pytest.param(c, id=c.id, marks=[pytest.mark.slow] if c.slow else []) for c in CASES]


def test_the_zoo_is_wild_and_large_enough():
    assert len(CASES) >= 40
    kinds = {"2HDM": 5, "units": 3, "sqrt": 3, "ratio": 1, "cosh": 1}
    for word, at_least in kinds.items():
        assert sum(word in c.id for c in CASES) >= at_least, word
    assert sum(len(c.vectors[0]) >= 12 for c in CASES) >= 4


@pytest.mark.parametrize("case", _params())
def test_the_chain_agrees_with_the_independent_answer(case: Wild):
    answer = independent_answer(list(case.exprs), [list(v) for v in case.vectors], units=case.units)
    vectors = [[s.name for s in v] for v in case.vectors]
    oracle = liealg.Oracle(list(case.exprs), vectors=vectors)
    result = liealg.discover(oracle, seed=0, training=liealg.TrainConfig(max_seconds=600))
    assert result.dimension == answer.dimension, result.notes
    if answer.dimension == 0:
        return
    floats = np.array([np.array(np.array(m.evalf(), dtype=float)) for m in result.generators]) \
        if result.generators else result.polished
    assert floats is not None
    assert largest_angle(floats, answer.basis) < 1e-6, result.notes
    if case.exact:
        assert result.generators is not None, result.notes
        assert result.certified is True, result.notes
    else:
        assert result.generators is not None or any("not exact" in n or "could not" in n for n in result.notes)
    if result.generators is not None:
        assert result.certified is not False
        assert result.identification is not None, result.notes
        assert tuple(result.identification.killing_signature) == answer.killing_signature
    if case.known is not None:
        names = {result.name, *result.identification.aliases}
        assert case.known in names, (result.name, result.identification.aliases)
