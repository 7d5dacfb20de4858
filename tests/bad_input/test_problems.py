"""Bad input to the public functions and classes of numlearn.problems (issue 13).

One class per category of the issue's matrix that applies; each case asserts the
exception type and that the message names the argument.  (The reference loaders
``load_burgers_reference`` / ``load_poisson2d_reference`` and their tampered files are
tested with the golden data.)
"""

import math

import numpy as np
import pytest

from numlearn.problems import (
    InterpolationProblem,
    LeastSquaresBatch,
    LeastSquaresFamily,
    TargetFunction,
    get_pde,
    get_target,
    sample,
    sample_paper,
)
from numlearn.problems.burgers import (
    basdevant_minimum,
    burgers_front_slope,
    burgers_solution,
)
from numlearn.problems.burgers_mp import burgers_front_slope_mp, burgers_solution_mp
from numlearn.problems.least_squares import (
    paper_draws,
    sample_cond,
    sample_noisy,
    sample_scaled,
    sample_shape,
)
from numlearn.problems.pdes import Burgers, Convection, Poisson2dC, Reaction, Wave
from numlearn.problems.poisson2d import (
    distance_to_boundary,
    poisson2d_c_basis,
    poisson2d_c_series,
    poisson2d_c_solution,
)

NAN, INF = float("nan"), float("inf")
H = np.array([[1.0], [2.0]])  # a (2, 1) Hessenberg matrix: one polynomial column


def _raises(call, err, match):
    with pytest.raises(err, match=match):
        call()


def _ids(cases):
    return [c[0] for c in cases]


NON_FINITE = [
    ("burgers_solution t", lambda: burgers_solution([0.1, NAN], 0.2), ValueError, "`t`"),
    ("burgers_solution x", lambda: burgers_solution(0.1, INF), ValueError, "`x`"),
    ("burgers_solution nu", lambda: burgers_solution(0.1, 0.2, nu=NAN), ValueError, "`nu`"),
    ("burgers_solution window", lambda: burgers_solution(0.1, 0.2, window=INF), ValueError,
     "`window`"),
    ("burgers_front_slope t", lambda: burgers_front_slope([NAN]), ValueError, "`t`"),
    ("basdevant_minimum nu", lambda: basdevant_minimum(NAN), ValueError, "`nu`"),
    ("burgers_solution_mp x", lambda: burgers_solution_mp(0.1, NAN), ValueError, "`x`"),
    ("get_pde nu", lambda: get_pde("burgers", nu=NAN), ValueError, "`nu`"),
    ("get_pde beta", lambda: get_pde("convection", beta=INF), ValueError, "`beta`"),
    ("get_pde rho", lambda: get_pde("reaction", rho=-INF), ValueError, "`rho`"),
    ("Wave c", lambda: Wave(params={"c": NAN, "beta": 5.0}), ValueError, "`c`"),
    ("Convection t_domain", lambda: Convection(t_domain=(0.0, INF)), ValueError, "`t_domain`"),
    ("solution t", lambda: get_pde("convection").solution([NAN], 0.0), ValueError, "`t`"),
    ("solution x", lambda: get_pde("reaction").solution(0.5, [INF]), ValueError, "`x`"),
    ("initial_condition x", lambda: get_pde("burgers").initial_condition([NAN]), ValueError,
     "`x`"),
    ("boundary_values t", lambda: get_pde("wave").boundary_values([NAN]), ValueError, "`t`"),
    ("Poisson2dC margin", lambda: Poisson2dC(margin=NAN), ValueError, "`margin`"),
    ("Poisson2dC.solution x", lambda: Poisson2dC().solution(NAN, 0.0), ValueError, "`x`"),
    ("poisson2d_c_solution y", lambda: poisson2d_c_solution(0.0, INF), ValueError, "`y`"),
    ("distance_to_boundary x", lambda: distance_to_boundary([NAN], 0.0), ValueError, "`x`"),
    ("poisson2d_c_series coefficients",
     lambda: poisson2d_c_series(0.0, 0.0, [1.0, NAN, 0.0], 0, H), ValueError, "`coefficients`"),
    ("poisson2d_c_basis hessenberg",
     lambda: poisson2d_c_basis(np.array([0j]), 0, np.array([[NAN], [1.0]])), ValueError,
     "`hessenberg`"),
    ("target x", lambda: get_target("runge")([0.0, NAN]), ValueError, "`x`"),
    ("sample_cond kappa", lambda: sample_cond(2, kappa=NAN), ValueError, "`kappa`"),
    ("sample_scaled scale", lambda: sample_scaled(2, scale=INF), ValueError, "`scale`"),
    ("sample_noisy sigma", lambda: sample_noisy(2, sigma=NAN), ValueError, "`sigma`"),
    ("LeastSquaresFamily eta", lambda: LeastSquaresFamily("x", "paper", eta=NAN), ValueError,
     "`eta`"),
    ("LeastSquaresBatch x0",
     lambda: LeastSquaresBatch(np.ones((1, 2, 1)), np.ones((1, 2)), np.ones((1, 1)),
                               np.array([[NAN]])), ValueError, "`x0`"),
]


