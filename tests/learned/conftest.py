"""The learned tests run torch on one intra-op thread: several test processes (or
other jobs) share the cores, and torch's default of one thread per core makes them
fight for them (the fast suite then ran 10x slower with another job running)."""

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
