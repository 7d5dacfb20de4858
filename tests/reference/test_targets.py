"""Tests of numlearn.reference.targets and of the committed 1-D data in reference/."""

import json
import math
import shutil

import mpmath
import numpy as np
import pytest

from numlearn._core.store import (
    ReferenceBuildError,
    ReferenceIntegrityError,
    reference_directory,
)
from numlearn.precision import mp_evaluate
from numlearn.problems import TARGETS, get_target
from numlearn.reference import (
    build_references,
    load_reference,
    reference_names,
    verify_references,
)

mpf = mpmath.mpf


def test_committed_references_verify():
    manifest = verify_references()
    targets = {name for name in manifest if name.endswith(".json") and "/" not in name}
    assert targets == {f"{name}.json" for name in TARGETS}
    # the PDE references live under pdes/ and are not 1-D targets
    others = set(manifest) - targets - {"MANIFEST.tolerances"}
    assert all(name.startswith("pdes/") for name in others)
    assert reference_names() == sorted(TARGETS)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_loaded_structure(name):
    ref = load_reference(name)
    t = get_target(name)
    assert ref.name == name and ref.domain == t.domain
    assert ref.points.shape == ref.values_float64.shape == (201,)
    assert len(ref.values) == 201
    assert ref.points[0] == t.domain[0] and ref.points[-1] == t.domain[1]
    assert np.all(np.diff(ref.points) > 0)
    assert ref.degree == ref.metadata["chebyshev"]["K"] <= 400
    assert len(ref.coefficients_float64) == ref.degree + 1
    dps = [c["dps"] for c in ref.metadata["chebyshev"]["computations"]]
    assert dps == [60, 90]
    assert ref.metadata["provenance"]["mpmath_version"]
    # Tail criterion of the file's own statement.
    assert float(ref.metadata["chebyshev"]["tail_over_max"]) <= 1e-17
    # Stored strings carry 32 significant digits (except near-zero coefficients).
    assert len(ref.values[100].split("e")[0].replace("-", "").replace(".", "")) == 32


# ----------------------------------------------------------------------------------
# closed forms of the Chebyshev coefficients (f = sum a_k T_k(s)), at 50 digits


def _closed_exp(k):
    return (1 if k == 0 else 2) * mpmath.besseli(k, 1)