class TestNonFinite:
    @pytest.mark.parametrize(("name", "call", "err", "match"), NON_FINITE, ids=_ids(NON_FINITE))
    def test_refused(self, name, call, err, match):
        _raises(call, err, match)


EMPTY = [
    ("burgers_solution t", lambda: burgers_solution([], 0.2), ValueError, "`t`"),
    ("burgers_front_slope t", lambda: burgers_front_slope([]), ValueError, "`t`"),
    ("solution x", lambda: get_pde("wave").solution(0.5, []), ValueError, "`x`"),
    ("target x", lambda: get_target("exp")([]), ValueError, "`x`"),
    ("poisson2d_c_series coefficients",
     lambda: poisson2d_c_series(0.0, 0.0, [], 0, H), ValueError, "`coefficients`"),
    ("LeastSquaresBatch A",
     lambda: LeastSquaresBatch(np.ones((0, 2, 1)), np.ones((0, 2)), np.ones((0, 1)),
                               np.ones((0, 1))), ValueError, "`A`"),
]


class TestEmpty:
    @pytest.mark.parametrize(("name", "call", "err", "match"), EMPTY, ids=_ids(EMPTY))
    def test_refused(self, name, call, err, match):
        _raises(call, err, match)


SHAPE = [
    ("burgers_solution broadcast", lambda: burgers_solution([0.1, 0.2], [0.1, 0.2, 0.3]),
     ValueError, "`t`"),
    ("solution broadcast", lambda: get_pde("convection").solution([0.1, 0.2], [1.0, 2.0, 3.0]),
     ValueError, "`t`"),
    ("Poisson2dC.solution broadcast", lambda: Poisson2dC().solution([0.0, 0.1], [0.0] * 3),
     ValueError, "`x`"),
    ("distance_to_boundary broadcast", lambda: distance_to_boundary([0.0, 0.1], [0.0] * 3),
     ValueError, "`x`"),
    ("poisson2d_c_series coefficients length",
     lambda: poisson2d_c_series(0.0, 0.0, [1.0, 2.0], 0, H), ValueError, "`coefficients`"),
    ("poisson2d_c_basis hessenberg shape",
     lambda: poisson2d_c_basis(np.array([0j]), 0, np.ones((2, 2))), ValueError, "`hessenberg`"),
    ("poisson2d_c_basis z 2-D",
     lambda: poisson2d_c_basis(np.zeros((2, 2), complex), 0, H), ValueError, "`z`"),
    ("Convection domain length", lambda: Convection(x_domain=(0.0, 1.0, 2.0)), TypeError,
     "`x_domain`"),
    ("grid_shape", lambda: Wave(grid_shape=(10,)), TypeError, "`grid_shape`"),
    ("solution_on_grid t without x", lambda: get_pde("wave").solution_on_grid([0.1]),
     ValueError, "`x`"),
    ("LeastSquaresBatch b",
     lambda: LeastSquaresBatch(np.ones((1, 2, 1)), np.ones((1, 3)), np.ones((1, 1)),
                               np.ones((1, 1))), ValueError, "`b`"),
    ("LeastSquaresBatch.mse x", lambda: sample_paper(2, seed=0).mse(np.zeros((2, 4))),
     ValueError, "`x`"),
]


class TestShape:
    @pytest.mark.parametrize(("name", "call", "err", "match"), SHAPE, ids=_ids(SHAPE))
    def test_refused(self, name, call, err, match):
        _raises(call, err, match)


