"""Bad input to the flat-parameter optimisers (NNCG, AdamCosine, LBFGS) and the
Nyström / CG helpers: errors name the argument (and the step, for a NaN loss)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.optim import (  # noqa: E402
    LBFGS,
    NNCG,
    AdamCosine,
    cosine_lr,
    nystrom_approximation,
    pcg,
)

F64 = torch.float64


def _quad(x):
    return (x ** 2).sum()


@pytest.mark.parametrize(("kwargs", "name", "exc"), [
    ({"rank": 0}, "rank", ValueError),
    ({"rank": -3}, "rank", ValueError),
    ({"rank": 2.0}, "rank", TypeError),
    ({"mu": -1e-3}, "mu", ValueError),
    ({"mu": float("nan")}, "mu", ValueError),
    ({"cg_max_iter": 0}, "cg_max_iter", ValueError),
    ({"cg_tol": -1.0}, "cg_tol", ValueError),
    ({"update_freq": 0}, "update_freq", ValueError),
    ({"alpha": 1.0}, "alpha", ValueError),
    ({"beta": 0.0}, "beta", ValueError),
    ({"lr": 0.0}, "lr", ValueError),
])
def test_nncg_settings(kwargs, name, exc):
    with pytest.raises(exc, match=f"`{name}`"):
        NNCG(**kwargs)


def test_rank_above_the_number_of_parameters():
    with pytest.raises(ValueError, match=r"`rank`.*<= 3"):
        NNCG(rank=5).step(torch.zeros(3, dtype=F64), _quad)
    with pytest.raises(ValueError, match="`rank`"):
        nystrom_approximation(torch.eye(3, dtype=F64), 3, 4)
    with pytest.raises(ValueError, match="`rank`"):
        nystrom_approximation(torch.eye(3, dtype=F64), 3, 0)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"total_steps": 0}, "total_steps"),
    ({"total_steps": 10, "lr_max": -1.0}, "lr_max"),
    ({"total_steps": 10, "lr_min": 1e-2, "lr_max": 1e-3}, "lr_min"),
    ({"total_steps": 10, "betas": (0.9, 1.0)}, r"betas\[1\]"),
    ({"total_steps": 10, "eps": 0.0}, "eps"),
    ({"total_steps": 10, "max_grad_norm": 0.0}, "max_grad_norm"),
    ({"total_steps": 10, "max_grad_norm": float("nan")}, "max_grad_norm"),
])
def test_adam_settings(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        AdamCosine(**kwargs)
    with pytest.raises(ValueError, match="`total_steps`"):
        cosine_lr(0, 0)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"history_size": 0}, "history_size"), ({"history_size": 1001}, "history_size"),
    ({"max_iter": 0}, "max_iter"), ({"tolerance_grad": -1.0}, "tolerance_grad"),
    ({"max_iter": 1, "max_eval": 1}, "max_eval"),
])
def test_lbfgs_settings(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        LBFGS(**kwargs)


OPTIMISERS = {
    "nncg": lambda: NNCG(rank=2),
    "adam": lambda: AdamCosine(10),
    "lbfgs": lambda: LBFGS(max_iter=3),
}


@pytest.mark.parametrize("which", sorted(OPTIMISERS))
def test_nan_loss_stops_naming_the_step(which):
    poison = {"on": False}

    def f(x):
        out = ((x - 1.0) ** 2).sum()
        return out * float("nan") if poison["on"] else out

    opt = OPTIMISERS[which]()
    theta = torch.zeros(3, dtype=F64)
    for _ in range(2):
        theta = opt.step(theta, f).theta
    poison["on"] = True
    with pytest.raises(ValueError, match="nan at step 2"):
        opt.step(theta, f)
    poison["on"] = False
    with pytest.raises(ValueError, match="inf at step 0"):
        OPTIMISERS[which]().minimize(torch.zeros(3, dtype=F64),
                                     lambda x: (x ** 2).sum() + float("inf"))


@pytest.mark.parametrize("which", sorted(OPTIMISERS))
def test_float32_parameters_with_float64_data(which):
    data = torch.ones(3, dtype=F64)
    with pytest.raises(TypeError, match="`theta`"):
        OPTIMISERS[which]().step(torch.zeros(3, dtype=torch.float32),
                                 lambda x: ((x - data) ** 2).sum())


@pytest.mark.parametrize("which", sorted(OPTIMISERS))
@pytest.mark.parametrize(("theta", "exc"), [
    ([0.0, 1.0], TypeError),
    (torch.zeros(3, dtype=torch.int64), TypeError),
    (torch.zeros(2, 2, dtype=F64), ValueError),
    (torch.zeros(0, dtype=F64), ValueError),
    (torch.tensor([0.0, float("nan")], dtype=F64), ValueError),
])
def test_bad_theta(which, theta, exc):
    with pytest.raises(exc, match="`theta`"):
        OPTIMISERS[which]().step(theta, _quad)


@pytest.mark.parametrize("which", sorted(OPTIMISERS))
def test_loss_must_be_a_scalar_tensor(which):
    with pytest.raises(TypeError, match="`loss_fn`"):
        OPTIMISERS[which]().step(torch.zeros(3, dtype=F64), lambda x: x ** 2)


def test_minimize_arguments():
    with pytest.raises(ValueError, match="`max_iter`"):
        NNCG(rank=1).minimize(torch.zeros(2, dtype=F64), _quad, max_iter=0)
    with pytest.raises(ValueError, match="`gtol`"):
        LBFGS().minimize(torch.zeros(2, dtype=F64), _quad, gtol=-1.0)


def test_nystrom_and_pcg_arguments():
    with pytest.raises(ValueError, match="`A`"):
        nystrom_approximation(torch.eye(3, dtype=F64), 4, 2)
    with pytest.raises(TypeError, match="`A`"):
        nystrom_approximation(torch.eye(3, dtype=torch.float32), 3, 2)
    with pytest.raises(TypeError, match="`A`"):
        nystrom_approximation("eye", 3, 2)
    ny = nystrom_approximation(torch.eye(3, dtype=F64), 3, 2)
    with pytest.raises(ValueError, match="`mu`"):
        ny.preconditioner(-1.0)
    with pytest.raises(ValueError, match="`tol`"):
        pcg(lambda v: v, torch.ones(3, dtype=F64), tol=-1.0)
