"""The shared validators (numlearn._core.validation): accepted input, and errors that
name the argument, say what was wrong and what to do (TypeError for a wrong type,
ValueError for a wrong value)."""

from __future__ import annotations

import numpy as np
import pytest

from numlearn._core.validation import (
    EPS,
    as_kernel_array,
    as_lstsq_batch,
    check_choice,
    check_domain,
    check_even,
    check_flag,
    check_fraction,
    check_int,
    check_positive,
    check_real,
    drop_batch_axis,
)


def test_eps_is_float64_machine_epsilon() -> None:
    assert EPS == 2.0**-52 and isinstance(EPS, float)


@pytest.mark.parametrize("v", [3, 2.5, np.float32(0.5), np.int64(-4), np.array(1.25), -0.0])
def test_check_real_accepts_real_numbers(v) -> None:
    out = check_real(v, "x")
    assert type(out) is float and out == float(v)


@pytest.mark.parametrize(
    ("v", "err", "match"),
    [
        (True, TypeError, "`x` must be a real number, got bool"),
        ("1.5", TypeError, "`x` must be a real number, got str"),
        (1j, TypeError, "`x` must be a real number"),
        ([1.0], TypeError, "got list"),
        (np.array([1.0]), TypeError, "`x` must be a real number"),
        (float("nan"), ValueError, "`x` must be finite, got nan"),
        (-np.inf, ValueError, "`x` must be finite"),
    ],
)
def test_check_real_refuses(v, err, match) -> None:
    with pytest.raises(err, match=match):
        check_real(v, "x")


def test_check_positive() -> None:
    assert check_positive(2, "dt") == 2.0
    assert check_positive(0.0, "nu", allow_zero=True) == 0.0
    with pytest.raises(ValueError, match=r"`dt` must be a finite positive number, got 0\.0"):
        check_positive(0.0, "dt")
    with pytest.raises(ValueError, match="`nu` must be a finite non-negative number"):
        check_positive(-1e-300, "nu", allow_zero=True)
    with pytest.raises(ValueError, match="`dt` must be a finite positive"):
        check_positive(np.inf, "dt")
    with pytest.raises(ValueError, match="`dt`"):
        check_positive(np.nan, "dt")
    with pytest.raises(TypeError, match="`dt` must be a real number, got bool"):
        check_positive(True, "dt")


def test_check_fraction_intervals() -> None:
    assert check_fraction(1, "p") == 1.0
    assert check_fraction(0.0, "a", allow_zero=True, allow_one=False) == 0.0
    for v, kw, interval in [
        (0.0, {}, r"\(0, 1\]"),
        (1.5, {}, r"\(0, 1\]"),
        (1.0, {"allow_zero": True, "allow_one": False}, r"\[0, 1\)"),
        (-0.5, {"allow_zero": True}, "non-negative"),
        (float("nan"), {}, "`p`"),
    ]:
        with pytest.raises(ValueError, match=interval):
            check_fraction(v, "p", **kw)
    with pytest.raises(TypeError, match="`p` must be a real number"):
        check_fraction("0.5", "p")


def test_check_int_range() -> None:
    assert check_int(np.int32(5), "n", minimum=1, maximum=5) == 5
    with pytest.raises(ValueError, match="`n` must be >= 1, got 0"):
        check_int(0, "n", minimum=1)
    with pytest.raises(ValueError, match="`n` must be <= 5, got 6"):
        check_int(6, "n", maximum=5)
    with pytest.raises(TypeError, match=r"`n` must be an integer, got float 3\.0"):
        check_int(3.0, "n")
    with pytest.raises(TypeError, match="got a bool"):
        check_int(True, "n")


def test_check_even_suggests_the_next_even_number() -> None:
    assert check_even(64, "N", minimum=8) == 64
    with pytest.raises(ValueError, match=r"`N` must be even \(FFT\), got 63; use 64"):
        check_even(63, "N", minimum=8, reason="FFT")
    with pytest.raises(ValueError, match="`N` must be >= 8"):
        check_even(4, "N", minimum=8)
    with pytest.raises(TypeError, match="`N` must be an integer"):
        check_even(64.0, "N")