DTYPE = [
    ("get_pde beta bool", lambda: get_pde("convection", beta=True), TypeError, "`beta`"),
    ("get_pde nu string", lambda: get_pde("burgers", nu="0.01"), TypeError, "`nu`"),
    ("get_pde rho complex", lambda: get_pde("reaction", rho=1j), TypeError, "`rho`"),
    ("get_pde name int", lambda: get_pde(3), TypeError, "`name`"),
    ("Wave c bool", lambda: Wave(params={"c": True, "beta": 5.0}), TypeError, "`c`"),
    ("Burgers nu string", lambda: Burgers(params={"nu": "0.1"}), TypeError, "`nu`"),
    ("Convection periodic string", lambda: Convection(periodic="no"), TypeError, "`periodic`"),
    ("Reaction linear int", lambda: Reaction(linear=0), TypeError, "`linear`"),
    ("Wave order_t float", lambda: Wave(order_t=2.0), TypeError, "`order_t`"),
    ("Burgers t_domain string", lambda: Burgers(t_domain="01"), TypeError, "`t_domain`"),
    ("Wave x_domain bool", lambda: Wave(x_domain=(False, True)), TypeError, "`x_domain"),
    ("Convection params list", lambda: Convection(params=[40.0]), TypeError, "`params`"),
    ("burgers_solution nu bool", lambda: burgers_solution(0.1, 0.2, nu=True), TypeError,
     "`nu`"),
    ("burgers_solution t complex", lambda: burgers_solution(0.1 + 0j, 0.2), TypeError, "`t`"),
    ("burgers_solution x string", lambda: burgers_solution(0.1, "0.2"), TypeError, "`x`"),
    ("burgers_solution resolution float",
     lambda: burgers_solution(0.1, 0.2, resolution=40.0), TypeError, "`resolution`"),
    ("burgers_solution_mp dps float", lambda: burgers_solution_mp(0.1, 0.2, 30.0), TypeError,
     "`dps`"),
    ("burgers_solution_mp t bool", lambda: burgers_solution_mp(True, 0.1), TypeError, "`t`"),
    ("burgers_solution_mp nu bool", lambda: burgers_solution_mp(0.1, 0.1, nu=True), TypeError,
     "`nu`"),
    ("burgers_solution_mp x list", lambda: burgers_solution_mp(0.1, [0.1]), TypeError, "`x`"),
    ("burgers_solution_mp x not a number", lambda: burgers_solution_mp(0.1, "abc"),
     ValueError, "`x`"),
    ("burgers_front_slope_mp t complex", lambda: burgers_front_slope_mp(0.5j), TypeError,
     "`t`"),
    ("solution t complex", lambda: get_pde("wave").solution(0.5j, 0.5), TypeError, "`t`"),
    ("Poisson2dC margin string", lambda: Poisson2dC(margin="0.1"), TypeError, "`margin`"),
    ("Poisson2dC oracle not callable", lambda: Poisson2dC(margin=0.1, oracle=3), TypeError,
     "`oracle`"),
    ("poisson2d_c_solution x complex", lambda: poisson2d_c_solution(0j, 0.0), TypeError, "`x`"),
    ("poisson2d_c_basis n_laurent float",
     lambda: poisson2d_c_basis(np.array([0j]), 1.0, H), TypeError, "`n_laurent`"),
    ("poisson2d_c_basis derivative string",
     lambda: poisson2d_c_basis(np.array([0j]), 0, H, "no"), TypeError, "`derivative`"),
    ("get_target name int", lambda: get_target(3), TypeError, "`name`"),
    ("target x complex", lambda: get_target("exp")(0.5j), TypeError, "`x`"),
    ("target x string", lambda: get_target("exp")("0.5"), TypeError, "`x`"),
    ("TargetFunction domain string",
     lambda: TargetFunction("f", np.exp, math.exp, "ab", "entire", "", ""), TypeError,
     "`domain`"),
    ("TargetFunction rho bool",
     lambda: TargetFunction("f", np.exp, math.exp, (0.0, 1.0), "entire", "", "", rho=True),
     TypeError, "`rho`"),
    ("TargetFunction numpy_func", lambda: TargetFunction("f", 3, math.exp, (0.0, 1.0),
                                                          "entire", "", ""), TypeError,
     "`numpy_func`"),
    ("InterpolationProblem target", lambda: InterpolationProblem("runge", 10), TypeError,
     "`target`"),
    ("InterpolationProblem n float", lambda: InterpolationProblem(get_target("exp"), 10.0),
     TypeError, "`n`"),
    ("InterpolationProblem seed bool",
     lambda: InterpolationProblem(get_target("exp"), 10, seed=True), TypeError, "`seed`"),
    ("sample family int", lambda: sample(3, 2), TypeError, "`family`"),
    ("sample_paper batch float", lambda: sample_paper(2.0), TypeError, "`batch`"),
    ("sample_paper seed bool", lambda: sample_paper(2, seed=True), TypeError, "`seed`"),
    ("sample_cond kappa string", lambda: sample_cond(2, kappa="10"), TypeError, "`kappa`"),
    ("sample_scaled scale bool", lambda: sample_scaled(2, scale=True), TypeError, "`scale`"),
    ("sample_noisy sigma string", lambda: sample_noisy(2, sigma="0.1"), TypeError, "`sigma`"),
    ("LeastSquaresFamily steps float", lambda: LeastSquaresFamily("x", "paper", steps=10.0),
     TypeError, "`steps`"),
    ("LeastSquaresFamily eta bool", lambda: LeastSquaresFamily("x", "paper", eta=True),
     TypeError, "`eta`"),
    ("LeastSquaresFamily params list", lambda: LeastSquaresFamily("x", "paper", [1]),
     TypeError, "`params`"),
    ("paper_draws normal", lambda: paper_draws(3, 2, 4, 2), TypeError, "`normal`"),
    ("paper_draws batch float", lambda: paper_draws(np.ones, 2.0, 4, 2), TypeError, "`batch`"),
    ("LeastSquaresBatch A complex",
     lambda: LeastSquaresBatch(np.ones((1, 2, 1), complex), np.ones((1, 2)), np.ones((1, 1)),
                               np.ones((1, 1))), TypeError, "`A`"),
]


