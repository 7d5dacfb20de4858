"""`numlearn reference build|verify` through the command line."""

from numlearn.cli import main


def test_reference_verify_repository_data(capsys):
    assert main(["reference", "verify", "--recompute", "1"]) == 0
    out = capsys.readouterr().out
    assert "match the manifest" in out and "runge.json" in out


def test_reference_build_then_tamper(tmp_path, capsys):
    assert main(["reference", "build", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / "MANIFEST.sha256").exists()
    assert main(["reference", "verify", "--dir", str(tmp_path)]) == 0
    f = tmp_path / "exp.json"
    f.write_text(f.read_text().replace('"1.', '"2.', 1))
    capsys.readouterr()
    assert main(["reference", "verify", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("numlearn: error:") and "exp.json" in err


def test_unknown_suite_is_a_clean_error(capsys):
    assert main(["compare", "--suite", "nope"]) == 1
    known = ("known suites: distill, distill-paper, least-squares, pdes, pdes-classical, "
             "pdes-paper, quick, rational")
    assert known in capsys.readouterr().err


def test_impossible_repeat_is_refused_before_any_suite_runs(capsys):
    import pytest

    for bad in ("0", "-3", "two"):
        with pytest.raises(SystemExit) as exc:
            main(["compare", "--suite", "pdes-classical", "--repeat", bad])
        assert exc.value.code == 2
        err = capsys.readouterr()
        assert "--repeat" in err.err and "integer >= 1" in err.err
        assert "pdes-classical" not in err.out  # nothing was built or run
