"""Bad input to numlearn.learned.spectral.fit and Phase: errors name the argument and
come before any work."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.spectral import Phase, fit  # noqa: E402
from tests.learned.test_spectral_fit import BVP  # noqa: E402


@pytest.mark.parametrize(("args", "exc", "match"), [
    (("sgd", 10), ValueError, "optimizer"),
    (("adam", 0), ValueError, "steps"),
    (("adam", 2.5), TypeError, "steps"),
    (("adam", 10, {"lr_max": -1.0}), ValueError, "lr_max"),
    (("adam", 10, {"learning_rate": 1e-3}), TypeError, "options"),
    (("lbfgs", 10, {"history_size": 5000}), ValueError, "history_size"),
    (("nncg", 10, {"rank": 0}), ValueError, "rank"),
    (("gauss_newton", 10, {"mu": -1.0}), ValueError, "mu"),
    (("gauss_newton", 10, {"jacobian": "numeric"}), ValueError, "jacobian"),
    (("gauss_newton", 10, {"max_parameters": 0}), ValueError, "max_parameters"),
    (("adam", 10, ["lr_max"]), TypeError, "options"),
])
def test_bad_phase(args, exc, match):
    with pytest.raises(exc, match=match):
        Phase(*args)


@pytest.mark.parametrize(("kwargs", "exc", "match"), [
    ({"seed": -1}, ValueError, "seed"),
    ({"time_budget": 0.0}, ValueError, "time_budget"),
    ({"time_budget": float("nan")}, ValueError, "time_budget"),
    ({"target": -1.0}, ValueError, "target"),
    ({"eval_every": 0}, ValueError, "eval_every"),
    ({"progress": "yes"}, TypeError, "progress"),
    ({"resume": True}, ValueError, "checkpoint"),
    ({"checkpoint": 3}, TypeError, "checkpoint"),
    ({"checkpoint": "/nonexistent-dir/x.pt"}, ValueError, "checkpoint"),
    ({"theta0": [0.0] * 16}, TypeError, "theta0"),
    ({"theta0": torch.zeros(15, dtype=torch.float64)}, ValueError, "theta0"),
    ({"theta0": torch.zeros(16, dtype=torch.float32)}, TypeError, "theta0"),
    ({"theta0": torch.zeros(4, 4, dtype=torch.float64)}, ValueError, "theta0"),
    ({"theta0": torch.full((16,), float("nan"), dtype=torch.float64)}, ValueError,
     "theta0"),
])
def test_bad_fit_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fit(BVP(), [Phase("adam", 2)], progress=False, **kwargs)


def test_bad_objective_and_phases():
    with pytest.raises(TypeError, match="objective"):
        fit(object(), [Phase("adam", 2)])
    with pytest.raises(TypeError, match="phases"):
        fit(BVP(), [])
    with pytest.raises(TypeError, match="phases"):
        fit(BVP(), ["adam"])


def test_theta0_on_another_device():
    if not torch.cuda.is_available():
        pytest.skip("needs CUDA")
    with pytest.raises(ValueError, match="theta0"):
        fit(BVP(), [Phase("adam", 2)], theta0=torch.zeros(16, dtype=torch.float64,
                                                          device="cuda"))


def test_gauss_newton_refused_above_max_parameters():
    with pytest.raises(ValueError, match=r"max_parameters.*nncg"):
        fit(BVP(), [Phase("gauss_newton", 2, {"max_parameters": 10})], progress=False)


def test_a_checkpoint_that_is_not_one(tmp_path):
    path = tmp_path / "x.pt"
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="checkpoint"):
        fit(BVP(), [Phase("adam", 2)], progress=False, checkpoint=path, resume=True)