class TestDtype:
    @pytest.mark.parametrize(("name", "call", "err", "match"), DTYPE, ids=_ids(DTYPE))
    def test_refused(self, name, call, err, match):
        _raises(call, err, match)


OUT_OF_DOMAIN = [
    ("near_pole at the pole", lambda: get_target("near_pole")(1.05), ValueError, "`x`"),
    ("near_branch beyond the branch point", lambda: get_target("near_branch")([0.0, 2.0]),
     ValueError, "`x`"),
    ("exp far outside", lambda: get_target("exp")(1000.0), ValueError, "`x`"),
    ("sine below 0", lambda: get_target("sine")(-0.5), ValueError, "`x`"),
    ("burgers_solution t < 0", lambda: burgers_solution(-1e-3, 0.2), ValueError, "`t`"),
    ("burgers_front_slope t = 0", lambda: burgers_front_slope(0.0), ValueError, "`t`"),
    ("burgers_front_slope_mp t < 0", lambda: burgers_front_slope_mp(-1.0), ValueError, "`t`"),
    ("Poisson2dC.solution in a hole", lambda: Poisson2dC().solution(0.3, 0.3), ValueError,
     "outside"),
    ("convection phase overflow", lambda: get_pde("convection").solution(1e308, 0.0),
     ValueError, "`t`"),
    ("wave phase overflow", lambda: get_pde("wave").solution(0.5, 1e308), ValueError, "`x`"),
]


class TestOutOfDomain:
    @pytest.mark.parametrize(("name", "call", "err", "match"), OUT_OF_DOMAIN,
                             ids=_ids(OUT_OF_DOMAIN))
    def test_refused(self, name, call, err, match):
        _raises(call, err, match)

    def test_targets_accept_their_closed_domain(self):
        for name in ("exp", "sine", "near_pole", "near_branch"):
            f = get_target(name)
            a, b = f.domain
            assert np.all(np.isfinite(f(np.linspace(a, b, 101))))


