"""Small helpers shared by the training stages (linear and non-linear)."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, Sequence

import torch

from liealg.errors import OracleError

__all__ = ["check_choice", "torch_threads"]


def check_choice(name: str, value: Any, choices: Sequence[str]) -> None:
    """Refuse an option value that is not one of ``choices``, listing the valid ones."""
    if value not in choices:
        raise OracleError(f"unknown {name} {value!r}; choose one of: {', '.join(choices)}")


@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` torch intra-op threads, then restore the previous setting.

    Small training problems (a few hundred points, matrices of size ~10) are too small for
    threads to pay off: on a busy 2-core machine two threads made su(3) 15x slower (30 s
    against 2 s) and a squeeze field 13x slower than one. ``None`` leaves torch's setting alone.
    """
    if n is None:
        yield
        return
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise OracleError(f"num_threads must be a positive integer or None, got {n!r}")
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
