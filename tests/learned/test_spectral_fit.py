"""fit (numlearn.learned.spectral.fit) on a 1-D linear BVP whose discrete loss has an
exact minimiser: the oracle is NumPy's QR least-squares solve of the same system."""

import math
import warnings

import numpy as np
import pytest
import torch

from numlearn._core.result import Status
from numlearn.classical.differentiation import chebyshev_diffmat
from numlearn.classical.nodes import chebyshev_points
from numlearn.learned.optim import LevenbergMarquardt, jacobian_of
from numlearn.learned.spectral import NonFiniteLossError, PDEObjective, Phase, fit

EPS = np.finfo(np.float64).eps


class _Problem:
    """u'' = f on [-1, 1], u = exp(sin(2x)) (the truth at the nodes)."""

    def __init__(self, x):
        self.x = x

    def truth(self):
        return np.exp(np.sin(2 * self.x))


class BVP(PDEObjective):
    """theta = the nodal values; r_pde = (D2 u - f)/sqrt(M) at the interior nodes,
    r_bc = sqrt(100/2) (u(+-1) - g): the paper's weighting, a linear residual A theta - b."""

    def __init__(self, n=16, *, nan_after=None, dtype=torch.float64, device="cpu"):
        self.n, self.nan_after, self.calls = n, nan_after, 0
        x = chebyshev_points(n)
        D2 = chebyshev_diffmat(n, 2)
        u = np.exp(np.sin(2 * x))
        f = (4 * np.cos(2 * x) ** 2 - 4 * np.sin(2 * x)) * u
        m = n - 2
        A = np.zeros((m + 2, n))
        A[:m] = D2[1:-1] / math.sqrt(m)
        A[m, 0] = A[m + 1, -1] = math.sqrt(50.0)
        b = np.concatenate([f[1:-1] / math.sqrt(m), math.sqrt(50.0) * u[[0, -1]]])
        self.A_np, self.b_np, self.m = A, b, m
        self.problem = _Problem(x)
        self.name = f"test BVP n={n}"
        self.dtype, self.device = dtype, torch.device(device)
        self.A = torch.tensor(A, dtype=dtype, device=self.device)
        self.b = torch.tensor(b, dtype=dtype, device=self.device)

    def residuals(self, theta):
        self.calls += 1
        r = self.A @ theta - self.b
        bc = r[self.m:]
        if self.nan_after is not None and self.calls > self.nan_after:
            bc = bc * math.nan
        return {"pde": r[: self.m], "bc": bc}

    def initial_parameters(self, seed=0):
        g = torch.Generator().manual_seed(seed)
        return (0.1 * torch.randn(self.n, generator=g, dtype=self.dtype)).to(self.device)

    def predict(self, theta):
        return theta.detach().cpu().numpy().astype(np.float64)

    def config(self):
        return {"kind": "test-bvp", "n": self.n}


def _qr_minimiser(obj):
    Q, R = np.linalg.qr(obj.A_np)
    return np.linalg.solve(R, Q.T @ obj.b_np)


def _loss(obj, v):
    r = obj.A_np @ v - obj.b_np
    return float(r @ r)


@pytest.mark.parametrize("phase", [
    Phase("adam", 200, {"lr_max": 1e-2}), Phase("lbfgs", 30), Phase("nncg", 5, {"rank": 8}),
    Phase("gauss_newton", 3)])
def test_each_phase_decreases_the_loss(phase):
    obj = BVP()
    res = fit(obj, [phase], progress=False, eval_every=10)
    h = res.history
    assert h["loss"][-1] < h["loss"][0]
    # the recorded loss is the sum of the recorded terms, and the oracle's loss
    assert h["loss"][-1] == pytest.approx(h["term_pde"][-1] + h["term_bc"][-1], rel=1e-14)
    theta = res.stats["theta"].numpy()
    assert res.stats["loss"] == pytest.approx(_loss(obj, theta), rel=1e-10)
    assert res.stats["error"] == pytest.approx(
        np.linalg.norm(theta - obj.problem.truth()) / np.linalg.norm(obj.problem.truth()),
        rel=1e-12)
    assert res.side == "learned" and res.value.dtype == np.float64
    assert res.method == f"fit({phase.optimizer})"
    assert set(h) >= {"step", "phase", "loss", "error", "seconds", "term_pde", "term_bc"}


def test_gauss_newton_reaches_the_qr_minimiser():
    obj = BVP(16)
    v = _qr_minimiser(obj)
    cond = np.linalg.cond(obj.A_np)
    res = fit(obj, [Phase("gauss_newton", 20, {"mu": 1e-8})], progress=False)
    theta = res.stats["theta"].numpy()
    # iterative refinement on the normal equations: forward error ~ cond(A) eps
    assert np.linalg.norm(theta - v) / np.linalg.norm(v) <= 10 * cond * EPS
    assert res.status is Status.SUCCESS
    assert res.stats["stopped_by"] == "stalled"  # no decrease left: stops before 20


def test_adam_then_lbfgs_then_gn_phases_in_history():
    obj = BVP()
    phases = [Phase("adam", 20), Phase("lbfgs", 10), Phase("gauss_newton", 2)]
    res = fit(obj, phases, progress=False, eval_every=5)
    h = res.history
    assert h["step"][0] == 0 and h["step"][-1] == res.stats["iterations"]
    assert list(np.unique(h["phase"])) == [0, 1, 2]
    assert np.all(np.diff(h["step"]) > 0)
    assert res.method == "fit(adam+lbfgs+gauss_newton)"