IMPOSSIBLE = [
    ("get_pde nu negative", lambda: get_pde("burgers", nu=-0.01), ValueError, "`nu`"),
    ("get_pde nu zero", lambda: get_pde("burgers", nu=0.0), ValueError, "`nu`"),
    ("Burgers nu negative", lambda: Burgers(params={"nu": -1.0}), ValueError, "`nu`"),
    ("burgers_solution nu below NU_MIN", lambda: burgers_solution(0.5, 0.3, nu=1e-6),
     ValueError, "`nu`"),
    ("burgers_solution nu negative", lambda: burgers_solution(0.5, 0.3, nu=-1.0), ValueError,
     "`nu`"),
    ("burgers_front_slope nu below NU_MIN", lambda: burgers_front_slope(0.5, nu=1e-7),
     ValueError, "`nu`"),
    ("burgers_solution_mp nu negative", lambda: burgers_solution_mp(0.5, 0.3, nu=-1.0),
     ValueError, "`nu`"),
    ("burgers_solution resolution 0", lambda: burgers_solution(0.5, 0.3, resolution=0),
     ValueError, "`resolution`"),
    ("get_pde wave c negative", lambda: get_pde("wave", c=-2.0), ValueError, "`c`"),
    ("get_pde wave beta not integer", lambda: get_pde("wave", beta=5.5), ValueError, "`beta`"),
    ("get_pde unknown coefficient", lambda: get_pde("convection", nu=1.0), ValueError,
     "unknown"),
    ("get_pde unknown name", lambda: get_pde("heat"), ValueError, "`name`"),
    ("Convection missing coefficient", lambda: Convection(params={}), ValueError, "`params`"),
    ("Convection reversed x_domain", lambda: Convection(x_domain=(TWO_PI, 0.0)), ValueError,
     "`x_domain`"),
    ("Reaction reversed t_domain", lambda: Reaction(t_domain=(1.0, 0.0)), ValueError,
     "`t_domain`"),
    ("Wave other x_domain", lambda: Wave(x_domain=(0.0, 2.0)), ValueError, "`x_domain`"),
    ("Burgers negative t_domain", lambda: Burgers(t_domain=(-1.0, 1.0)), ValueError,
     "`t_domain`"),
    ("Wave grid_shape 1", lambda: Wave(grid_shape=(1, 10)), ValueError, r"`grid_shape\[0\]`"),
    ("Wave order_t 3", lambda: Wave(order_t=3), ValueError, "`order_t`"),
    ("Poisson2dC margin negative", lambda: Poisson2dC(margin=-0.1), ValueError, "`margin`"),
    ("Poisson2dC radius changed", lambda: Poisson2dC(radius=0.2), ValueError, "`radius`"),
    ("Poisson2dC oracle without margin", lambda: Poisson2dC(oracle=lambda x, y: x),
     ValueError, "`margin`"),
    ("poisson2d_c_basis n_laurent negative",
     lambda: poisson2d_c_basis(np.array([0j]), -1, H), ValueError, "`n_laurent`"),
    ("poisson2d_c_basis zero subdiagonal",
     lambda: poisson2d_c_basis(np.array([0j]), 0, np.array([[1.0], [0.0]])), ValueError,
     "`hessenberg`"),
    ("get_target unknown", lambda: get_target("nope"), ValueError, "`name`"),
    ("TargetFunction reversed domain",
     lambda: TargetFunction("f", np.exp, math.exp, (1.0, 0.0), "entire", "", ""), ValueError,
     "`domain`"),
    ("TargetFunction rho <= 1",
     lambda: TargetFunction("f", np.exp, math.exp, (0.0, 1.0), "entire", "", "", rho=0.5),
     ValueError, "`rho`"),
    ("TargetFunction category", lambda: TargetFunction("f", np.exp, math.exp, (0.0, 1.0),
                                                        "smooth", "", ""), ValueError,
     "`category`"),
    ("InterpolationProblem n 0", lambda: InterpolationProblem(get_target("exp"), 0), ValueError,
     "`n`"),
    ("InterpolationProblem seed negative",
     lambda: InterpolationProblem(get_target("exp"), 5, seed=-1), ValueError, "`seed`"),
    ("sample unknown family", lambda: sample("nope", 2), ValueError, "`family`|family"),
    ("sample_shape n < d", lambda: sample_shape(2, n=3, d=5), ValueError, "`n`"),
    ("sample_cond kappa < 1", lambda: sample_cond(2, kappa=0.5), ValueError, "`kappa`"),
    ("sample_cond kappa > 1/eps", lambda: sample_cond(2, kappa=1e300), ValueError, "`kappa`"),
    ("sample_scaled scale 0", lambda: sample_scaled(2, scale=0.0), ValueError, "`scale`"),
    ("sample_scaled scale 1e300", lambda: sample_scaled(2, scale=1e300), ValueError,
     "`scale`"),
    ("sample_noisy sigma negative", lambda: sample_noisy(2, sigma=-1.0), ValueError,
     "`sigma`"),
    ("sample_noisy sigma 1e300", lambda: sample_noisy(2, sigma=1e300), ValueError, "`sigma`"),
    ("LeastSquaresFamily family", lambda: LeastSquaresFamily("x", "nope"), ValueError,
     "`family`"),
    ("LeastSquaresFamily eta", lambda: LeastSquaresFamily("x", "paper", eta="best"),
     ValueError, "`eta`"),
    ("LeastSquaresFamily eta negative", lambda: LeastSquaresFamily("x", "paper", eta=-0.5),
     ValueError, "`eta`"),
    ("LeastSquaresFamily kappa", lambda: LeastSquaresFamily("x", "cond", {"kappa": 0.1}),
     ValueError, "`kappa`"),
    ("LeastSquaresFamily unknown parameter",
     lambda: LeastSquaresFamily("x", "paper", {"kappa": 2.0}), ValueError, "`params`"),
    ("LeastSquaresBatch.subset out of range", lambda: sample_paper(3, seed=0).subset([5]),
     ValueError, "`index`"),
    ("LeastSquaresBatch.subset empty", lambda: sample_paper(3, seed=0).subset([]),
     ValueError, "`index`"),
    ("paper_draws d 0", lambda: paper_draws(np.ones, 2, 4, 0), ValueError, "`d`"),
    ("LeastSquaresFamily steps negative", lambda: LeastSquaresFamily("x", "paper", steps=-1),
     ValueError, "`steps`"),
]

