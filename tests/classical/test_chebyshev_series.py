"""ChebyshevSeries (numlearn.classical.chebyshev_series) against numpy.polynomial, closed
forms and mpmath: evaluation, calculus, sum, roots, arithmetic, display."""

from __future__ import annotations

import mpmath
import numpy as np
import numpy.polynomial.chebyshev as npcheb
import pytest
import scipy.special
from numpy.polynomial import Chebyshev

from numlearn._core.validation import EPS
from numlearn.classical import ChebyshevSeries, chebyshev_adaptive, chebyshev_interpolate
from numlearn.classical._cheb_roots import SPLIT_POINT


def test_chebyshev_series_eval_derivative_simplify() -> None:
    c = np.array([1.0, -0.5, 0.25, 0.125] + [0.0] * 20)
    p = ChebyshevSeries(c, domain=(1.0, 4.0))
    x = np.linspace(1.0, 4.0, 13)
    s = (2 * x - 5.0) / 3.0
    assert np.allclose(p(x), npcheb.chebval(s, c), atol=4 * EPS, rtol=0)
    dp = p.derivative(2)
    assert np.allclose(dp(x), npcheb.chebval(s, npcheb.chebder(c, 2)) * (2 / 3) ** 2,
                       atol=50 * EPS, rtol=0)
    assert len(p.simplify()) == 4
    assert not p.coefficients.flags.writeable
    with pytest.raises(ValueError, match="finite"):
        ChebyshevSeries([1.0, np.nan])


def test_integral_and_sum_against_numpy_and_closed_forms() -> None:
    rng = np.random.default_rng(141)
    c = rng.standard_normal(40)
    a, b = -2.0, 5.0
    p = ChebyshevSeries(c, (a, b))
    ref = Chebyshev(c, domain=[a, b]).integ(lbnd=a)  # numpy's chebint, domain-scaled
    x = np.linspace(a, b, 57)
    size = (b - a) * np.sum(np.abs(c))
    # the integral vanishes at the left end (Chebfun's cumsum) and matches numpy
    assert abs(p.integral()(a)) <= 8 * EPS * size
    assert np.max(np.abs(p.integral()(x) - ref(x))) <= 16 * EPS * size
    assert len(p.cumsum()) == len(p) + 1 and p.diff(1)(0.5) == p.derivative()(0.5)
    # sum = integral at the right end, and = numpy's definite integral
    assert abs(p.sum() - (ref(b) - ref(a))) <= 16 * EPS * size
    # closed forms: int_0^pi sin = 2, int_-1^1 e^x sin x = [e^x (sin x - cos x)/2]
    s = chebyshev_adaptive(np.sin, (0.0, np.pi)).value
    assert abs(s.sum() - 2.0) <= 4 * EPS * np.pi
    g = chebyshev_adaptive(lambda t: np.exp(t) * np.sin(t)).value
    exact = float(mpmath.quad(lambda t: mpmath.exp(t) * mpmath.sin(t), [-1, 1]))
    assert abs(g.sum() - exact) <= 4 * EPS * 2 * np.e
    # columns and complex: one value per column, the complex integral
    two = ChebyshevSeries(np.stack([c, 2 * c], axis=1), (a, b))
    np.testing.assert_allclose(two.sum(), [p.sum(), 2 * p.sum()], rtol=4 * EPS)
    z = chebyshev_adaptive(lambda t: np.exp(1j * t)).value  # int = 2 sin 1
    assert isinstance(z.sum(), complex) and abs(z.sum() - 2 * np.sin(1.0)) <= 8 * EPS


def test_roots_of_chebyshev_polynomials_colleague_and_subdivision() -> None:
    # T_n's roots cos((2k - 1) pi / 2n): n = 30 by one eigenproblem, 60 and 200 through
    # the subdivision.  |T_n'| >= n at every root, and the eigensolver's backward error
    # is ~ n eps |c|, so a root moves by about eps:
    # so the error is ~ eps * sum|c| / min|T_n'(r)| * n: allow 16 n eps / n = 16 eps.
    for n in (30, 60, 200):
        e = np.zeros(n + 1)
        e[n] = 1.0
        k = np.arange(1, n + 1)
        exact = np.sort(np.cos((2 * k - 1) * np.pi / (2 * n)))
        r = ChebyshevSeries(e).roots()
        assert r.shape == (n,) and np.all(np.diff(r) > 0)
        assert np.max(np.abs(r - exact)) <= 16 * EPS, n


