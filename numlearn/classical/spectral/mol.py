r"""Method-of-lines solvers for the benchmark PDEs, stepped by ETDRK4.

The benchmark problems of :mod:`numlearn.problems.pdes` are solved by

- :func:`solve_burgers_mol`: Fourier on period 2 (the solution is odd and 2-periodic),
  :math:`L = -\nu k^2`, :math:`N = -(u^2/2)_x`;
- :func:`solve_reaction_mol`: no spatial coupling, one logistic ODE per output
  point, :math:`L = \rho`, :math:`N = -\rho u^2`;
- :func:`solve_reaction_diffusion_mol` (Krishnapriyan's reaction-diffusion): Fourier
  on :math:`[0, 2\pi)`, :math:`L = \rho - \nu k^2`, :math:`N = -\rho u^2`;
- :func:`solve_wave_mol`: Chebyshev collocation of the first-order system, dense
  :math:`L`, :math:`N = 0` (exact propagator);
- :func:`solve_mol`: dispatch on a problem or its name (also convection: Fourier,
  :math:`L = -i\beta k`, :math:`N = 0`).

Every solver returns a :class:`numlearn.Result` whose ``value`` is ``u[i_t, i_x]`` on
the requested output times and points, like the learned solvers.  The integrator is
:func:`numlearn.classical.spectral.etdrk4.etdrk4`; every solver takes its
``max_steps`` (default :data:`~numlearn.classical.spectral.etdrk4.ETDRK4_MAX_STEPS`,
10**7) and refuses, before any stepping, a ``dt`` that implies more steps to the
last output time.  A march that blows up (the state grows by more than a factor
1e6 over the initial one: these benchmark solutions are bounded) is reported
``Status.UNSTABLE``, one whose spatial coefficients have not decayed (relative tail
above :math:`\sqrt{\varepsilon}` at some saved time) ``Status.UNRESOLVED``; each
with a `RuntimeWarning`.  ``N`` beyond a size limit is refused before allocating.

References
----------
.. [1] A.-K. Kassam and L. N. Trefethen, "Fourth-order time-stepping for stiff
   PDEs", SIAM J. Sci. Comput. 26(4), 1214-1233, 2005. :doi:`10.1137/S1064827502410633`
.. [2] L. N. Trefethen, *Spectral Methods in MATLAB*, SIAM 2000 (Fourier and Chebyshev
   differentiation, programs 6 and 27).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import scipy.fft
import scipy.linalg
from numpy.typing import ArrayLike, NDArray

from numlearn._core.result import Result
from numlearn._core.validation import (
    check_int,
    check_positive,
    check_real,
)
from numlearn.classical.spectral._mol_core import (
    _check_size,
    _finish,
    _fourier_mol,
    _fourier_setup,
    _march,
    _output_grid,
)
from numlearn.classical.spectral.etdrk4 import (
    ETDRK4_MAX_STEPS,
    _check_contour_points,
)

__all__ = [
    "solve_burgers_mol",
    "solve_mol",
    "solve_reaction_diffusion_mol",
    "solve_reaction_mol",
    "solve_wave_mol",
]

def solve_burgers_mol(
    nu: float = 0.01 / math.pi,
    N: int = 2048,
    dt: float = 1e-4,
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    *,
    contour_points: int = 32,
    max_steps: int = ETDRK4_MAX_STEPS,
) -> Result:
    r"""Viscous Burgers by Fourier pseudospectral ETDRK4 (no dealiasing).

    :math:`u_t + u u_x = \nu u_{xx}` on :math:`[-1, 1]`, :math:`u(0, x) = -\sin\pi x`,
    :math:`u(t, \pm 1) = 0`.  The solution is odd and 2-periodic (the equation
    preserves both properties of the initial data), so it is represented exactly in
    form by a Fourier series of period 2 on :math:`x_j = -1 + 2j/N`, and the
    boundary condition holds automatically (:math:`u(1) = u(-1) = -u(1)`).  For the
    real-FFT coefficients :math:`\hat u_k`, wavenumbers :math:`\kappa = \pi k`,

    .. math::

        \hat u_t = -\nu\kappa^2 \hat u \;-\; \tfrac{i\kappa}{2}\,
        \mathcal F\bigl[(\mathcal F^{-1}\hat u)^2\bigr],

    the derivative of the Nyquist mode set to zero.  Values at ``x_out`` come from
    the trigonometric interpolant
    (:func:`~numlearn.classical.barycentric.trig_barycentric_eval`).

    Accuracy against the Cole-Hopf solution at :math:`\nu = 0.01/\pi`: about 1e-12
    with the defaults ``N = 2048, dt = 1e-4`` (time error); the front, of width
    :math:`\sim\nu`, needs ``N >= 2048`` for that (measurements in
    the notes, *Spectral solvers*).

    Cost per step: 8 real FFTs of length ``N``; ``ceil(1/dt)`` steps to ``t = 1``;
    output :math:`O(N\,n_x\,n_t)`.

    Parameters
    ----------
    nu : float, default 0.01/pi
        Viscosity, ``> 0``.
    N : int, default 2048
        Number of grid points (even, ``>= 8``).
    dt : float, default 1e-4
        Largest time step (see :func:`etdrk4` for how output times are hit).
    t_out, x_out : array_like, optional
        Output times (``>= 0``, any order) and points in ``[-1, 1]``; default the
        problem's evaluation grid (201 x 511).
    contour_points : int, default 32
    max_steps : int, default 10**7
        Largest number of time steps (see :func:`etdrk4`); a ``dt`` implying more is
        refused with a ``ValueError`` before any stepping.

    Returns
    -------
    Result
        ``value`` of shape ``(len(t_out), len(x_out))``; ``stats`` as in
        :func:`etdrk4` plus ``N``, ``nu`` and ``tail`` (the largest relative tail of
        the Fourier coefficients over the saved times).  ``status``: as
        :func:`etdrk4`'s, or :attr:`Status.UNSTABLE` when max|state| grows by more
        than ``BLOWUP_FACTOR`` (1e6), or :attr:`Status.UNRESOLVED` when ``tail``
        exceeds :math:`\sqrt{\varepsilon}`; each with a `RuntimeWarning`.
    """
    from numlearn.problems.pdes import Burgers

    start = time.perf_counter()
    nu = check_positive(nu, "nu")
    problem = Burgers(params={"nu": nu})
    N, dt, M, times, inverse, x, grid = _fourier_setup(problem, N, dt, contour_points,
                                                       t_out, x_out)
    kappa = np.pi * np.arange(N // 2 + 1, dtype=np.float64)
    symbol = -nu * kappa**2
    ik_half = -0.5j * kappa
    ik_half[-1] = 0.0  # odd derivative of the Nyquist mode

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        u = scipy.fft.irfft(v, n=N)
        return ik_half * scipy.fft.rfft(u * u)

    res, u = _fourier_mol(symbol, nonlinear, problem.initial_condition(grid),
                          problem.x_domain, times, x, dt, M, max_steps)
    return _finish(res, u, inverse, "etdrk4-fourier burgers",
                   {"N": N, "nu": nu, "contour_points": M, "dealias": False}, start,
                   spectrum=res.value)


def solve_reaction_diffusion_mol(
    nu: float = 5.0,
    rho: float = 5.0,
    N: int = 256,
    dt: float = 1e-3,
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    *,
    contour_points: int = 32,
    max_steps: int = ETDRK4_MAX_STEPS,
) -> Result:
    r"""Reaction-diffusion :math:`u_t = \nu u_{xx} + \rho u(1 - u)`, periodic on [0, 2π).

    Krishnapriyan et al.'s problem, with the Gaussian initial data of the reaction
    benchmark, :math:`h(x) = e^{-(x-\pi)^2/(2(\pi/4)^2)}`.  Fourier pseudospectral in
    :math:`x` with the linear part :math:`L = \rho - \nu k^2` (diffusion and the
    linearisation at :math:`u = 0`, both stiff for large ``nu`` or ``rho``) and
    :math:`N(u) = -\rho u^2`, computed on the grid (no dealiasing).  Note that
    :math:`h` is periodic in value only (its derivative jumps by 1.7e-3 at
    :math:`x = 0 \equiv 2\pi`), which limits the spatial convergence to algebraic
    (measured in the notes, *Spectral solvers*).

    With ``nu = 0`` the grid values evolve exactly as independent logistic ODEs
    (the product is pointwise and ``L`` is a multiple of the identity).

    Parameters
    ----------
    nu, rho : float, default 5, 5
        Diffusion (``>= 0``) and reaction rate (real).
    N : int, default 256
        Grid points on [0, 2π), even.
    dt : float, default 1e-3
    t_out, x_out : array_like, optional
        Default: the reaction problem's evaluation grid.
    contour_points : int, default 32
    max_steps : int, default 10**7
        Largest number of time steps (see :func:`etdrk4`); a ``dt`` implying more is
        refused with a ``ValueError`` before any stepping.

    Returns
    -------
    Result
        ``value[i_t, i_x]``; ``stats`` as in :func:`etdrk4` plus ``N``, ``nu``, ``rho``.
    """
    from numlearn.problems.pdes import Reaction

    start = time.perf_counter()
    nu = check_positive(nu, "nu", allow_zero=True)
    rho = check_real(rho, "rho")
    problem = Reaction(params={"rho": rho})
    N, dt, M, times, inverse, x, grid = _fourier_setup(problem, N, dt, contour_points,
                                                       t_out, x_out)
    k = np.arange(N // 2 + 1, dtype=np.float64)
    symbol = rho - nu * k**2

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        u = scipy.fft.irfft(v, n=N)
        return -rho * scipy.fft.rfft(u * u)

    res, u = _fourier_mol(symbol, nonlinear, problem.initial_condition(grid),
                          problem.x_domain, times, x, dt, M, max_steps)
    return _finish(res, u, inverse, "etdrk4-fourier reaction-diffusion",
                   {"N": N, "nu": nu, "rho": rho, "contour_points": M}, start,
                   spectrum=res.value)


def _solve_convection_mol(
    beta: float, N: int, dt: float, t_out: ArrayLike | None, x_out: ArrayLike | None,
    contour_points: int, max_steps: int,
) -> Result:
    """Convection ``u_t + beta u_x = 0``: Fourier, ``L = -i beta k``, ``N = 0``."""
    from numlearn.problems.pdes import Convection

    start = time.perf_counter()
    beta = check_real(beta, "beta")
    problem = Convection(params={"beta": beta})
    N, dt, M, times, inverse, x, grid = _fourier_setup(problem, N, dt, contour_points,
                                                       t_out, x_out)
    k = np.arange(N // 2 + 1, dtype=np.float64)
    symbol = -1j * beta * k
    symbol[-1] = 0.0  # Nyquist mode: odd derivative set to zero

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        return np.zeros_like(v)

    res, u = _fourier_mol(symbol, nonlinear, problem.initial_condition(grid),
                          problem.x_domain, times, x, dt, M, max_steps)
    return _finish(res, u, inverse, "etdrk4-fourier convection",
                   {"N": N, "beta": beta, "contour_points": M}, start,
                   spectrum=res.value)


# ------------------------------------------------------------------ pointwise / Chebyshev


def solve_reaction_mol(
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    *,
    rho: float = 5.0,
    dt: float = 1e-3,
    contour_points: int = 32,
    max_steps: int = ETDRK4_MAX_STEPS,
) -> Result:
    r"""Reaction :math:`u_t = \rho u(1 - u)`: one logistic ODE per output point.

    The equation has no spatial coupling, so the method of lines needs no spatial
    discretisation: each ``x`` in ``x_out`` carries its own ODE from
    :math:`u(0, x) = h(x)`, integrated by ETDRK4 with :math:`L = \rho` (the
    linearisation at the unstable state :math:`u = 0`, integrated exactly) and
    :math:`N(u) = -\rho u^2`.  This choice makes the small Gaussian tails
    (:math:`h \approx 10^{-4}` at the ends), where :math:`u \approx h e^{\rho t}`,
    exact up to rounding, and the error elsewhere comes from the
    :math:`O((\rho\,dt)^4)` treatment of :math:`-\rho u^2` only.  (``L = 0`` would
    give classical RK4.)  The exact solution is
    :math:`h e^{\rho t}/(h e^{\rho t} + 1 - h)`.

    Cost: 4 evaluations of :math:`-\rho u^2` over ``len(x_out)`` points per step.

    Parameters
    ----------
    t_out, x_out : array_like, optional
        Output times and points (in [0, 2π]); default the problem's evaluation grid.
    rho : float, default 5
    dt : float, default 1e-3
    contour_points : int, default 32
    max_steps : int, default 10**7
        Largest number of time steps (see :func:`etdrk4`); a ``dt`` implying more is
        refused with a ``ValueError`` before any stepping.

    Returns
    -------
    Result
        ``value[i_t, i_x]``; ``stats`` as in :func:`etdrk4` plus ``rho``.
    """
    from numlearn.problems.pdes import Reaction

    start = time.perf_counter()
    rho = check_real(rho, "rho")
    dt = check_positive(dt, "dt")
    M = _check_contour_points(contour_points)
    problem = Reaction(params={"rho": rho})
    times, inverse, x = _output_grid(problem, t_out, x_out)
    L = np.full(x.size, rho)

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        return -rho * v * v

    res = _march(L, nonlinear, problem.initial_condition(x), times, 0.0, dt, M, max_steps)
    return _finish(res, np.asarray(res.value, dtype=np.float64), inverse,
                   "etdrk4-pointwise reaction", {"rho": rho, "contour_points": M}, start)


def solve_wave_mol(
    N: int = 32,
    dt: float = 0.05,
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    *,
    c: float = 2.0,
    beta: float = 5.0,
    max_steps: int = ETDRK4_MAX_STEPS,
) -> Result:
    r"""Wave :math:`u_{tt} = c^2 u_{xx}` on [0, 1], zero Dirichlet, by Chebyshev MOL.

    Collocation on ``N`` Chebyshev points of the second kind; the boundary values are
    zero, so the unknowns are the ``N - 2`` interior values :math:`u` and
    :math:`w = u_t`, and

    .. math::

        \frac{d}{dt}\begin{pmatrix} u \\ w \end{pmatrix} =
        \begin{pmatrix} 0 & I \\ c^2 D^{(2)}_{\rm int} & 0 \end{pmatrix}
        \begin{pmatrix} u \\ w \end{pmatrix},

    integrated by :func:`etdrk4` with this dense ``L`` and ``N = 0``, which makes
    each step the exact propagator :math:`e^{hL}` (computed by
    :func:`scipy.linalg.expm`): there is no time-discretisation error, only the
    spatial error of the collocation and rounding.  Values at ``x_out`` by
    barycentric interpolation on the Chebyshev points (about 1e-14 max error at
    ``N = 32``; the notes, *Spectral solvers*).

    Cost: one ``expm`` of size ``8(N - 2)`` per distinct step, then :math:`O(N^2)`
    per step.

    Parameters
    ----------
    N : int, default 32
        Number of Chebyshev points, ``>= 8``.
    dt : float, default 0.05
        Largest step (accuracy does not depend on it, cost does).
    t_out, x_out : array_like, optional
        Default: the problem's evaluation grid (200 x 200).
    c, beta : float
        Wave speed and the second mode's wavenumber (problem parameters).
    max_steps : int, default 10**7
        As in :func:`solve_burgers_mol`.

    Returns
    -------
    Result
        ``value[i_t, i_x]``; ``stats`` as in :func:`etdrk4` plus ``N``.
    """
    from numlearn.classical.barycentric import barycentric_eval
    from numlearn.classical.chebyshev import chebyshev_coefficients
    from numlearn.classical.differentiation import chebyshev_diffmat
    from numlearn.classical.nodes import chebyshev_points, chebyshev_weights
    from numlearn.problems.pdes import Wave

    start = time.perf_counter()
    N = check_int(N, "N", minimum=8)
    _check_size(N, "chebyshev")
    dt = check_positive(dt, "dt")
    c = check_real(c, "c")
    beta = check_real(beta, "beta")
    problem = Wave(params={"c": c, "beta": beta})
    times, inverse, x = _output_grid(problem, t_out, x_out)
    nodes = chebyshev_points(N, domain=problem.x_domain)
    m = N - 2
    D2 = chebyshev_diffmat(N, 2, domain=problem.x_domain)[1:-1, 1:-1]
    L = np.zeros((2 * m, 2 * m))
    L[:m, m:] = np.eye(m)
    L[m:, :m] = c**2 * D2
    v0 = np.concatenate([problem.initial_condition(nodes[1:-1]),
                         problem.initial_velocity(nodes[1:-1])])

    def nonlinear(v: NDArray[Any], t: float) -> NDArray[Any]:
        return np.zeros_like(v)

    res = _march(L, nonlinear, v0, times, 0.0, dt, 32, max_steps)
    full = np.zeros((times.size, N))
    full[:, 1:-1] = np.real(res.value[:, :m])
    u = barycentric_eval(nodes, chebyshev_weights(N), full.T, x).T
    return _finish(res, np.asarray(u, dtype=np.float64), inverse,
                   "etdrk4-chebyshev wave (exact propagator)", {"N": N}, start,
                   spectrum=chebyshev_coefficients(full.T).T)


# ------------------------------------------------------------------ dispatch


def solve_mol(
    problem: Any,
    *,
    N: int | None = None,
    dt: float | None = None,
    t_out: ArrayLike | None = None,
    x_out: ArrayLike | None = None,
    contour_points: int = 32,
    max_steps: int = ETDRK4_MAX_STEPS,
) -> Result:
    r"""Solve a benchmark evolution problem by the method of lines with ETDRK4.

    ``problem`` is a name (``"burgers"``, ``"reaction"``, ``"convection"``,
    ``"wave"``) or a problem object from :mod:`numlearn.problems.pdes`; its
    coefficients are used.  Defaults (``N``, ``dt``): Burgers 2048, 1e-4
    (:func:`solve_burgers_mol`); reaction -, 1e-3 (:func:`solve_reaction_mol`);
    convection 64, 1e-2 (Fourier, ``L = -i beta k``, ``N = 0``: exact in time);
    wave 32, 0.05 (:func:`solve_wave_mol`).  ``t_out``, ``x_out`` default to the
    problem's evaluation grid.  ``max_steps`` as in :func:`solve_burgers_mol`.

    Raises
    ------
    KeyError
        Unknown problem name.
    ValueError
        A ``dt`` implying more than ``max_steps`` time steps, or a problem without
        a method-of-lines solver here (``poisson2d_c`` is not an evolution problem).
    """
    from numlearn.problems.pdes import EvolutionProblem, get_pde

    try:
        p = get_pde(problem) if isinstance(problem, str) else problem
    except KeyError as exc:
        from numlearn.classical.spectral.spacetime.discretisation import UnknownProblemError

        raise UnknownProblemError(f"`problem`: {exc.args[0]}") from None
    if not isinstance(p, EvolutionProblem):
        raise ValueError(
            f"`problem`: solve_mol integrates evolution problems in (t, x); "
            f"{getattr(p, 'name', p)!r} "
            "is not one (for poisson2d_c use a steady solver)."
        )
    name = p.name
    if name == "reaction" and N is not None:
        raise ValueError("the reaction problem has no spatial grid; leave `N` unset.")
    if name == "burgers":
        return solve_burgers_mol(p.params["nu"], 2048 if N is None else N,
                                 1e-4 if dt is None else dt, t_out, x_out,
                                 contour_points=contour_points, max_steps=max_steps)
    if name == "reaction":
        return solve_reaction_mol(t_out, x_out, rho=p.params["rho"],
                                  dt=1e-3 if dt is None else dt,
                                  contour_points=contour_points, max_steps=max_steps)
    if name == "convection":
        return _solve_convection_mol(p.params["beta"], 64 if N is None else N,
                                     1e-2 if dt is None else dt, t_out, x_out,
                                     contour_points, max_steps)
    if name == "wave":
        return solve_wave_mol(32 if N is None else N, 0.05 if dt is None else dt,
                              t_out, x_out, c=p.params["c"], beta=p.params["beta"],
                              max_steps=max_steps)
    raise ValueError(
        f"no method-of-lines solver for problem {name!r}; supported: burgers, "
        "reaction, convection, wave."
    )
