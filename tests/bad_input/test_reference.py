"""Bad input to the golden-data loaders and to verify_references (issue 13 item 6).

Tampered files: each case edits a copy of ``reference/`` in ``tmp_path`` and
re-registers the edited file in the copy's manifest (as someone who rebuilt or edited
it would), so that the checksum passes and only the content checks can catch it.  The
package's own files are never touched.
"""

import io
import json
import re
import shutil
import zipfile

import numpy as np
import pytest

from numlearn._core.store import (
    ReferenceFormatError,
    ReferenceIntegrityError,
    load_checked_bytes,
    reference_directory,
    register_files,
)
from numlearn.problems.burgers import load_burgers_reference
from numlearn.problems.poisson2d import load_poisson2d_reference
from numlearn.reference import (
    UnknownReferenceError,
    build_references,
    load_reference,
    reference_names,
    verify_references,
)
from numlearn.reference._files import npz_bytes

BURGERS_NPZ, BURGERS_JSON = "pdes/burgers.npz", "pdes/burgers.json"
POISSON_NPZ, POISSON_JSON = "pdes/poisson2d_c.npz", "pdes/poisson2d_c.json"

# The public readers of the data files, each called with a reference directory.
LOADERS = {
    "load_reference": lambda d: load_reference("runge", d),
    "load_burgers_reference": load_burgers_reference,
    "load_poisson2d_reference": load_poisson2d_reference,
    "verify_references": verify_references,
    "reference_names": reference_names,
}


@pytest.fixture
def copy(tmp_path):
    """A private copy of the reference directory."""
    target = tmp_path / "reference"
    shutil.copytree(reference_directory(), target)
    return target


def _edit_json(directory, name, change):
    path = directory / name
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=1) + "\n")
    register_files([name], directory)


def _edit_npz(directory, name, change):
    path = directory / name
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as zf:
        arrays = {n[:-4]: np.load(io.BytesIO(zf.read(n))) for n in zf.namelist()}
    change(arrays)
    path.write_bytes(npz_bytes(arrays, deflate=name == POISSON_NPZ))
    register_files([name], directory)


def _refused(load, directory, file, field):
    """``load(directory)`` raises a ReferenceFormatError (a ValueError) naming the file
    and the field, and verify_references reports the same."""
    pattern = rf"{file.replace('.', r'[.]')}: `{field}"
    with pytest.raises(ValueError, match=pattern) as info:
        load(directory)
    assert isinstance(info.value, ReferenceFormatError)
    assert isinstance(info.value, ReferenceIntegrityError)  # callers catching it still do
    with pytest.raises(ReferenceIntegrityError, match=pattern):
        verify_references(directory)


# ---------------------------------------------------------------------------------
# 1-D targets


def _runge(d):
    return load_reference("runge", d)


def _bump_hex(h, rel):
    return (float.fromhex(h) * (1 + rel)).hex()