TWO_PI = 2.0 * math.pi


class TestImpossibleParameters:
    @pytest.mark.parametrize(("name", "call", "err", "match"), IMPOSSIBLE, ids=_ids(IMPOSSIBLE))
    def test_refused(self, name, call, err, match):
        _raises(call, err, match)

    def test_unknown_names_are_still_key_errors(self):
        with pytest.raises(KeyError):
            get_pde("heat")
        with pytest.raises(KeyError):
            get_target("nope")


HUGE = [
    ("burgers_solution t huge", lambda: burgers_solution(1e300, 0.3), ValueError, "`t`"),
    ("burgers_solution nu huge", lambda: burgers_solution(1.0, 0.3, nu=1e12), ValueError,
     "`nu`"),
    ("burgers_solution resolution huge",
     lambda: burgers_solution(1.0, 0.3, resolution=2**40), ValueError, "`resolution`"),
    ("burgers_front_slope t huge", lambda: burgers_front_slope(1e300), ValueError, "`t`"),
    ("sample_paper 2**63", lambda: sample_paper(2**62, n=2**62, d=2), ValueError, "`batch`"),
    ("sample_shape too big", lambda: sample_shape(10**6, n=1000, d=1000), ValueError, "`n`"),
    ("paper_draws huge", lambda: paper_draws(np.ones, 2**40, 2**20, 2), ValueError,
     "`batch`"),
    ("LeastSquaresFamily batch huge", lambda: LeastSquaresFamily("x", "paper", batch=2**60),
     ValueError, "`batch`"),
    ("InterpolationProblem grid_size huge",
     lambda: InterpolationProblem(get_target("exp"), 5, grid_size=2**63), ValueError,
     "`grid_size`"),
    ("InterpolationProblem n huge", lambda: InterpolationProblem(get_target("exp"), 2**63),
     ValueError, "`n`"),
    ("Wave grid_shape huge", lambda: Wave(grid_shape=(2**40, 10)), ValueError, "`grid_shape"),
]


class TestHugeSizes:
    @pytest.mark.parametrize(("name", "call", "err", "match"), HUGE, ids=_ids(HUGE))
    def test_refused_before_allocating(self, name, call, err, match):
        _raises(call, err, match)


class TestNoSilentNaN:
    """Item 10: the problem definitions never return NaN or inf for valid input."""

    def test_reaction_large_rho(self):
        assert float(get_pde("reaction", rho=1000.0).solution(1.0, 3.0)) == 1.0
        u = get_pde("reaction", rho=-1000.0).solution(1.0, np.linspace(0, TWO_PI, 101))
        assert np.all(np.isfinite(u)) and np.all((u >= 0) & (u <= 1))

    def test_burgers_large_nu_small_t(self):
        assert np.all(np.isfinite(burgers_solution(1e-3, np.linspace(-1, 1, 11), nu=100.0)))


def test_burgers_nu_limits_named():
    from numlearn.problems.burgers import NU_MAX

    with pytest.raises(ValueError, match="`nu` = 1e\\+308 is above NU_MAX"):
        burgers_solution(5e-324, 0.3, nu=1e308)
    assert np.isfinite(burgers_solution(5e-324, 0.3, nu=NU_MAX))