def test_same_seed_same_history_bit_for_bit():
    phases = [Phase("adam", 20), Phase("nncg", 3, {"rank": 6}), Phase("lbfgs", 5)]
    a = fit(BVP(), phases, seed=3, progress=False, eval_every=4)
    b = fit(BVP(), phases, seed=3, progress=False, eval_every=4)
    for k in a.history:
        if k != "seconds":
            np.testing.assert_array_equal(a.history[k], b.history[k])
    assert torch.equal(a.stats["theta"], b.stats["theta"])
    c = fit(BVP(), phases, seed=4, progress=False, eval_every=4)
    assert not np.array_equal(a.history["loss"], c.history["loss"])


def test_time_budget_stops_cleanly():
    res = fit(BVP(), [Phase("adam", 10**7)], time_budget=0.3, progress=False)
    assert res.stats["stopped_by"] == "time_budget"
    assert res.status is Status.MAX_ITERATIONS and "time budget" in res.message
    assert 0 < res.stats["iterations"] < 10**7
    assert res.history["step"][-1] == res.stats["iterations"]
    assert res.stats["seconds"] < 10


def test_target_stops_early_or_warns():
    obj = BVP()
    floor = fit(obj, [Phase("gauss_newton", 10)], progress=False).stats["error"]
    res = fit(obj, [Phase("gauss_newton", 50)], target=10 * floor + 1e-12,
              progress=False, eval_every=1)
    assert res.status is Status.SUCCESS and res.stats["stopped_by"] == "target"
    assert res.stats["error"] <= 10 * floor + 1e-12
    with pytest.warns(RuntimeWarning, match="target"):
        res = fit(obj, [Phase("adam", 3)], target=1e-12, progress=False)
    assert res.status is Status.TARGET_NOT_REACHED


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs", "nncg", "gauss_newton"])
def test_nan_term_named(optimizer):
    obj = BVP(nan_after=6)
    opts = {"rank": 4} if optimizer == "nncg" else {}
    with pytest.raises(NonFiniteLossError, match=r"'bc'.*step \d+"):
        fit(obj, [Phase(optimizer, 50, opts)], progress=False, eval_every=1000)


def test_checkpoint_round_trip_and_resume_bit_identical(tmp_path):
    path = tmp_path / "run.pt"
    phases = [Phase("adam", 30, {"lr_max": 1e-2}), Phase("gauss_newton", 2)]
    whole = fit(BVP(), phases, seed=1, progress=False)
    first = fit(BVP(), phases, seed=1, progress=False, checkpoint=path,
                time_budget=1e-9)  # stops after one step, checkpoint written
    assert first.stats["iterations"] == 1 and path.exists()
    data = torch.load(path, weights_only=True)
    assert data["config"] == {"kind": "test-bvp", "n": 16} and data["seed"] == 1
    assert data["step"] == 1 and torch.equal(data["theta"], first.stats["theta"])
    rest = fit(BVP(), phases, seed=1, progress=False, checkpoint=path, resume=True)
    assert rest.stats["iterations"] == 32
    assert torch.equal(rest.stats["theta"], whole.stats["theta"])
    assert rest.history["step"][0] == 0  # the history carries on from the checkpoint
    assert whole.stats["resumed_at"] == [] and rest.stats["resumed_at"] == [1]
    # resuming a finished run does nothing more
    again = fit(BVP(), phases, seed=1, progress=False, checkpoint=path, resume=True)
    assert torch.equal(again.stats["theta"], whole.stats["theta"])
    assert again.stats["resumed_at"] == [1]  # a finished run is not resumed again


def test_resume_refuses_another_configuration(tmp_path):
    path = tmp_path / "run.pt"
    fit(BVP(16), [Phase("adam", 3)], progress=False, checkpoint=path)
    with pytest.raises(ValueError, match=r"config\['n'\]"):
        fit(BVP(12), [Phase("adam", 3)], progress=False, checkpoint=path, resume=True)
    with pytest.raises(ValueError, match="phases"):
        fit(BVP(16), [Phase("adam", 4)], progress=False, checkpoint=path, resume=True)
    with pytest.raises(ValueError, match="seed"):
        fit(BVP(16), [Phase("adam", 3)], seed=2, progress=False, checkpoint=path,
            resume=True)


def test_levenberg_marquardt_without_a_jacobian_matches_the_explicit_one():
    obj = BVP()
    A = obj.A

    def res(t):
        return A @ t - obj.b

    x0 = obj.initial_parameters()
    a = LevenbergMarquardt().minimize(x0, res, lambda t: A, max_iter=3)[0]
    b = LevenbergMarquardt().minimize(x0, res, max_iter=3)[0]
    # the same J, maybe another memory layout (so another summation order in J^T J)
    assert float((a - b).norm()) <= 100 * EPS * float(a.norm())
    for mode in ("fwd", "rev"):
        assert torch.equal(jacobian_of(res, mode)(x0), A)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_run():
    obj = BVP(device="cuda")
    res = fit(obj, [Phase("adam", 5), Phase("gauss_newton", 3)], progress=False)
    assert res.stats["theta"].device.type == "cuda"
    assert np.isfinite(res.stats["error"])


def test_progress_bar_names_objective_and_phase(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(BVP(), [Phase("adam", 3)], progress=True)
    err = capsys.readouterr().err
    assert "test BVP n=16" in err and "adam" in err
