"""Bad-input and fault matrix of numlearn's public API (issue 13).

For every public function and class (``__all__`` of numlearn and of each subpackage)
this script calls it once with valid arguments (``baseline``) and then once per bad
input, changing one argument at a time: non-finite, empty, shape, dtype, duplicates,
out of domain, impossible parameters, ill-conditioning, huge sizes; plus tampered
reference files, wrong checkpoints and bad command lines.  Each outcome is classed

* CLEAR: a `ValueError`/`TypeError` (or a numlearn file/checkpoint error) whose
  message names the argument (or the file);
* HANDLED: a valid answer, or a warning / a non-success ``status`` saying what is wrong;
* CRASH: a hang (per-case alarm), a segfault, a raw `SystemError`/`RecursionError`;
* SILENT: no exception and no warning, but NaN/inf in the answer, or an input that
  should have been refused accepted;
* UNCLEAR: any other exception (raw numpy/Numba/torch/mpmath errors, `MemoryError`,
  `KeyError`, ...), or a message that names no argument.

Huge sizes run under a soft ``RLIMIT_AS`` of the current size + 2 GiB.

Usage::

    python bench/fault_matrix.py [--module classical ...] [--json out.json] [--timeout 20]
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np

MODULES = ("core", "classical", "precision", "problems", "learned", "reference",
           "compare", "testing", "cli")
CLASSES = ("CLEAR", "HANDLED", "CRASH", "SILENT", "UNCLEAR")
SIZE_NAMES = {"n", "max_n", "min_n", "batch", "steps", "N", "samples_per_gap", "max_iter",
              "iter_lim", "grid_size", "repeat", "dps", "digits", "check_dps", "max_dps",
              "recompute", "order", "min_degree", "max_degree", "max_random", "max_special",
              "max_ulp", "ulp", "max_refine", "width", "n_layers", "seq_len", "inner", "d",
              "n_heads", "head_dim", "batch_size", "polish_iters", "eval_batch"}
FILE_ERRORS = ("ReferenceIntegrityError", "ReferenceBuildError", "OracleDisagreementError",
               "CheckpointError", "SingularBVPError")
EXPECT_REFUSE, EXPECT_WARN, EXPECT_ANY = "refuse", "warn", "any"


@dataclasses.dataclass
class Case:
    module: str
    func: str
    category: str
    label: str
    call: Any  # () -> output
    expect: str = EXPECT_REFUSE
    names: tuple[str, ...] = ()  # words a clear message may name
    fork: bool = False


@dataclasses.dataclass
class Outcome:
    module: str
    func: str
    category: str
    label: str
    cls: str
    detail: str
    seconds: float


class _Timeout(BaseException):
    pass


def _alarm(signum: int, frame: Any) -> None:
    # Fire again in 2 s in case this one lands in a callback that swallows it (the
    # garbage collector's, llvmlite's); execute() clears the alarm when the case ends.
    signal.alarm(2)
    raise _Timeout()


# ----------------------------------------------------------------- classification


def _nonfinite(o: Any, depth: int = 0) -> bool:
    """Whether an output holds NaN/inf anywhere (arrays, tensors, Results, tuples)."""
    if depth > 3 or o is None or isinstance(o, (str, bytes, bool)):
        return False
    if isinstance(o, (float, complex, np.floating, np.complexfloating)):
        return not np.isfinite(o)
    if isinstance(o, np.ndarray):
        return o.dtype.kind in "fc" and o.size > 0 and not np.isfinite(o).all()
    if type(o).__module__.startswith("torch") and hasattr(o, "isfinite"):
        return bool(o.is_floating_point() and not o.isfinite().all())
    if isinstance(o, dict):
        return any(_nonfinite(v, depth + 1) for v in o.values())
    if isinstance(o, (list, tuple)):
        return any(_nonfinite(v, depth + 1) for v in o[:50])
    if hasattr(o, "status") and hasattr(o, "value"):
        return _nonfinite(o.value, depth + 1)
    if dataclasses.is_dataclass(o):
        return any(_nonfinite(getattr(o, f.name), depth + 1) for f in dataclasses.fields(o))
    return False


def _not_success(o: Any) -> bool:
    st = getattr(o, "status", None)
    return st is not None and getattr(st, "code", "success") != "success"


def classify(case: Case, run: dict[str, Any]) -> tuple[str, str]:
    """(class, detail) of one run: ``run`` has exc (type name, message, origin), warned,
    out (an output summary), timeout, signal."""
    if run.get("timeout"):
        return "CRASH", "timeout (hang)"
    if run.get("signal"):
        return "CRASH", f"killed by signal {run['signal']}"
    exc = run.get("exc")
    if exc is not None:
        name, msg, bases = exc
        short = f"{name}: {msg[:160]}"
        if name == "AssertionError" and case.func.startswith("assert_") and msg:
            return "HANDLED", "assertion failed (its job): " + msg[:120]
        if name in ("SystemError", "RecursionError"):
            return "CRASH", short
        # A missing file or directory is clear when the message names the argument.
        clearish = ("ValueError" in bases or "TypeError" in bases or name in FILE_ERRORS
                    or name in ("FileNotFoundError", "NotADirectoryError"))
        ticked = set(re.findall(r"`([^`]+)`", msg))
        named = any(w in ticked or re.search(rf"(?<![\w.]){re.escape(w)}(?!\w)", msg)
                    for w in case.names if w)
        if clearish and (named or (name in FILE_ERRORS and ticked)):
            return "CLEAR", short
        if run.get("cli_exit") == 2 and named:
            return "CLEAR", short
        return "UNCLEAR", short
    if run.get("warned"):
        return "HANDLED", "warned: " + run["warned"][:140]
    if run.get("not_success"):
        return "HANDLED", "status " + run["not_success"]
    if run.get("nonfinite"):
        return "SILENT", "non-finite output, no warning"
    if case.expect in (EXPECT_REFUSE, EXPECT_WARN):
        what = "accepted without a word" if case.expect == EXPECT_REFUSE else "no warning"
        return "SILENT", f"{what} ({run.get('summary', '')})"
    return "HANDLED", "ok"


def execute(case: Case, timeout: int) -> dict[str, Any]:
    """Run one case in this process under an alarm; returns the run record."""
    rec: dict[str, Any] = {}
    # State a case may leave behind (an interrupted torch.no_grad(), np.seterr).
    torch = sys.modules.get("torch")
    grad = torch.is_grad_enabled() if torch is not None else None
    err = np.geterr()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = case.call()
            if hasattr(out, "__next__"):
                out = list(out)
        ws = [x for x in w if not issubclass(x.category, (DeprecationWarning,
                                                          PendingDeprecationWarning))
              and "NonInteractiveExampleWarning" not in x.category.__name__]
        if ws:
            rec["warned"] = f"{ws[0].category.__name__}: {ws[0].message}"
        rec["nonfinite"] = _nonfinite(out)
        if _not_success(out):
            rec["not_success"] = out.status.code
        rec["summary"] = _summary(out)
        if isinstance(out, dict) and "cli_exit" in out:
            rec.update(out)
    except _Timeout:
        rec["timeout"] = True
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        if isinstance(exc, _CliExit):
            rec["cli_exit"] = exc.code
            exc = exc.error
        bases = [c.__name__ for c in type(exc).__mro__]
        msg = str(exc) if not isinstance(exc, SystemExit) else f"SystemExit({exc.code})"
        rec["exc"] = (type(exc).__name__, msg.replace("\n", " "), bases)
        rec["where"] = traceback.extract_tb(exc.__traceback__)[-1].filename[-60:] \
            if exc.__traceback__ else ""
    finally:
        signal.alarm(0)
        np.seterr(**err)
        if torch is not None and grad is not None:
            torch.set_grad_enabled(grad)
    return rec


def execute_capped(case: Case, timeout: int) -> dict[str, Any]:
    """Run one case with the address space capped at its current size + 2 GiB.

    The soft ``RLIMIT_AS`` is lowered for the case and restored after it (a forked
    child would deadlock on locks held by the BLAS / torch threads of the parent).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    vm = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    cap = vm + 2 * 2**30
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        return execute(case, timeout)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _summary(out: Any) -> str:
    if isinstance(out, np.ndarray):
        return f"array{out.shape} {out.dtype}"
    s = repr(out)
    return s[:60]


