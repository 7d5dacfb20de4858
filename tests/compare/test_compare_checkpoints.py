"""Training rows that outlast a sitting: the checkpoint directory of ``numlearn compare
--json F`` (``F.ckpt``) for suites registered with ``checkpoints=True``, and the
``pdes`` suites' learned rows that checkpoint and resume their training there.

What ran is counted by the toy methods themselves; the files are looked at directly.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from numlearn.cli import main
from numlearn.compare import suites
from numlearn.compare.suites import SUITES, Method

SEEN: dict = {}


class _Toy:
    grid_name = "3 points"

    def __init__(self, name):
        self.name = name

    def truth(self):
        return np.linspace(1.0, 2.0, 3)


def _long(p):
    """A 'training' that takes two sittings: the first stops (Ctrl-C) after writing
    its checkpoint, the second continues from it and removes it."""
    ckpt = Path(SEEN["dir"]) / f"{p.name}.pt"
    SEEN.setdefault("calls", []).append((p.name, ckpt.exists()))
    if not ckpt.exists():
        ckpt.write_text("half way")
        raise KeyboardInterrupt
    ckpt.unlink()
    return p.truth()


def _build(checkpoint_dir=None):
    SEEN["dir"] = checkpoint_dir
    SEEN.setdefault("builds", []).append(checkpoint_dir)
    return [_Toy("a")], (Method("long", "learned", _long, max_repeat=1),), lambda p: {}


@pytest.fixture(autouse=True)
def toy(monkeypatch):
    SEEN.clear()
    monkeypatch.setitem(SUITES, "ckpt", suites.Suite("ckpt", _build, "toy", repeat=1,
                                                     checkpoints=True))


def test_a_training_row_continues_from_its_checkpoint_under_resume(tmp_path, capsys):
    path = tmp_path / "runs.json"
    ckdir = tmp_path / "runs.json.ckpt"
    ckdir.mkdir()
    (ckdir / "stale.pt").write_text("an earlier run's")
    assert main(["compare", "--suite", "ckpt", "--json", str(path)]) == 130
    err = capsys.readouterr()
    assert "removed 1 training checkpoint(s)" in err.out
    assert f"continues from its checkpoint in {ckdir}" in err.err
    assert SEEN["builds"] == [ckdir] and SEEN["calls"] == [("a", False)]
    assert sorted(q.name for q in ckdir.iterdir()) == ["a.pt"]  # stale one gone
    assert json.loads(path.read_text())["complete"] is False

    assert main(["compare", "--suite", "ckpt", "--json", str(path), "--resume"]) == 0
    assert SEEN["builds"] == [ckdir, ckdir]
    assert SEEN["calls"] == [("a", False), ("a", True)]  # the second one resumed
    assert json.loads(path.read_text())["complete"] is True
    assert not ckdir.exists()  # complete: the empty directory is removed


def test_a_new_run_does_not_continue_an_old_checkpoint(tmp_path, capsys):
    path = tmp_path / "runs.json"
    assert main(["compare", "--suite", "ckpt", "--json", str(path)]) == 130
    path.unlink()  # the user starts over: the old row's checkpoint must not be used
    assert main(["compare", "--suite", "ckpt", "--json", str(path)]) == 130
    assert SEEN["calls"] == [("a", False), ("a", False)]
    assert "removed 1 training checkpoint(s)" in capsys.readouterr().out


def test_without_json_there_is_no_checkpoint_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError):  # _long needs a directory: build() got none
        main(["compare", "--suite", "ckpt"])
    assert SEEN["builds"] == [None] and list(tmp_path.iterdir()) == []


def test_a_file_where_the_directory_goes_is_refused(tmp_path, capsys):
    path = tmp_path / "runs.json"
    (tmp_path / "runs.json.ckpt").write_text("not a directory")
    assert main(["compare", "--suite", "ckpt", "--json", str(path)]) == 1
    err = capsys.readouterr().err
    assert "runs.json.ckpt is a file" in err and "move the file" in err
    assert "builds" not in SEEN


# ------------------------------------------------------- the pdes suites' rows


def test_pdes_learned_rows_checkpoint_and_resume(tmp_path, monkeypatch):
    """The hat and PINN rows of the evolution problems pass ``checkpoint`` /
    ``resume=True`` to the solver and remove the file after the row; the explicit
    BWLer and the Poisson PINN (minutes long) do not checkpoint."""
    import numlearn.learned.spectral as spectral
    from numlearn.compare.pde_learned_suite import learned_pde_methods
    from numlearn.problems.pdes import get_pde

    calls = []

    def fake(problem, model, *, preset, progress, **kw):
        calls.append((problem.name, model, preset, kw))
        if "checkpoint" in kw:
            Path(kw["checkpoint"]).write_text("training")
        return np.zeros(3)  # _on_grid is replaced below

    monkeypatch.setattr(spectral, "solve_pde", fake)
    monkeypatch.setattr("numlearn.compare.pde_learned_suite._on_grid",
                        lambda problem, result: result)
    methods = {m.name: m for m in learned_pde_methods("paper", checkpoint_dir=tmp_path)}
    wave, poisson = get_pde("wave"), get_pde("poisson2d_c")
    for name in ("explicit BWLer (GN)", "BWLer-hat (Adam)", "MLP PINN"):
        methods[name].run(wave)
    methods["MLP PINN"].run(poisson)
    assert [(c[0], c[1]) for c in calls] == [("wave", "explicit"), ("wave", "hat"),
                                             ("wave", "pinn"), ("poisson2d_c", "pinn")]
    assert calls[0][3] == {} and calls[3][3] == {}
    assert calls[1][3] == {"checkpoint": tmp_path / "wave-hat-paper.pt", "resume": True}
    assert calls[2][3] == {"checkpoint": tmp_path / "wave-pinn-paper.pt", "resume": True}
    assert list(tmp_path.iterdir()) == []  # each row removed its checkpoint
    with pytest.raises(ValueError, match="`checkpoint_dir`"):
        learned_pde_methods("fast", checkpoint_dir=tmp_path / "missing")


def test_a_pinn_row_resumed_from_its_checkpoint(tmp_path):
    """solve_mlp_pinn with a checkpoint: stopped by its time budget after one step,
    resumed to the end; ``resumed_at`` records the step, and the Adam-only run
    resumes bit for bit."""
    import torch

    from numlearn.learned.spectral import Phase, solve_mlp_pinn

    kw = {"preset": "fast", "hidden": (6,), "grid": (5, 6), "n_ic": 5, "n_bc": 4,
          "phases": [Phase("adam", 8, {"lr_max": 1e-2})], "progress": False,
          "failure_threshold": 1e9}
    whole = solve_mlp_pinn("reaction", **kw)
    ckpt = tmp_path / "pinn.pt"
    first = solve_mlp_pinn("reaction", **kw, checkpoint=ckpt, time_budget=1e-9)
    assert first.stats["iterations"] == 1 and first.stats["resumed_at"] == []
    rest = solve_mlp_pinn("reaction", **kw, checkpoint=ckpt, resume=True)
    assert rest.stats["iterations"] == 8 and rest.stats["resumed_at"] == [1]
    assert torch.equal(rest.stats["theta"], whole.stats["theta"])
    assert whole.stats["resumed_at"] == []
