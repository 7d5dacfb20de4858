"""Hypothesis profiles: deterministic for CI, randomised for bug hunting.

Following SciPy's ``conftest.py``: CI must not fail on a new random example that
nobody can reproduce, so the default profile is derandomized (the examples are a
function of the test's source) and uses no example database; a second profile
explores more examples with fresh randomness, for local runs.

Use them from a ``conftest.py``::

    from numlearn.testing import load_profile
    load_profile()  # picks NUMLEARN_HYPOTHESIS_PROFILE, default "numlearn-ci"

and switch with ``NUMLEARN_HYPOTHESIS_PROFILE=numlearn-random pytest``.
"""

from __future__ import annotations

import os

from hypothesis import settings

__all__ = [
    "CI_PROFILE",
    "PROFILE_ENV_VAR",
    "RANDOM_PROFILE",
    "load_profile",
    "register_profiles",
]

CI_PROFILE = "numlearn-ci"
RANDOM_PROFILE = "numlearn-random"
PROFILE_ENV_VAR = "NUMLEARN_HYPOTHESIS_PROFILE"


def register_profiles() -> None:
    """Register the ``numlearn-ci`` and ``numlearn-random`` hypothesis profiles.

    ``numlearn-ci``
        ``derandomize=True, database=None, deadline=None, print_blob=True,
        max_examples=50``: the same examples on every run and machine, no timing
        flakiness (the first call of a Numba kernel compiles), and a reproduction
        blob printed on failure.
    ``numlearn-random``
        ``deadline=None, print_blob=True, max_examples=500`` with fresh randomness
        and hypothesis's default example database, so failures found once are
        replayed first next time.

    Registering again is harmless (it overwrites with the same settings).
    """
    # Both start from hypothesis's own defaults, not from whatever profile is
    # loaded now (register_profile's default parent).
    base = settings.get_profile("default")
    settings.register_profile(
        CI_PROFILE,
        parent=base,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        max_examples=50,
    )
    settings.register_profile(
        RANDOM_PROFILE,
        parent=base,
        deadline=None,
        print_blob=True,
        max_examples=500,
    )


def load_profile(name: str | None = None) -> str:
    """Register the numlearn profiles and load one.

    Parameters
    ----------
    name : str, optional
        Profile to load.  Default: the environment variable
        ``NUMLEARN_HYPOTHESIS_PROFILE``, else ``"numlearn-ci"``.  Any profile
        registered with hypothesis is accepted, not only numlearn's.

    Returns
    -------
    str
        The name of the loaded profile.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no profile of that name is registered; the profile loaded before stays
        loaded (hypothesis's own ``settings.load_profile`` would record the unknown
        name as current, and every later registration would then fail).

    Examples
    --------
    >>> load_profile("numlearn-ci")
    'numlearn-ci'
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"`name` must be a profile name (a string) or None, got "
                        f"{type(name).__name__} {name!r}.")
    register_profiles()
    chosen = name if name is not None else os.environ.get(PROFILE_ENV_VAR) or CI_PROFILE
    try:
        # Look the name up before loading it: settings.load_profile sets the current
        # profile name before it checks that the profile exists.
        settings.get_profile(chosen)
    except Exception as exc:  # hypothesis raises InvalidArgument
        raise ValueError(
            f"unknown hypothesis profile {chosen!r} (from "
            f"{'the argument `name`' if name is not None else PROFILE_ENV_VAR}); use "
            f"{CI_PROFILE!r}, {RANDOM_PROFILE!r} or a profile you registered."
        ) from exc
    settings.load_profile(chosen)
    return chosen