# ----------------------------------------------------------------- mutations


NAN, INF = float("nan"), float("inf")


def array_mutations(name: str, base: Any, kind: str, paired: bool = True
                    ) -> list[tuple[str, str, Any, str]]:
    """(category, label, value, expect) for an array argument."""
    a = np.array(base, dtype=np.float64, copy=True)
    muts: list[tuple[str, str, Any, str]] = []
    nan, inf = a.copy(), a.copy()
    nan.flat[0] = NAN
    inf.flat[-1] = INF
    # Evaluation points: an empty or n-d x may give an empty or n-d answer.
    pts = EXPECT_ANY if kind == "x" else EXPECT_REFUSE
    muts += [("non-finite", "nan entry", nan, EXPECT_REFUSE),
             ("non-finite", "inf entry", inf, EXPECT_REFUSE),
             ("empty", "empty array", np.array([]), pts),
             ("shape", "ndim+2", a[None, None], pts),
             ("dtype", "strings", a.astype(str), EXPECT_REFUSE),
             ("dtype", "object array", a.astype(object), EXPECT_ANY),
             ("dtype", "None", None, EXPECT_REFUSE),
             ("dtype", "a string", "abc", EXPECT_REFUSE)]
    if kind == "nodes" and a.ndim == 1 and a.size > 2:
        dup = a.copy()
        dup[1] = dup[0]
        muts.append(("duplicates", "repeated node", dup, EXPECT_REFUSE))
    if a.ndim >= 1 and a.shape[0] > 2 and kind != "x" and paired:
        muts.append(("shape", "one entry short", a[:-1], EXPECT_REFUSE))
    return muts


