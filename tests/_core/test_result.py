"""The result contract: Status members, the stats vocabulary, Result's checks."""

import numpy as np
import pytest

from numlearn import STATS_VOCABULARY, Result, Status
from numlearn._core.result import check_stats


def test_every_failure_status_says_what_to_do():
    codes = [s.code for s in Status]
    assert len(set(codes)) == len(codes)
    for s in Status:
        assert str(s) == s.code and Status.from_code(s.code) is s
        if s is not Status.SUCCESS:
            assert len(s.hint) > 30, s  # an explanation, not a label
    with pytest.raises(ValueError, match="known codes: success"):
        Status.from_code("n/a")


def test_result_requires_side_and_a_status_member():
    with pytest.raises(TypeError, match="side"):
        Result(1.0)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="'classical' or 'learned'"):
        Result(1.0, side="other")
    with pytest.raises(TypeError, match="Status member"):
        Result(1.0, side="classical", status="success")  # type: ignore[arg-type]


def test_history_becomes_arrays_and_explanation_joins_message_and_hint():
    r = Result(np.zeros(2), side="learned", status=Status.DIVERGED,
               message="3 of 10 problems", history={"loss": [3.0, 2.0, 1.0]})
    assert isinstance(r.history["loss"], np.ndarray) and r.history["loss"].shape == (3,)
    assert not r.success
    assert r.explanation.startswith("diverged: 3 of 10 problems; the iterates")
    assert Result(0.0, side="classical").explanation == "success"


@pytest.mark.parametrize(("key", "use"), [("time_s", "seconds"), ("steps", "iterations"),
                                          ("itn", "iterations"), ("cond_scaled", "cond")])
def test_aliases_of_vocabulary_keys_are_refused(key, use):
    with pytest.raises(ValueError, match=use):
        Result(0.0, side="classical", stats={key: 1})


def test_cond_and_residual_norm_say_what_they_measure():
    with pytest.raises(ValueError, match="cond_of"):
        check_stats({"cond": 10.0})
    with pytest.raises(ValueError, match="residual_norm_of"):
        check_stats({"residual_norm": 1e-3})
    check_stats({"cond": 10.0, "cond_of": "A", "residual_norm": 0.0,
                 "residual_norm_of": "||b - A x||_2", "seconds": 0.1, "iterations": 3})
    assert {"seconds", "iterations", "cond", "cond_of", "residual_norm"} <= set(STATS_VOCABULARY)