def test_roots_of_long_series_against_closed_forms_and_mpmath() -> None:
    # sin(100 x): 150 coefficients, 63 roots k pi / 100; |f'| = 100 at each
    f = chebyshev_adaptive(lambda x: np.sin(100 * x)).value
    assert len(f) > 50
    r = f.roots()
    k = np.arange(-31, 32)
    assert r.shape == (63,) and np.max(np.abs(r - k * np.pi / 100)) <= 16 * EPS
    # Bessel J0 on [0, 40]: its 12 zeros from mpmath's besseljzero
    j0 = chebyshev_adaptive(lambda x: scipy.special.j0(x), (0.0, 40.0)).value
    zeros = np.array([float(mpmath.besseljzero(0, m)) for m in range(1, 13)])
    rj = j0.roots()
    # |J0'| = |J1| >= 0.12 at these zeros; the root moves by eps * 40 * vscale / |J1|
    assert rj.shape == (12,) and np.max(np.abs(rj - zeros)) <= 8 * 40 * EPS / 0.12
    # a cubic's one real root, from mpmath's polyroots
    p = chebyshev_adaptive(lambda x: x**3 - 2 * x - 5, (-3.0, 3.0)).value
    real = [float(z.real) for z in mpmath.polyroots([1, 0, -2, -5]) if abs(z.imag) < 1e-20]
    assert p.roots().shape == (1,) and abs(p.roots()[0] - real[0]) <= 8 * EPS * 3


def test_roots_edges_duplicates_and_degenerate_cases() -> None:
    # roots at the endpoints are kept (clipped into the domain)
    q = ChebyshevSeries([-0.5, 0.0, 0.5], (2.0, 4.0))  # x^2 - 1 with s = x - 3
    np.testing.assert_array_equal(q.roots(), [2.0, 4.0])
    # a root on the subdivision point is reported once
    s0 = SPLIT_POINT
    f = chebyshev_adaptive(lambda x: (x - s0) * np.cos(40 * x)).value
    assert len(f) > 50
    r = f.roots()
    k = np.arange(-14, 14)
    exact = np.sort(np.concatenate(([s0], (k + 0.5) * np.pi / 40)))
    exact = exact[np.abs(exact) <= 1]
    assert r.shape == exact.shape and np.max(np.abs(r - exact)) <= 64 * EPS
    # no isolated roots: zero and nonzero constants; roots outside the domain dropped
    assert ChebyshevSeries([0.0]).roots().size == 0
    assert ChebyshevSeries([0.0, 0.0, 0.0]).roots().size == 0
    assert ChebyshevSeries([3.0]).roots().size == 0
    assert ChebyshevSeries([-2.0, 1.0]).roots().size == 0  # s = 2
    with pytest.raises(TypeError, match="real series with one column"):
        ChebyshevSeries([1.0, 1j]).roots()
    with pytest.raises(TypeError, match="one column"):
        ChebyshevSeries(np.ones((3, 2))).roots()


def test_arithmetic_against_numpy() -> None:
    rng = np.random.default_rng(142)
    a, b = rng.standard_normal(10), rng.standard_normal(7)
    dom = (0.0, 3.0)
    p, q = ChebyshevSeries(a, dom), ChebyshevSeries(b, dom)
    scale = np.sum(np.abs(a)) * np.sum(np.abs(b))
    prod = (p * q).coefficients
    ref = npcheb.chebmul(a, b)
    assert prod.shape == ref.shape and np.max(np.abs(prod - ref)) <= 8 * EPS * scale
    np.testing.assert_allclose((p + q).coefficients, npcheb.chebadd(a, b), rtol=0, atol=EPS * 4)
    np.testing.assert_allclose((p - q).coefficients, npcheb.chebsub(a, b), rtol=0, atol=EPS * 4)
    x = np.linspace(*dom, 9)
    # scalars, on either side, numpy scalars included (__array_ufunc__ = None)
    assert np.allclose((2.0 - p)(x), 2.0 - p(x), rtol=0, atol=8 * EPS * np.sum(np.abs(a)))
    assert np.allclose((p + 1)(x), p(x) + 1, rtol=0, atol=8 * EPS * np.sum(np.abs(a)))
    for r in (np.float64(3.0) * p, p * 3, 3 * p, p * np.array(3.0)):
        assert isinstance(r, ChebyshevSeries)
        np.testing.assert_array_equal(r.coefficients, 3 * a)
    np.testing.assert_array_equal((p / 4).coefficients, a / 4)
    np.testing.assert_array_equal((-p).coefficients, -a)
    assert np.iscomplexobj((p * 1j).coefficients) and (+p) is p
    # a product of long series is chopped: sin x cos x = sin(2x)/2, as Chebfun's times
    s = chebyshev_adaptive(np.sin, dom).value
    c = chebyshev_adaptive(np.cos, dom).value
    sc = s * c
    assert len(sc) < len(s) + len(c) - 1
    assert np.max(np.abs(sc(x) - np.sin(2 * x) / 2)) <= 16 * EPS
    assert sc.domain == dom