class TestTamperedFiles:
    """A file changed and re-registered: the checksum passes, the contents do not."""

    def test_float64_value_changed_by_1e_6(self, copy):
        # The reproducer of the issue: it used to pass verify_references(recompute=201).
        _edit_json(copy, "runge.json", lambda d: d["values"]["float64"].__setitem__(
            7, _bump_hex(d["values"]["float64"][7], 1e-6)))
        _refused(_runge, copy, "runge.json", r"values\.float64\[7\]")
        load_reference("exp", copy)  # the other files still load

    @pytest.mark.slow
    def test_float64_value_changed_by_1e_6_recompute_201(self, copy):
        # The exact reproducer (45 s: 201 oracle calls per data set).
        _edit_json(copy, "runge.json", lambda d: d["values"]["float64"].__setitem__(
            7, _bump_hex(d["values"]["float64"][7], 1e-6)))
        with pytest.raises(ReferenceIntegrityError, match=r"values\.float64\[7\]"):
            verify_references(copy, recompute=201)

    def test_float64_coefficient_one_ulp_off(self, copy):
        def change(d):
            c = d["chebyshev"]["float64"]
            c[2] = np.nextafter(float.fromhex(c[2]), np.inf).hex()
        _edit_json(copy, "runge.json", change)
        _refused(_runge, copy, "runge.json", r"chebyshev\.float64\[2\]")

    def test_float64_list_shorter_than_decimals(self, copy):
        _edit_json(copy, "runge.json", lambda d: d["values"]["float64"].pop())
        _refused(_runge, copy, "runge.json", r"values\.float64` has 200 entries")

    def test_coefficient_list_truncated(self, copy):
        def change(d):
            for key in ("coefficients", "float64"):
                del d["chebyshev"][key][-50:]
        _edit_json(copy, "runge.json", change)
        _refused(_runge, copy, "runge.json", r"chebyshev\.coefficients` has 155 entries")

    def test_coefficient_list_truncated_with_its_degree(self, copy):
        # K updated too: the float64 series no longer reproduces the values.
        def change(d):
            for key in ("coefficients", "float64"):
                del d["chebyshev"][key][-60:]
            d["chebyshev"]["K"] -= 60
        _edit_json(copy, "runge.json", change)
        _refused(_runge, copy, "runge.json", r"chebyshev\.coefficients` do not reproduce")

    @pytest.mark.parametrize(("field", "bad", "message"), [
        ("values.values", "nan", "not a finite number"),
        ("values.values", "1.2.3", "not a decimal number"),
        ("values.float64", "nan", "not a finite number"),
        ("values.float64", "inf", "not a finite number"),
        ("values.float64", 0.5, "not a float64 in float.hex form"),
        ("chebyshev.coefficients", None, "not a decimal number"),
        ("values.points", "0x1.8p+0", "must increase strictly"),
    ])
    def test_bad_entries(self, copy, field, bad, message):
        section, key = field.split(".")
        _edit_json(copy, "runge.json", lambda d: d[section][key].__setitem__(5, bad))
        with pytest.raises(ValueError, match=rf"`{field}(\[5\])?` .*{message}"):
            load_reference("runge", copy)

    @pytest.mark.parametrize(("change", "field"), [
        (lambda d: d["chebyshev"].pop("K"), r"chebyshev\.K` is missing"),
        (lambda d: d.pop("values"), r"values` is missing"),
        (lambda d: d.__setitem__("format", "numlearn-reference/0"), r"format` is"),
        (lambda d: d.__setitem__("name", "exp"), r"name` is 'exp'"),
        (lambda d: d["chebyshev"].__setitem__("K", True), r"chebyshev\.K` is a bool"),
        (lambda d: d["chebyshev"].__setitem__("tail_over_max", "1e-3"),
         r"chebyshev\.tail_over_max` is '1e-3'"),
        (lambda d: d.__setitem__("domain", ["0x1p+0", "-0x1p+0"]), r"domain` is"),
        (lambda d: d["values"]["points"].reverse(), r"values\.points` must increase"),
    ])
    def test_layout(self, copy, change, field):
        _edit_json(copy, "runge.json", change)
        _refused(_runge, copy, "runge.json", field)

    def test_not_json(self, copy):
        (copy / "runge.json").write_text("{not json")
        register_files(["runge.json"], copy)
        _refused(_runge, copy, "runge.json", r"\(whole file\)` is not valid JSON")

    # -----------------------------------------------------------------------------
    # Burgers

    def test_burgers_nan(self, copy):
        _edit_npz(copy, BURGERS_NPZ, lambda a: a["u"].__setitem__((100, 200), np.nan))
        _refused(load_burgers_reference, copy, "burgers.npz",
                 r"u` holds 1 non-finite value\(s\), the first nan at index \(100, 200\)")

    @pytest.mark.parametrize(("change", "field"), [
        (lambda a: a.__setitem__("u", a["u"][:, :-1]), r"u` has shape \(201, 510\)"),
        (lambda a: a.__setitem__("t", a["t"].astype(np.float32)), r"t` has dtype float32"),
        (lambda a: a.pop("x"), r"x` is missing"),
        (lambda a: a.__setitem__("x", a["x"][::-1].copy()), r"x` must increase"),
        (lambda a: a["u"].__setitem__((50, -1), 1e-300), r"u` is not 0 at x = -1 and x = 1"),
        (lambda a: a["u"].__setitem__((0, 7), a["u"][0, 7] + 1e-6), r"u\[0\]` is not the init"),
    ])
    def test_burgers_arrays(self, copy, change, field):
        _edit_npz(copy, BURGERS_NPZ, change)
        _refused(load_burgers_reference, copy, "burgers.npz", field)

    def test_burgers_one_grid_value_changed(self, copy):
        # Anywhere on the grid: u is odd in x, the changed value no longer is.
        _edit_npz(copy, BURGERS_NPZ, lambda a: a["u"].__setitem__((77, 300), a["u"][77, 300]
                                                                  + 1e-12))
        _refused(load_burgers_reference, copy, "burgers.npz",
                 r"u\[77, (300|210)\]` = .* breaks the symmetry u\(t, -x\) = -u\(t, x\)")

    def test_burgers_grid_value_changed_at_a_sample_point(self, copy):
        p = json.loads((copy / BURGERS_JSON).read_text())["mpmath_sample"]["points"][0]
        i, j = p["grid_index"]

        def change(a):  # and its mirror image, so that u stays odd
            a["u"][i, j] += 1e-6
            a["u"][i, 510 - j] -= 1e-6
        _edit_npz(copy, BURGERS_NPZ, change)
        _refused(load_burgers_reference, copy, "burgers.json",
                 r"mpmath_sample\.points\[0\]\.grid_index")

    @pytest.mark.parametrize(("change", "field"), [
        (lambda m: m["mpmath_sample"]["points"][3].__setitem__("u", "0.5"),
         r"mpmath_sample\.points\[3\]\.float64\[0\]` = .* differs from"),
        (lambda m: m["mpmath_sample"]["points"][3].__setitem__("float64", "nan"),
         r"mpmath_sample\.points\[3\]\.float64` is nan"),
        (lambda m: m["mpmath_sample"]["points"][3].pop("t"), r"t` is missing"),
        (lambda m: m["mpmath_sample"].__setitem__("count", 55), r"mpmath_sample\.count` is 55"),
        (lambda m: m["mpmath_sample"]["points"][0].__setitem__("grid_index", [96, 9999]),
         r"mpmath_sample\.points\[0\]\.grid_index` is \[96, 9999\]"),
        (lambda m: m.__setitem__("format", "x"), r"format` is 'x'"),
    ])
    def test_burgers_record(self, copy, change, field):
        _edit_json(copy, BURGERS_JSON, change)
        _refused(load_burgers_reference, copy, "burgers.json", field)

    # -----------------------------------------------------------------------------
    # Poisson2d-C

    def test_poisson_doubled_coefficients(self, copy):
        _edit_npz(copy, POISSON_NPZ, lambda a: a.__setitem__("coefficients",
                                                             2 * a["coefficients"]))
        _refused(load_poisson2d_reference, copy, "poisson2d_c.npz",
                 r"coefficients` do not reproduce the boundary condition u = 1")

    def test_poisson_coefficients_repeated(self, copy):
        _edit_npz(copy, POISSON_NPZ, lambda a: a.__setitem__(
            "coefficients", np.concatenate([a["coefficients"]] * 2)))
        _refused(load_poisson2d_reference, copy, "poisson2d_c.npz",
                 r"coefficients` is \(164,\), the basis record")

    @pytest.mark.parametrize(("change", "field"), [
        (lambda a: a["u"].__setitem__(10, np.nan), r"u` holds 1 non-finite"),
        (lambda a: a["u"].__setitem__(32, a["u"][32] + 1e-6),
         r"u` differs from the series of `coefficients`"),
        (lambda a: a["square_u"].__setitem__(0, 1.0 + 1e-9),
         r"square_u` differs from the series of `coefficients`"),
        (lambda a: a.__setitem__("n_laurent", np.array(40.0)), r"n_laurent` has dtype float64"),
        (lambda a: a.__setitem__("n_laurent", np.array(39)), r"n_laurent` is 39"),
        (lambda a: a.__setitem__("hessenberg", a["hessenberg"][:-1]), r"hessenberg` is"),
        (lambda a: a.__setitem__("y", a["y"][:-1]), r"u` must have one entry per point"),
        (lambda a: (a["x"].__setitem__(5, 0.3), a["y"].__setitem__(5, 0.3)),
         r"x` holds points outside"),
        (lambda a: a.pop("circle_u"), r"circle_u` is missing"),
    ])
    def test_poisson_arrays(self, copy, change, field):
        _edit_npz(copy, POISSON_NPZ, change)
        _refused(load_poisson2d_reference, copy, "poisson2d_c.npz", field)

    @pytest.mark.parametrize(("change", "field"), [
        (lambda m: m["certificate"].__setitem__("certified_bound", -1.0),
         r"certificate\.certified_bound` is -1\.0"),
        (lambda m: m["certificate"].__setitem__("certified_bound", "3e-15"),
         r"certificate\.certified_bound` is a str"),
        (lambda m: m["basis"].__setitem__("n_poly", 41), r"hessenberg` is \(41, 40\)"),
        (lambda m: m["evaluation_points"].__setitem__("count", 1), r"x` has 35413 points"),
        (lambda m: m.pop("basis"), r"basis` is missing"),
    ])
    def test_poisson_record(self, copy, change, field):
        _edit_json(copy, POISSON_JSON, change)
        where = "poisson2d_c.json" if "certif" in field or "basis`" in field else "poisson2d_c.npz"
        _refused(load_poisson2d_reference, copy, where, field)



    def test_changes_only_the_oracles_can_see(self, copy):
        """Five changes that pass every loader (below float64 resolution, or off the
        loaders' samples), each reported by verify_references(recompute=1) (the
        Poisson2d-C one twice: the stored series and the Nystrom solve), and nothing
        else: one recomputation pass (about 5 s) for all of them."""
        # runge: a_K (9.8e-19) dropped with K - 1: only the recomputed tail sees it.
        def drop_last(d):
            for key in ("coefficients", "float64"):
                d["chebyshev"][key].pop()
            d["chebyshev"]["K"] -= 1
        _edit_json(copy, "runge.json", drop_last)
        assert load_reference("runge", copy).degree == 203
        # exp: the 24th significant digit of every value (float64 unchanged).
        _edit_json(copy, "exp.json", lambda d: d["values"].__setitem__("values", [
            v[:25] + ("1" if v[25] != "1" else "2") + v[26:] for v in d["values"]["values"]]))
        load_reference("exp", copy)
        # Burgers: every grid value off the stored sample (and its mirror image), the
        # first row and the boundaries changed by 1e-6 relative; the 27th digit of
        # every sample decimal.
        meta = json.loads((copy / BURGERS_JSON).read_text())
        keep = np.zeros((201, 511), dtype=bool)
        keep[0], keep[:, 0], keep[:, -1] = True, True, True
        for p in meta["mpmath_sample"]["points"]:
            if "grid_index" in p:
                keep[tuple(p["grid_index"])] = True
        keep |= keep[:, ::-1]  # the change keeps u odd in x
        _edit_npz(copy, BURGERS_NPZ,
                  lambda a: a.__setitem__("u", np.where(keep, a["u"], a["u"] * (1 + 1e-6))))

        def digit27(m):
            for p in m["mpmath_sample"]["points"]:
                p["u"] = p["u"][:26] + ("1" if p["u"][26] != "1" else "2") + p["u"][27:]
        _edit_json(copy, BURGERS_JSON, digit27)
        load_burgers_reference(copy)

        # Poisson2d-C: every value the loader does not sample (all but every 16th)
        # off by 1e-9.
        def shift(a):
            off = np.ones(a["u"].size, dtype=bool)
            off[::16] = False
            a["u"] = np.where(off, a["u"] + 1e-9, a["u"])
        _edit_npz(copy, POISSON_NPZ, shift)
        load_poisson2d_reference(copy)
        verify_references(copy)  # the loaders' checks pass
        with pytest.raises(ReferenceIntegrityError) as info:
            verify_references(copy, recompute=1)
        report = str(info.value)
        assert report.startswith("6 problem(s)"), report
        for pattern in (r"runge: `chebyshev\.coefficients` .* the series is truncated",
                        r"exp: value at x",
                        r"burgers\.npz: `u\[\d+, \d+\]`.*the oracle burgers_solution_mp gives",
                        r"burgers\.json: `mpmath_sample\.points\[\d+\]\.u`",
                        r"poisson2d_c\.npz: `u\[\d+\]` differs from the stored series",
                        r"poisson2d_c\.npz: `u\[\d+\]` at .* differs from a Nystrom solve"):
            assert re.search(pattern, report), (pattern, report)

    def test_pristine_copy_verifies_with_recomputation(self, copy):
        verify_references(copy, recompute=1, seed=3)