_MISSING_COUNT = iter(range(10**9))


def _missing() -> Path:
    """A fresh path in a directory that does not exist (a case may create it)."""
    root = Path(tempfile.gettempdir()) / f"numlearn-matrix-missing-{os.getpid()}"
    return root / str(next(_MISSING_COUNT)) / "f"


def scalar_mutations(name: str, kind: str, default: Any) -> list[tuple[str, str, Any, str]]:
    muts: list[tuple[str, str, Any, str]] = []
    none_ok = default is None
    if kind in ("int", "size"):
        muts += [("non-finite", "nan", NAN, EXPECT_REFUSE), ("non-finite", "inf", INF,
                                                            EXPECT_REFUSE),
                 ("dtype", "True", True, EXPECT_REFUSE), ("dtype", "'8'", "8", EXPECT_REFUSE),
                 ("dtype", "2.5", 2.5, EXPECT_REFUSE), ("dtype", "1j", 1j, EXPECT_REFUSE),
                 ("impossible", "-1", -1, EXPECT_REFUSE)]
        if not none_ok:
            muts.append(("dtype", "None", None, EXPECT_REFUSE))
        if kind == "size":
            muts += [("huge", "2**40", 2**40, EXPECT_REFUSE), ("huge", "2**63", 2**63,
                                                               EXPECT_REFUSE)]
    elif kind == "real":
        muts += [("non-finite", "nan", NAN, EXPECT_REFUSE), ("non-finite", "inf", INF,
                                                            EXPECT_ANY),
                 ("dtype", "True", True, EXPECT_REFUSE),
                 ("dtype", "'1e-10'", "1e-10", EXPECT_REFUSE),
                 ("dtype", "1j", 1j, EXPECT_REFUSE), ("impossible", "-1.0", -1.0, EXPECT_ANY)]
        if not none_ok:
            muts.append(("dtype", "None", None, EXPECT_REFUSE))
    elif kind == "positive":
        muts += [("non-finite", "nan", NAN, EXPECT_REFUSE), ("non-finite", "inf", INF,
                                                            EXPECT_ANY),
                 ("dtype", "True", True, EXPECT_REFUSE),
                 ("dtype", "'1e-10'", "1e-10", EXPECT_REFUSE),
                 ("impossible", "-1.0", -1.0, EXPECT_REFUSE),
                 ("impossible", "0.0", 0.0, EXPECT_ANY)]
    elif kind == "flag":
        muts += [("dtype", "'no'", "no", EXPECT_REFUSE), ("dtype", "1", 1, EXPECT_REFUSE),
                 ("dtype", "None", None, EXPECT_REFUSE)]
    elif kind == "domain":
        big = 1e300
        muts += [("out-of-domain", "reversed", (1.0, -1.0), EXPECT_REFUSE),
                 ("out-of-domain", "zero width", (1.0, 1.0), EXPECT_REFUSE),
                 ("out-of-domain", "one ulp wide", (big, np.nextafter(big, INF)),
                  EXPECT_REFUSE),
                 ("non-finite", "nan end", (NAN, 1.0), EXPECT_REFUSE),
                 ("non-finite", "inf end", (0.0, INF), EXPECT_REFUSE),
                 ("dtype", "string end", ("a", 1.0), EXPECT_REFUSE),
                 ("dtype", "True", True, EXPECT_REFUSE),
                 ("shape", "three ends", (0.0, 1.0, 2.0), EXPECT_REFUSE)]
    elif kind == "choice":
        muts += [("dtype", "unknown name", "bogus", EXPECT_REFUSE),
                 ("dtype", "an int", 1, EXPECT_REFUSE)]
    elif kind == "hook":  # a callable called for its effect (progress, report)
        if not none_ok:
            muts.append(("dtype", "None", None, EXPECT_REFUSE))
        muts.append(("dtype", "an int", 1, EXPECT_REFUSE))
    elif kind == "text":  # free text (a label, a description)
        muts.append(("dtype", "an int", 1, EXPECT_REFUSE))
    elif kind == "callable":
        if not none_ok:
            muts.append(("dtype", "None", None, EXPECT_REFUSE))
        muts += [("dtype", "an int", 1, EXPECT_REFUSE),
                 ("non-finite", "returns NaN", lambda *a, **k: np.full(np.shape(a[0]) if a
                                                                       else (), NAN),
                  EXPECT_REFUSE)]
    elif kind == "path":
        muts += [("dtype", "an int", 1, EXPECT_REFUSE),
                 ("out-of-domain", "missing directory", str(_missing()),
                  EXPECT_REFUSE)]
    elif kind == "obj":
        muts += [("dtype", "None", None, EXPECT_REFUSE), ("dtype", "a string", "abc",
                                                         EXPECT_REFUSE)]
    return muts


