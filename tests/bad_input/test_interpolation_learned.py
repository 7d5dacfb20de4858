"""Bad input to the learned 1-D interpolation (numlearn.learned.interpolation) and its
study: refused before any work, naming the argument."""

import math

import pytest

torch = pytest.importorskip("torch")

from numlearn.compare.studies import mlp_ceiling_study  # noqa: E402
from numlearn.learned.interpolation import (  # noqa: E402
    InterpolationObjective,
    fit_bwler,
    fit_mlp,
    least_squares_reference,
    sine_target,
)
from numlearn.problems import InterpolationProblem  # noqa: E402


@pytest.fixture
def prob():
    return InterpolationProblem(sine_target(2.0), 9, grid_size=10)


@pytest.mark.parametrize("k", [0.0, -1.0, math.nan, math.inf, 2000.0])
def test_bad_frequency(k):
    with pytest.raises(ValueError, match="`k`"):
        sine_target(k)


@pytest.mark.parametrize("k", ["4", None, [4.0]])
def test_frequency_of_the_wrong_type(k):
    with pytest.raises(TypeError, match="`k`"):
        sine_target(k)


@pytest.mark.parametrize("fn", [fit_mlp, fit_bwler, least_squares_reference])
def test_not_a_problem(fn):
    with pytest.raises(TypeError, match="`problem`"):
        fn("runge")


def test_unknown_model(prob):
    with pytest.raises(ValueError, match="`model`"):
        InterpolationObjective(prob, "cnn")


@pytest.mark.parametrize("nodes", [1, 10, 0])
def test_too_few_or_too_many_nodes(prob, nodes):
    with pytest.raises(ValueError, match="`nodes`"):
        fit_bwler(prob, nodes, progress=False)
    with pytest.raises(ValueError, match="`nodes`"):
        least_squares_reference(prob, nodes)


def test_too_few_samples():
    with pytest.raises(ValueError, match=r"`problem.n`"):
        InterpolationObjective(InterpolationProblem(sine_target(1.0), 1), "bwler")


def test_bad_optimizer_and_steps(prob):
    with pytest.raises(ValueError, match="`optimizer`"):
        fit_bwler(prob, optimizer="adam")
    with pytest.raises(ValueError, match="`steps`"):
        fit_bwler(prob, steps=0)
    with pytest.raises(ValueError, match="`adam_steps`"):
        fit_mlp(prob, adam_steps=0)
    with pytest.raises(ValueError, match="`lbfgs_steps`"):
        fit_mlp(prob, lbfgs_steps=-1)


def test_bad_dtype_and_device(prob):
    with pytest.raises(TypeError, match="`dtype`"):
        fit_bwler(prob, dtype=torch.int64)
    with pytest.raises(TypeError, match="`dtype`"):
        fit_mlp(prob, dtype="float64")
    with pytest.raises(ValueError, match="`device`"):
        fit_mlp(prob, device="nowhere")


def test_bad_hidden(prob):
    with pytest.raises(TypeError, match="`hidden`"):
        fit_mlp(prob, hidden=())
    with pytest.raises(ValueError, match=r"`hidden\[0\]`"):
        fit_mlp(prob, hidden=(0,))


def test_bad_study_arguments():
    with pytest.raises(TypeError, match="`targets`"):
        mlp_ceiling_study("runge")
    with pytest.raises(TypeError, match="`targets`"):
        mlp_ceiling_study([object()])
    with pytest.raises(TypeError, match="`widths`"):
        mlp_ceiling_study(widths=[])
    with pytest.raises(ValueError, match="`nodes`"):
        mlp_ceiling_study(samples=9, nodes=10)