# ---------------------------------------------------------------------------------
# arguments


class TestDtype:
    @pytest.mark.parametrize("name", [5, None, b"runge", ("runge",)])
    def test_name(self, name):
        with pytest.raises(TypeError, match="`name`"):
            load_reference(name)

    @pytest.mark.parametrize("loader", sorted(LOADERS))
    @pytest.mark.parametrize("directory", [5, 1.5, True, ["reference"]])
    def test_directory(self, loader, directory):
        with pytest.raises(TypeError, match="`directory`"):
            LOADERS[loader](directory)

    @pytest.mark.parametrize(("kwargs", "argument"), [
        ({"recompute": True}, "recompute"), ({"recompute": "2"}, "recompute"),
        ({"recompute": 2.0}, "recompute"), ({"seed": 1.5}, "seed"), ({"seed": "0"}, "seed"),
    ])
    def test_verify_arguments(self, kwargs, argument):
        with pytest.raises(TypeError, match=f"`{argument}`"):
            verify_references(**kwargs)

    def test_filename(self):
        with pytest.raises(TypeError, match="`filename`"):
            load_checked_bytes(5)

    def test_build_names_as_a_str(self, tmp_path):
        # "runge" would be iterated as 'r', 'u', ... : refused before anything is built
        with pytest.raises(TypeError, match=r"`names` .* use \['runge'\]"):
            build_references(tmp_path, "runge")
        assert not any(tmp_path.iterdir())

    @pytest.mark.parametrize("flag", ["no", 1, None])
    def test_must_exist_is_a_bool(self, flag):
        with pytest.raises(TypeError, match="`must_exist`"):
            reference_directory(must_exist=flag)