def test_arithmetic_refuses_what_is_not_defined() -> None:
    p = ChebyshevSeries([1.0, 2.0], (0.0, 1.0))
    with pytest.raises(ValueError, match="different domains"):
        p + ChebyshevSeries([1.0], (0.0, 2.0))
    with pytest.raises(ValueError, match="different numbers of columns"):
        p * ChebyshevSeries(np.ones((2, 2)), (0.0, 1.0))
    with pytest.raises(ValueError, match="finite"):
        p + np.inf
    with pytest.raises(ValueError, match="finite"):
        p * complex(np.nan, 0)
    with pytest.raises(TypeError, match="bool"):
        p + True
    with pytest.raises(TypeError, match="array"):
        p + np.ones(2)
    with pytest.raises(TypeError, match="array"):
        np.ones(2) * p
    with pytest.raises(TypeError, match="not supported"):
        p / p
    with pytest.raises(ZeroDivisionError):
        p / 0
    with pytest.raises(TypeError):
        p + "1"
    # a function object is not an array: np.asarray and ufuncs refuse loudly
    with pytest.raises(TypeError, match=r"\.coefficients"):
        np.asarray(p)
    with pytest.raises(TypeError):
        np.sin(p)


def test_columns_complex_values_and_repr() -> None:
    c = np.array([[1.0, 0.0], [0.5, 1.0], [0.25, 0.0]])
    p = ChebyshevSeries(c, (0.0, 2.0))
    x = np.array([[0.0, 0.5], [1.5, 2.0]])
    assert p(x).shape == (2, 2, 2) and len(p) == 3
    np.testing.assert_allclose(p(x)[..., 1], x - 1.0, rtol=0, atol=4 * EPS)
    np.testing.assert_allclose(p.values(), npcheb.chebval([-1.0, 0.0, 1.0], c).T,
                               rtol=0, atol=4 * EPS)
    assert p.derivative().coefficients.shape == (2, 2)
    assert repr(p).startswith("ChebyshevSeries on [0, 2]: length 3, 2 columns")
    f = chebyshev_adaptive(np.exp, (1.0, 3.0)).value
    assert repr(f) == (f"ChebyshevSeries on [1, 3]: length {len(f)}, endpoint values "
                       f"{np.e:.6g}, {np.exp(3.0):.6g}")


def test_call_outside_the_domain_warns() -> None:
    f = chebyshev_adaptive(np.log, (1.0, 3.0)).value
    with pytest.warns(RuntimeWarning, match=r"outside the domain \[1, 3\]"):
        f(np.array([0.5, 2.0]))
    # a few ulps past an end is rounding, not extrapolation
    assert abs(f(np.nextafter(3.0, 4.0)) - np.log(3.0)) <= 8 * EPS


def test_interpolate_deg_matches_numpy_and_n_is_deg_plus_one() -> None:
    # numpy's Chebyshev.interpolate(f, deg) samples deg + 1 first-kind points (its own
    # O(n^2) transform): deg= here gives the same series
    f = np.exp
    for deg in (0, 3, 12):
        ours = chebyshev_interpolate(f, deg=deg, kind=1, domain=(0.0, 2.0))
        ref = Chebyshev.interpolate(f, deg, domain=[0.0, 2.0])
        assert len(ours) == deg + 1 and ours.domain == (0.0, 2.0)
        assert np.max(np.abs(ours.coefficients - ref.coef)) <= 8 * (deg + 1) * EPS * np.e**2
    same = chebyshev_interpolate(f, n=13, kind=1, domain=(0.0, 2.0))
    np.testing.assert_array_equal(same.coefficients, ours.coefficients)
    # the numpy user's positional call is refused, not read as a number of points
    with pytest.raises(TypeError, match=r"`deg=`.*Chebyshev\.interpolate"):
        chebyshev_interpolate(f, 12)
    with pytest.raises(TypeError, match="exactly one of"):
        chebyshev_interpolate(f, n=3, deg=2)
    with pytest.raises(TypeError, match="exactly one of"):
        chebyshev_interpolate(f)


def test_plots_need_no_fake_floor_and_mark_the_chop() -> None:
    plt = pytest.importorskip("matplotlib.pyplot")
    f = chebyshev_adaptive(np.cos).value  # even: the odd coefficients are exact zeros
    zeros = int(np.sum(f.coefficients == 0))
    assert zeros > 0
    ax = f.plot_coefficients()
    line = ax.get_lines()[0]
    assert np.all(line.get_ydata() > 0) and len(line.get_ydata()) == len(f) - zeros
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"({zeros} exact zeros not drawn)" in labels[0] and "chop point" in labels[1]
    # an unchopped series: the chop point lies inside it
    long = ChebyshevSeries(np.concatenate((f.coefficients, [1e-17] * 20)))
    ax2 = long.plotcoeffs()
    assert ax2.get_lines()[1].get_xdata()[0] == len(f) - 0.5
    ax3 = f.plot()
    assert np.allclose(ax3.get_lines()[0].get_ydata(), np.cos(ax3.get_lines()[0].get_xdata()))
    plt.close("all")


def test_plot_without_matplotlib_names_the_extra(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'numlearn\[plot\]'"):
        ChebyshevSeries([1.0]).plot()