def test_check_choice_lists_the_known_names() -> None:
    assert check_choice("svd", "method", ("qr", "svd", "lsqr")) == "svd"
    with pytest.raises(ValueError, match="`method` must be one of 'qr', 'svd' or 'lsqr', "
                                         "got 'lu'"):
        check_choice("lu", "method", ("qr", "svd", "lsqr"))
    with pytest.raises(ValueError, match="`on_unstable` must be 'raise' or 'warn', got 'x'"):
        check_choice("x", "on_unstable", ("raise", "warn"))
    with pytest.raises(ValueError, match="`kind` must be 'only', got"):
        check_choice("other", "kind", ["only"])
    with pytest.raises(TypeError, match=r"`method` must be 'qr' or 'svd' \(a string\), got "
                                        "NoneType"):
        check_choice(None, "method", ("qr", "svd"))


def test_as_lstsq_batch_layouts() -> None:
    rng = np.random.default_rng(0)
    A, b, x0 = rng.standard_normal((3, 6, 2)), rng.standard_normal((3, 6)), np.zeros((3, 2))
    Am, bm, xm, single = as_lstsq_batch(A, b, x0)
    assert not single and Am.shape == (3, 6, 2) and bm.shape == (3, 6) and xm.shape == (3, 2)
    assert np.array_equal(Am, A) and np.array_equal(bm, b)
    Am, bm, xm, single = as_lstsq_batch(A[0].astype(np.float32), b[0])
    assert single and Am.shape == (1, 6, 2) and Am.dtype == np.float64 and xm is None
    ro = A.copy()
    ro.flags.writeable = False
    out = as_lstsq_batch(ro[:, :, ::-1])[0]
    assert out.flags.c_contiguous and out.flags.writeable and out.dtype == np.float64
    with pytest.raises(ValueError, match=r"`b` must have shape \(B, n\) = \(3, 6\)"):
        as_lstsq_batch(A, b[:, :5])
    with pytest.raises(ValueError, match=r"`x0` must have shape \(d,\) = \(2,\)"):
        as_lstsq_batch(A[0], b[0], np.zeros(3))
    with pytest.raises(ValueError, match="`A` must be 2 or 3-dimensional"):
        as_lstsq_batch(np.ones(4))
    with pytest.raises(TypeError, match="`A` must be real"):
        as_lstsq_batch(A + 0j)
    with pytest.raises(ValueError, match="`b` must be finite"):
        as_lstsq_batch(A, np.full((3, 6), np.nan))


def test_drop_batch_axis_and_kernel_array() -> None:
    assert drop_batch_axis(np.array([2.5]), True) == 2.5
    assert isinstance(drop_batch_axis(np.array([2.5]), True), float)
    assert drop_batch_axis(np.ones((1, 3)), True).shape == (3,)
    assert drop_batch_axis(np.ones((1, 3)), False).shape == (1, 3)
    assert drop_batch_axis("A", True) == "A"
    a = np.arange(6.0)
    assert as_kernel_array(a) is a  # already the kernel layout: no copy
    assert as_kernel_array(np.arange(6)).dtype == np.float64


@pytest.mark.parametrize(
    "domain",
    [("0", "1"), (True, 2.0), (0.0, 1j), "ab", (0.0,), 5.0],
)
def test_check_domain_refuses_non_real_pairs(domain):
    with pytest.raises(TypeError, match="domain"):
        check_domain(domain)


@pytest.mark.parametrize(
    "domain", [(1.0, 1.0 + 2.2e-16), (1e17, 1e17 + 64.0), (2.0, 1.0), (0.0, np.inf)]
)
def test_check_domain_refuses_empty_narrow_reversed_infinite(domain):
    with pytest.raises(ValueError, match="domain"):
        check_domain(domain)


def test_check_domain_accepts_ordinary_and_tiny_domains_near_zero():
    assert check_domain((-1e-300, 1e-300)) == (-1e-300, 1e-300)
    assert check_domain(np.array([2.0, 3.0])) == (2.0, 3.0)


@pytest.mark.parametrize("value", ["no", 0, 1.0, None])
def test_check_flag_refuses_non_bools(value):
    with pytest.raises(TypeError, match="`extrapolate` must be True or False"):
        check_flag(value, "extrapolate")


def test_check_flag_accepts_numpy_bools():
    assert check_flag(np.bool_(False), "x") is False