class TestOutOfDomain:
    @pytest.mark.parametrize("name", ["no_such_target", "../runge", "pdes/burgers", "",
                                      ".hidden", "MANIFEST"])
    def test_unknown_name(self, name):
        with pytest.raises(ValueError, match=r"`name`.*available: \[") as info:
            load_reference(name)
        assert isinstance(info.value, KeyError)  # as before: a KeyError too
        assert isinstance(info.value, UnknownReferenceError)

    @pytest.mark.parametrize("loader", sorted(LOADERS))
    def test_missing_directory(self, loader, tmp_path):
        with pytest.raises(FileNotFoundError, match=r"`directory`.*does not exist"):
            LOADERS[loader](tmp_path / "nowhere")

    @pytest.mark.parametrize("loader", sorted(LOADERS))
    def test_directory_is_a_file(self, loader, tmp_path):
        (tmp_path / "file").write_text("")
        with pytest.raises(NotADirectoryError, match=r"`directory`.*is a file"):
            LOADERS[loader](tmp_path / "file")

    @pytest.mark.parametrize("loader", sorted(LOADERS))
    def test_empty_directory(self, loader, tmp_path):
        with pytest.raises(ReferenceIntegrityError, match=r"MANIFEST\.sha256 is missing"):
            LOADERS[loader](tmp_path)


class TestImpossibleParameters:
    @pytest.mark.parametrize(("kwargs", "argument"), [
        ({"recompute": -1}, "recompute"), ({"seed": -1}, "seed"),
    ])
    def test_negative(self, kwargs, argument):
        with pytest.raises(ValueError, match=f"`{argument}` must be >= 0"):
            verify_references(**kwargs)
