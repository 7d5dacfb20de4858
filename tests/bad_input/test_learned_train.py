"""Bad input of `numlearn.learned.train`'s own arguments (issue 13): refused before any
training, with a message naming the argument."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from numlearn.learned import TrainConfig, train


class TestDtype:
    @pytest.mark.parametrize(
        ("kwargs", "name"),
        [
            ({"progress": "no"}, "progress"),
            ({"progress": 1}, "progress"),
            ({"callback": 5}, "callback"),
            ({"model": 5}, "model"),
            ({"model": "a model"}, "model"),
        ],
    )
    def test_refused(self, kwargs, name):
        with pytest.raises(TypeError, match=f"`{name}`"):
            train(TrainConfig(steps=1, polish_iters=0), **kwargs)