def _closed_runge(k):
    # 1/(1 + A^2 x^2) = (1/q) [1 + 2 sum_m (-1)^m r^(2m) T_2m], q = sqrt(1 + A^2),
    # r = (q - 1)/A (poles at +-i/A, rho = 1/r).
    a = mpf(5)
    q = mpmath.sqrt(1 + a * a)
    r = (q - 1) / a
    if k % 2:
        return mpf(0)
    return (1 if k == 0 else 2) * (-1) ** (k // 2) * r**k / q


def _closed_near_pole(k):
    # 1/(c - x) = (1/q) [1 + 2 sum_k r^k T_k], q = sqrt(c^2 - 1), r = c - q.
    c = mpf(1.05)
    q = mpmath.sqrt(c * c - 1)
    return (1 if k == 0 else 2) * (c - q) ** k / q


def _closed_gaussian(k):
    # exp(-a x^2) = e^(-a/2) exp(-(a/2) T_2(x)) and exp(z cos t) = I_0(z) + 2 sum I_m(z)
    # cos(m t): a_2m = 2 (-1)^m e^(-a/2) I_m(a/2).
    if k % 2:
        return mpf(0)
    m = k // 2
    return (1 if m == 0 else 2) * (-1) ** m * mpmath.exp(-25) * mpmath.besseli(m, 25)


def _jacobi_anger_sin(alpha, beta, k):
    # sin(alpha + beta s) = sin(alpha) cos(beta s) + cos(alpha) sin(beta s), with
    # cos(beta s) = J_0 + 2 sum_even (-1)^(k/2) J_k T_k, sin(beta s) = 2 sum_odd
    # (-1)^((k-1)/2) J_k T_k.
    if k % 2 == 0:
        return mpmath.sin(alpha) * (1 if k == 0 else 2) * (-1) ** (k // 2) * mpmath.besselj(
            k, beta
        )
    return mpmath.cos(alpha) * 2 * (-1) ** ((k - 1) // 2) * mpmath.besselj(k, beta)


def _closed_oscillatory(k):
    return _jacobi_anger_sin(mpf(0), mpf(50), k)


def _closed_sine(k):
    # On [0, b], b = float64(2 pi): x = b/2 + (b/2) s.
    half = mpf(2 * math.pi) / 2
    return _jacobi_anger_sin(half, half, k)


CLOSED = {
    "exp": _closed_exp,
    "runge": _closed_runge,
    "near_pole": _closed_near_pole,
    "gaussian": _closed_gaussian,
    "oscillatory": _closed_oscillatory,
    "sine": _closed_sine,
}


@pytest.mark.parametrize("name", sorted(CLOSED))
def test_coefficients_match_closed_forms(name):
    ref = load_reference(name)
    stored = ref.mp_coefficients()
    with mpmath.workdps(50):
        exact = [CLOSED[name](k) for k in range(ref.degree + 1)]
        scale = max(abs(c) for c in exact)
        for k, (s, e) in enumerate(zip(stored, exact, strict=True)):
            # 32 stored digits: relative 1e-31 (one unit of the last digit); entries
            # below 1e-17 max|a_k| are resolved to 1e-49 max|a_k| (the file's claim).
            tol = max(mpf(10) ** -31 * abs(e), mpf(10) ** -49 * scale)
            assert abs(s - e) <= tol, (name, k, ref.coefficients[k], mpmath.nstr(e, 35))
        # The tail beyond K is what the file says it is.
        tail = sum(abs(CLOSED[name](k)) for k in range(ref.degree + 1, ref.degree + 200))
        assert tail <= 1e-17 * scale


def test_near_branch_coefficients_by_quadrature():
    # No closed form for sqrt(1.01 - x): check a few coefficients against Gauss-Legendre
    # quadrature of (2/pi) int_0^pi f(cos t) cos(kt) dt at 50 digits (smooth integrand).
    ref = load_reference("near_branch")
    t = get_target("near_branch")
    stored = ref.mp_coefficients()
    with mpmath.workdps(50):
        for k in (0, 1, 5, 20):
            c = 2 / mpmath.pi * mpmath.quad(
                lambda th, k=k: t.mpmath_func(mpmath.cos(th)) * mpmath.cos(k * th),
                [0, mpmath.pi / 2, mpmath.pi], method="gauss-legendre",
            )
            c = c / 2 if k == 0 else c
            assert abs(stored[k] - c) <= mpf(10) ** -31 * abs(c)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_values_and_coefficients_consistent(name):
    ref = load_reference(name)
    t = get_target(name)
    # float64 values are the oracle's correctly rounded values.
    np.testing.assert_array_equal(ref.values_float64, mp_evaluate(t, ref.points).values)
    # The series reproduces the values up to its tail (<= 1e-17 max|a_k|) plus the
    # stored rounding, evaluated by Clenshaw at 40 digits at every 10th point.
    a, b = (mpf(v) for v in ref.domain)
    coef = ref.mp_coefficients()
    vals = ref.mp_values()
    with mpmath.workdps(40):
        scale = max(abs(c) for c in coef)
        for i in range(0, 201, 10):
            s = (2 * mpf(ref.points[i]) - a - b) / (b - a)
            b1 = b2 = mpf(0)
            for c in reversed(coef[1:]):
                b1, b2 = 2 * s * b1 - b2 + c, b1
            series = s * b1 - b2 + coef[0]
            assert abs(series - vals[i]) <= 2e-17 * scale


def test_tampered_copy_fails_loudly(tmp_path):
    copy = tmp_path / "reference"
    shutil.copytree(reference_directory(), copy)
    verify_references(copy)  # the pristine copy is fine
    path = copy / "runge.json"
    text = path.read_text()
    doc = json.loads(text)
    old = doc["values"]["values"][7]
    new = old[:10] + ("1" if old[10] != "1" else "2") + old[11:]  # one digit changed
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ReferenceIntegrityError, match=r"runge\.json was altered"):
        load_reference("runge", copy)
    with pytest.raises(ReferenceIntegrityError, match="1 problem"):
        verify_references(copy)
    load_reference("exp", copy)  # other files are unaffected


def test_unlisted_missing_and_manifest_errors(tmp_path, monkeypatch):
    copy = tmp_path / "reference"
    shutil.copytree(reference_directory(), copy)
    (copy / "extra.json").write_text("{}")
    with pytest.raises(ReferenceIntegrityError, match=r"extra\.json is not listed"):
        verify_references(copy)
    with pytest.raises(ReferenceIntegrityError, match="not listed"):
        load_reference("extra", copy)
    (copy / "extra.json").unlink()
    (copy / "exp.json").unlink()
    with pytest.raises(ReferenceIntegrityError, match="listed in the manifest but missing"):
        load_reference("exp", copy)
    (copy / "MANIFEST.sha256").unlink()
    with pytest.raises(ReferenceIntegrityError, match=r"MANIFEST\.sha256 is missing"):
        load_reference("runge", copy)
    with pytest.raises(KeyError, match="available"):
        load_reference("no_such_target")
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match="NUMLEARN_REFERENCE_DIR"):
        load_reference("runge", missing)
    # The environment variable redirects the default location.
    monkeypatch.setenv("NUMLEARN_REFERENCE_DIR", str(missing))
    assert reference_directory(must_exist=False) == missing
    with pytest.raises(FileNotFoundError, match=r"\$NUMLEARN_REFERENCE_DIR"):
        verify_references()


