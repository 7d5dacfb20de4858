"""Tests of numlearn.testing.profiles: the deterministic CI profile and the switch."""


import pytest
from hypothesis import settings

from numlearn.testing import (
    CI_PROFILE,
    PROFILE_ENV_VAR,
    RANDOM_PROFILE,
    load_profile,
)

# ------------------------------------------------------------------------ profiles


@pytest.fixture
def restore_profile():
    name = settings.get_current_profile_name()
    yield
    settings.load_profile(name)


def test_profile_selection(monkeypatch, restore_profile):
    monkeypatch.delenv(PROFILE_ENV_VAR, raising=False)
    assert load_profile() == CI_PROFILE
    assert settings.default.derandomize and settings.default.database is None
    assert settings.default.deadline is None and settings.default.max_examples == 50

    monkeypatch.setenv(PROFILE_ENV_VAR, RANDOM_PROFILE)
    assert load_profile() == RANDOM_PROFILE
    assert not settings.default.derandomize and settings.default.max_examples == 500

    assert load_profile(CI_PROFILE) == CI_PROFILE  # the argument wins over the variable

    monkeypatch.setenv(PROFILE_ENV_VAR, "no-such-profile")
    with pytest.raises(ValueError, match="no-such-profile"):
        load_profile()


def test_unknown_profile_leaves_the_loaded_one_in_place(monkeypatch, restore_profile):
    """A mistyped name is refused clearly and does not poison later calls (it used to
    make every later load_profile() raise KeyError until the interpreter restarted)."""
    monkeypatch.delenv(PROFILE_ENV_VAR, raising=False)
    load_profile(CI_PROFILE)
    with pytest.raises(ValueError, match="unknown hypothesis profile 'x'"):
        load_profile("x")
    assert settings.get_current_profile_name() == CI_PROFILE
    assert load_profile() == CI_PROFILE
    assert load_profile(RANDOM_PROFILE) == RANDOM_PROFILE
    with pytest.raises(TypeError, match="`name`"):
        load_profile(3)
    assert settings.get_current_profile_name() == RANDOM_PROFILE


def test_this_suite_runs_the_configured_profile():
    # tests/conftest.py loads the profile from the environment, CI by default.
    import os

    assert settings.get_current_profile_name() == (os.environ.get(PROFILE_ENV_VAR) or CI_PROFILE)
