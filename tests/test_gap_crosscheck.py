"""Cross-check identify()'s Cartan types against GAP's ``SemiSimpleType``.

GAP is an independent oracle: it decomposes the algebra modulo a prime where everything splits
(IDENTIFICATION.md §1.1). Its answer carries no real form, so only the complex Cartan type is
compared (order-insensitive). Non-semisimple algebras go through GAP's Levi subalgebra.

Skipped when the ``gap`` executable is absent (``apt-get install gap-core gap-libs``). All
algebras run in one GAP session, because GAP's start-up costs seconds.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess

import pytest
import sympy

import liealg.catalog as cat
from liealg.catalog import exceptional
from liealg.algebra import LieAlgebra
from liealg.identification import identify

GAP = shutil.which("gap")
pytestmark = pytest.mark.skipif(GAP is None, reason="GAP is not installed (apt-get install gap-core gap-libs)")


def _exceptional(name: str):
    return getattr(exceptional, name)()


def _random_basis(n: int, seed: int) -> sympy.Matrix:
    rng = random.Random(seed)
    P = sympy.eye(n)
    for _ in range(2 * n):
        i, j = rng.sample(range(n), 2)
        P[i, :] = P[i, :] + sympy.Rational(rng.choice([-2, -1, 1, 3]), rng.choice([1, 2])) * P[j, :]
    return P


FACTORIES = {
    "so(4)": lambda: cat.so(4),
    "so(5)": lambda: cat.so(5),
    "sp(4,R)": lambda: cat.sp(4),
    "so(7)": lambda: cat.so(7),
    "sp(6,R)": lambda: cat.sp(6),
    "su(3)": lambda: cat.su(3),
    "su(2,1)": lambda: cat.su(2, 1),
    "sl(3,R)": lambda: cat.sl(3),
    "so(8)": lambda: cat.so(8),
    "so(3,1)": lambda: cat.so(3, 1),
    "sp(2)": lambda: cat.sp_compact(2),
    "sp(3)": lambda: cat.sp_compact(3),
    "so(3)+sl(2,R)+su(3)": lambda: cat.direct_sum(cat.so(3), cat.sl(2), cat.su(3)),
    "poincare(1,3)": lambda: cat.poincare(1, 3),
    "u(3)": lambda: cat.u(3),
    "g2": lambda: _exceptional("g2_matrices"),
    "G2(2)": lambda: _exceptional("g2_split_matrices"),
}
# the same algebras in a random basis must still agree
RANDOM_BASIS = {"so(7) random basis": ("so(7)", 1), "sp(6,R) random basis": ("sp(6,R)", 2)}


def _algebras() -> dict[str, LieAlgebra]:
    out = {}
    for label, make in FACTORIES.items():
        out[label] = LieAlgebra.from_matrices(make())
    for label, (base, seed) in RANDOM_BASIS.items():
        out[label] = out[base].change_basis(_random_basis(out[base].dim, seed))
    return out


def gap_script(algebras: dict[str, LieAlgebra]) -> str:
    """One GAP program printing ``RESULT <index> <type>`` per algebra (1-based indices in GAP)."""
    lines = []
    for idx, L in enumerate(algebras.values()):
        lines.append(f'T := EmptySCTable({L.dim}, 0, "antisymmetric");;')
        for (i, j), comps in sorted(L.structure_constants.items()):
            entry = ", ".join(f"{c}, {k + 1}" for k, c in sorted(comps.items()))
            lines.append(f"SetEntrySCTable(T, {i + 1}, {j + 1}, [{entry}]);;")
        lines.append("L := LieAlgebraByStructureConstants(Rationals, T);;")
        if L.is_semisimple:
            lines.append(f'Print("RESULT {idx} ", SemiSimpleType(L), "\\n");')
        else:
            lines.append("S := LeviMalcevDecomposition(L)[1];;")
            lines.append(f'Print("RESULT {idx} ", SemiSimpleType(S), "\\n");')
    lines.append("QUIT;")
    return "\n".join(lines) + "\n"


def run_gap(script: str, timeout: float = 600) -> dict[int, str]:
    proc = subprocess.run([GAP, "-q", "-b"], input=script, capture_output=True, text=True, timeout=timeout)
    found = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"RESULT (\d+) (.*)$", line.strip())
        if m:
            found[int(m.group(1))] = m.group(2).strip()
    if not found:
        raise RuntimeError(f"GAP produced no result; stderr: {proc.stderr[-2000:]}")
    return found


@pytest.fixture(scope="module")
def gap_types():
    algebras = _algebras()
    results = run_gap(gap_script(algebras))
    return {label: results.get(i) for i, label in enumerate(algebras)}, algebras


@pytest.mark.parametrize("label", list(FACTORIES) + list(RANDOM_BASIS))
def test_cartan_type_agrees_with_gap(label, gap_types):
    types, algebras = gap_types
    gap_answer = types[label]
    assert gap_answer is not None, f"GAP gave no answer for {label}"
    ours = identify(algebras[label]).cartan_type
    assert sorted(gap_answer.split()) == sorted(t for t in ours.split("+") if t), (label, gap_answer, ours)


def test_at_least_ten_algebras_are_checked(gap_types):
    types, _ = gap_types
    assert sum(v is not None for v in types.values()) >= 10