def test_rebuild_one_target_is_byte_identical(tmp_path):
    # Deterministic output: a rebuild reproduces the committed file and its checksum.
    if load_reference("runge").metadata["provenance"]["mpmath_version"] != mpmath.__version__:
        pytest.skip("committed data were built with another mpmath version")
    manifest = build_references(tmp_path, ["runge"])
    committed = reference_directory()
    assert (tmp_path / "runge.json").read_bytes() == (committed / "runge.json").read_bytes()
    assert manifest == {"runge.json": verify_references()["runge.json"]}
    load_reference("runge", tmp_path)


def test_coefficient_disagreement_names_the_coefficient(tmp_path, monkeypatch):
    # An error that shows at one precision only (a drift of 1e-40 in a_3 at 90 digits)
    # fails the build, naming the coefficient, both values and both precisions.
    from numlearn.reference import targets

    real = targets._cheb_coefficients

    def drifting(f, domain, n, kmax, dps):
        out = real(f, domain, n, kmax, dps)
        if dps == 90 and kmax >= 3:
            with mpmath.workdps(dps):
                out[3] += mpf(10) ** -40
        return out

    monkeypatch.setattr(targets, "_cheb_coefficients", drifting)
    with pytest.raises(ReferenceBuildError, match=r"runge: Chebyshev coefficient a_3 "
                       r"disagrees between 60 digits/\d+ points \(.*\) and 90 digits"):
        build_references(tmp_path, ["runge"])


def test_verify_with_recomputation():
    verify_references(recompute=2, seed=1)


@pytest.mark.slow
def test_full_rebuild_is_byte_identical(tmp_path):
    if load_reference("exp").metadata["provenance"]["mpmath_version"] != mpmath.__version__:
        pytest.skip("committed data were built with another mpmath version")
    committed = {k: v for k, v in verify_references().items()
                 if k.endswith(".json") and "/" not in k}
    assert build_references(tmp_path) == committed
    verify_references(tmp_path, recompute=5)


def test_recomputation_detects_a_changed_target(monkeypatch):
    # If a target's definition drifts from the data (here 25 -> 26 in Runge's function),
    # the checksums still pass but a recomputed sample does not.
    import dataclasses

    from numlearn.problems import functions

    changed = dataclasses.replace(functions.TARGETS["runge"],
                                  mpmath_func=lambda x: 1 / (1 + 26 * x * x))
    monkeypatch.setitem(functions.TARGETS, "runge", changed)
    with pytest.raises(ReferenceIntegrityError, match="runge: value at x"):
        verify_references(recompute=2)
