"""Reference Lie algebras with known names: exact matrix bases (:mod:`liealg.catalog.algebras`).

The exceptional algebras live in :mod:`liealg.catalog.exceptional` and are imported on demand.
"""

from liealg.catalog.algebras import (
    abelian,
    by_name,
    direct_sum,
    euclidean,
    gl,
    heisenberg,
    poincare,
    sl,
    so,
    sp,
    sp_compact,
    su,
    u,
)

__all__ = [
    "abelian",
    "by_name",
    "direct_sum",
    "euclidean",
    "gl",
    "heisenberg",
    "poincare",
    "sl",
    "so",
    "sp",
    "sp_compact",
    "su",
    "u",
]
