"""numlearn's Numba kernels leave torch's intra-op thread count alone.

Numba's OpenMP threading layer shares the OpenMP runtime with torch, so a parallel
kernel launch used to set torch's thread count to ``NUMBA_NUM_THREADS``: after the
classical floor of an explicit BWLer, a ``torch.set_num_threads(1)`` process trained
on two threads (3-9x slower Adam steps on a shared 2-core machine).
"""

import numba
import pytest

torch = pytest.importorskip("torch")

from numlearn._core.threads import keep_torch_threads  # noqa: E402


@pytest.fixture
def other_count():
    """A torch thread count unlike Numba's, set for the test and restored after."""
    before = torch.get_num_threads()
    n = 1 if numba.config.NUMBA_NUM_THREADS > 1 else 2
    torch.set_num_threads(n)
    yield n
    torch.set_num_threads(before)


def test_keep_torch_threads_restores_the_count(other_count):
    with keep_torch_threads():
        torch.set_num_threads(other_count + 1)
    assert torch.get_num_threads() == other_count
    with pytest.raises(RuntimeError), keep_torch_threads():
        torch.set_num_threads(other_count + 2)
        raise RuntimeError("restored on the way out too")
    assert torch.get_num_threads() == other_count


def test_an_explicit_bwler_with_its_classical_floor_keeps_torch_threads(other_count):
    """The paper preset on the wave runs the classical minimiser and the evaluation
    kernels (measured: torch's count went from 1 to 2 before the fix)."""
    from numlearn.learned.spectral import solve_pde

    res = solve_pde("wave", "explicit", preset="paper", progress=False)
    assert res.stats["error"] < 1e-12
    assert torch.get_num_threads() == other_count