def infer_kind(p: inspect.Parameter) -> str:
    ann = str(p.annotation)
    if p.name in SIZE_NAMES:
        return "size"
    if "Callable" in ann:
        return "hook" if p.name in ("progress", "report", "callback", "extra") else "callable"
    if "ArrayLike" in ann or "NDArray" in ann or "Tensor" in ann:
        return "array"
    if "tuple[float, float]" in ann or ann in ("Domain",) or p.name == "domain":
        return "domain"
    if ann.startswith("bool"):
        return "flag"
    if ann.startswith("int"):
        return "int"
    if ann.startswith("float"):
        return "real"
    if "Callable" in ann:
        return "hook" if p.name in ("progress", "report", "callback", "extra") else "callable"
    if "Path" in ann or "PathLike" in ann:
        return "path"
    if ann.startswith("str"):
        return "choice"
    return "skip"


def generic_cases(module: str, qual: str, fn: Any, spec: dict[str, Any]) -> list[Case]:
    """Baseline + one mutation per argument of ``fn`` as described by ``spec``."""
    base = spec.get("base", {})
    kinds = spec.get("kinds", {})
    wrap = spec.get("wrap", lambda out: out)
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    names = tuple(p for p in params) + tuple(spec.get("names", ()))

    def make(kw: dict[str, Any]) -> Any:
        return lambda: wrap(fn(**{k: (v() if isinstance(v, _Lazy) else v)
                                  for k, v in kw.items()}))

    cases = [Case(module, qual, "baseline", "valid call", make(dict(base)), EXPECT_ANY, names)]
    for pname, p in params.items():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or pname in spec.get("skip", ()):
            continue
        kind = kinds.get(pname) or infer_kind(p)
        default = None if p.default is p.empty else p.default
        if kind in ("array", "nodes", "x"):
            if pname not in base:
                continue
            b = base[pname]() if isinstance(base[pname], _Lazy) else base[pname]
            if type(b).__module__.startswith("torch") or isinstance(b, (str, bytes)):
                continue  # tensors get their own cases
            try:
                np.asarray(b, dtype=np.float64)
            except (TypeError, ValueError):
                continue
            n_arrays = sum((kinds.get(q) or infer_kind(params[q])) in ("array", "nodes", "x")
                           for q in base if q in params)
            muts = array_mutations(pname, b, kind, paired=n_arrays >= 2)
        else:
            muts = scalar_mutations(pname, kind, base.get(pname, default))
        for cat, label, value, expect in muts:
            if cat == "non-finite" and pname in spec.get("nonfinite_ok", ()):
                expect = EXPECT_ANY  # documented: NaN/inf mean something here
            if cat == "huge" and pname in spec.get("huge_ok", ()):
                expect = EXPECT_ANY  # e.g. a derivative order past the degree: zeros
            if cat == "shape" and pname in spec.get("broadcast_ok", ()):
                expect = EXPECT_ANY  # documented: broadcast
            if label == "one entry short" and pname in spec.get("any_length", ()):
                expect = EXPECT_ANY  # every length is valid: nothing to detect
            if label == "None" and p.default is None:
                expect = EXPECT_ANY  # None is the documented default
            kw = dict(base)
            kw[pname] = value
            cases.append(Case(module, qual, cat, f"{pname}={label}", make(kw), expect,
                              (pname, *names), fork=cat == "huge"))
    for cat, label, call, expect in spec.get("extra", ()):
        cases.append(Case(module, qual, cat, label, call, expect, names,
                          fork=cat == "huge"))
    return cases


