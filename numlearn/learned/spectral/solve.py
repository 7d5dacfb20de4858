"""One entry point for the learned PDE solvers: :func:`solve_pde`.

The models have their own entry points, with the keywords that only they take
(:func:`~numlearn.learned.spectral.solve_explicit_bwler`,
:func:`~numlearn.learned.spectral.solve_explicit_bwler_burgers`,
:func:`~numlearn.learned.spectral.solve_bwler_poisson`,
:func:`~numlearn.learned.spectral.solve_bwler_hat`,
:func:`~numlearn.learned.spectral.solve_mlp_pinn`,
:func:`~numlearn.learned.spectral.solve_mlp_pinn_poisson`); :func:`solve_pde` picks the
one that fits the problem and the model, so a sweep over problems and models (the
``pdes`` suites) is one call.
"""

from __future__ import annotations

from typing import Any

from numlearn._core.result import Result
from numlearn._core.validation import check_choice

__all__ = ["PDE_MODELS", "solve_pde"]

#: The model names of :func:`solve_pde`.
PDE_MODELS = ("explicit", "hat", "pinn")


def solve_pde(problem: Any, model: str = "explicit", *, preset: str = "fast",
              **options: Any) -> Result:
    """Train a learned solver of ``model`` on ``problem`` with the preset's settings.

    ======================  ==============================  ===========================
    problem                 ``model="explicit"``            ``"hat"`` / ``"pinn"``
    ======================  ==============================  ===========================
    convection, reaction,   :func:`solve_explicit_bwler`    :func:`solve_bwler_hat` /
    wave                    (Gauss-Newton to the floor)     :func:`solve_mlp_pinn`
    Burgers                 :func:`solve_explicit_bwler_    as above
                            burgers` (tangent node map)
    Poisson2d-C             :func:`solve_bwler_poisson`     ``"pinn"``:
                                                            :func:`solve_mlp_pinn_poisson`
    ======================  ==============================  ===========================

    Parameters
    ----------
    problem : str or problem
        A problem of :mod:`numlearn.problems.pdes` or its name (``"wave"``,
        ``"poisson2d_c"`` ...).
    model : {"explicit", "hat", "pinn"}, default "explicit"
        The explicit BWLer (the node values are the parameters), the BWLer-hat (an
        MLP feeds the node values) or the MLP PINN.
    preset : {"fast", "paper"}, default "fast"
        The solver's preset (each solver documents its two).
    **options
        Passed on to that solver (``seed``, ``phases``, ``time_budget``, ``progress``,
        ``dtype``, ``device`` and its own keywords).

    Returns
    -------
    Result
        The solver's result: ``value`` on the problem's evaluation grid (points),
        ``side="learned"``, ``stats["rel_l2"]`` (relative L2 on that grid),
        ``history``.

    Raises
    ------
    TypeError
        ``model="hat"`` on Poisson2d-C (the hat is built on a space-time grid).
    ValueError
        An unknown ``model`` or ``preset``, or an unknown problem name.
    """
    from numlearn.learned.spectral.burgers_poisson import (
        solve_bwler_poisson,
        solve_explicit_bwler_burgers,
        solve_mlp_pinn_poisson,
    )
    from numlearn.learned.spectral.bwler import solve_explicit_bwler
    from numlearn.learned.spectral.hat import solve_bwler_hat
    from numlearn.learned.spectral.pinn import solve_mlp_pinn
    from numlearn.problems.pdes import Burgers, Poisson2dC, get_pde

    model = check_choice(model, "model", PDE_MODELS)
    if isinstance(problem, str):
        try:
            problem = get_pde(problem)
        except KeyError as exc:
            raise ValueError(f"`problem`: {exc.args[0]}") from None
    if isinstance(problem, Poisson2dC):
        if model == "hat":
            raise TypeError("`model`: the BWLer-hat is built on a space-time grid "
                            "(convection, reaction, wave, Burgers); for Poisson2d-C use "
                            "model='explicit' or 'pinn'.")
        solver = solve_bwler_poisson if model == "explicit" else solve_mlp_pinn_poisson
        return solver(problem, preset=preset, **options)
    if model == "explicit":
        solver = (solve_explicit_bwler_burgers if isinstance(problem, Burgers)
                  else solve_explicit_bwler)
        return solver(problem, preset=preset, **options)
    solver = solve_bwler_hat if model == "hat" else solve_mlp_pinn
    return solver(problem, preset=preset, **options)
