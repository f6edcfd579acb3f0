import numpy as np
import pytest
import sympy as sp

from liealg import Oracle
from liealg.testing import assert_invariant


def test_assert_invariant_exact_and_numeric():
    phi = Oracle("x1**2 + x2**2 - x3**2")
    boost = sp.Matrix([[0, 0, 1], [0, 0, 0], [1, 0, 0]])
    assert_invariant(phi, [boost])
    assert_invariant(phi, [np.array(boost, dtype=float)])
    with pytest.raises(AssertionError, match="generator 0"):
        assert_invariant(phi, [sp.Matrix([[0, 1, 0], [0, 0, 0], [0, 0, 0]])])
    with pytest.raises(AssertionError, match="1 of 2"):
        assert_invariant(phi, [np.array(boost, dtype=float), np.eye(3)])