class _Lazy:
    """A base argument built at call time (a fresh model, a fresh array)."""

    def __init__(self, f: Any) -> None:
        self.f = f

    def __call__(self) -> Any:
        return self.f()


class _CliExit(Exception):
    def __init__(self, code: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.code, self.error = code, error


# ----------------------------------------------------------------- runner


def run_cases(cases: list[Case], timeout: int, verbose: bool) -> list[Outcome]:
    # Baselines first, with a generous alarm: they compile the Numba kernels (or load
    # them from the cache), which must not count as a hang of the first bad input.
    cases = sorted(cases, key=lambda c: c.category != "baseline")
    outcomes = []
    for c in cases:
        t0 = time.perf_counter()
        limit = max(timeout, 300) if c.category == "baseline" else timeout
        rec = execute_capped(c, limit) if c.fork else execute(c, limit)
        cls, detail = classify(c, rec)
        if c.category == "baseline" and cls not in ("HANDLED", "CLEAR"):
            cls, detail = ("SPEC" if cls != "SILENT" else cls), detail
        o = Outcome(c.module, c.func, c.category, c.label, cls, detail,
                    round(time.perf_counter() - t0, 3))
        outcomes.append(o)
        if verbose:
            print(f"{o.cls:<8} {o.module}.{o.func} [{o.category}] {o.label}: {o.detail[:100]}",
                  flush=True)
    return outcomes


def report(outcomes: list[Outcome], skipped: list[str]) -> str:
    main = [o for o in outcomes if o.category != "baseline"]
    lines = [f"{len(main)} cases ({len(outcomes) - len(main)} baselines, "
             f"{sum(o.cls == 'SPEC' for o in outcomes)} broken baselines)"]
    tot = Counter(o.cls for o in main)
    lines.append("total: " + ", ".join(f"{k} {tot.get(k, 0)}" for k in CLASSES))
    for key, label in ((lambda o: o.category, "category"), (lambda o: o.module, "module")):
        groups = sorted({key(o) for o in main})
        lines.append(f"\n{label:<16}" + "".join(f"{k:>9}" for k in CLASSES))
        for g in groups:
            c = Counter(o.cls for o in main if key(o) == g)
            lines.append(f"{g:<16}" + "".join(f"{c.get(k, 0):>9}" for k in CLASSES))
    if skipped:
        lines.append("\nskipped: " + ", ".join(skipped))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--module", nargs="*", choices=MODULES, help="run these modules only")
    ap.add_argument("--json", help="write every case that is not CLEAR/HANDLED here")
    ap.add_argument("--timeout", type=int, default=20, help="seconds per case (-> CRASH)")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from fault_matrix_specs import build_cases

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="numlearn-matrix-") as tmp:
        cases, skipped = build_cases(args.module or MODULES, Path(tmp))
        outcomes = run_cases(cases, args.timeout, args.verbose)
    shutil.rmtree(_missing().parent.parent, ignore_errors=True)
    import numlearn

    head = (f"numlearn fault matrix ({numlearn.__file__}); {time.strftime('%Y-%m-%d %H:%M')}; "
            f"{time.perf_counter() - t0:.0f} s")
    print(head)
    print(report(outcomes, skipped))
    if args.json:
        bad = [dataclasses.asdict(o) for o in outcomes if o.cls not in ("CLEAR", "HANDLED")]
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(
            {"header": head, "counts": dict(Counter(o.cls for o in outcomes
                                                   if o.category != "baseline")),
             "skipped": skipped, "cases": bad}, indent=1))
    return 0


if __name__ == "__main__":
    # Run as the module ``fault_matrix`` (the table imports its classes from there).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import fault_matrix

    sys.exit(fault_matrix.main())
