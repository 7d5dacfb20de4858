"""Sphinx configuration for numlearn.

Build (warnings are errors): ``make docs``, i.e.
``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
No network is used, and none is needed to read the result: intersphinx is off
(cross-references to NumPy/SciPy names stay plain text), MathJax is bundled
(sphinx-mathjax-offline copies it into _static/mathjax), and the gallery writes no
execution-times page (it would load scripts from CDNs).
"""

import importlib
import inspect
import os
import re
from pathlib import Path

import numlearn

# Headless plotting for the gallery, whatever the user's matplotlibrc says.
os.environ.setdefault("MPLBACKEND", "Agg")

project = "numlearn"
author = "numlearn developers"
copyright = "numlearn developers"
version = release = numlearn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.extlinks",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax 3 copied into _static/mathjax: math renders offline
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "sg_execution_times.rst"]
default_role = "autolink"  # `name` in docstrings links if it can, else stays code

# -- API pages -----------------------------------------------------------------
autosummary_generate = True  # pages go to docs/api/generated (gitignored)
autosummary_ignore_module_all = False  # document exactly what each module's __all__ lists
add_module_names = False  # signatures say clenshaw(x, ...), the page title says where it lives
autodoc_typehints = "none"  # the numpydoc Parameters section carries the types

numpydoc_show_class_members = False  # the class template lists members (autodoc)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# numpydoc renames the citations of a References section per page; the docstrings
# (SciPy-style) list references without always citing them in the text, which
# Sphinx would report as "Citation ... is not referenced".
suppress_warnings = ["ref.citation"]

# :doi:`10.1137/...` as in SciPy's docstrings.
extlinks = {"doi": ("https://doi.org/%s", "doi:%s")}



# Each public object gets one page, under the first namespace of docs/api/index.rst
# whose __all__ exports it (the packages are listed before the modules), so that the
# page is titled by the import path users write (numlearn.classical.clenshaw, not
# numlearn.classical.chebyshev.clenshaw).  The namespace template reads `api_members`.
def _api_namespaces() -> list[str]:
    text = (Path(__file__).parent / "api" / "index.rst").read_text()
    return re.findall(r"^   (numlearn[\w.]*)\s*$", text, flags=re.MULTILINE)


def _kind(obj: object) -> str:
    if inspect.isclass(obj):
        return "exceptions" if issubclass(obj, BaseException) else "classes"
    if inspect.isfunction(obj) or inspect.isbuiltin(obj) or callable(obj):
        return "functions"
    return "data"


def _api_members() -> tuple[dict[str, dict], dict[str, str]]:
    home: dict[object, str] = {}  # id(object), or (namespace, name) for data -> public path
    members: dict[str, dict] = {}
    aliases: dict[str, str] = {}  # any other dotted path of an object -> its public path
    for ns in _api_namespaces():
        mod = importlib.import_module(ns)
        entry: dict[str, list] = {
            "classes": [], "functions": [], "exceptions": [], "data": [], "elsewhere": []
        }
        for name in getattr(mod, "__all__", []):
            if name.startswith("__"):
                continue
            obj = getattr(mod, name)
            if inspect.ismodule(obj):  # a subpackage listed in __all__ has its own page
                continue
            kind = _kind(obj)
            # equal ints are not one constant: data are keyed by where they are defined
            key: object = id(obj) if kind != "data" else (ns, name)
            if key in home:
                entry["elsewhere"].append((name, home[key]))
                aliases[f"{ns}.{name}"] = home[key]
                continue
            home[key] = f"{ns}.{name}"
            entry[kind].append(name)
            defined = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"
            if kind != "data" and defined != home[key]:
                aliases[defined] = home[key]
        members[ns] = entry
    return members, aliases


api_members, _API_ALIASES = _api_members()
autosummary_context = {"api_members": api_members}


def _resolve_alias(app, env, node, contnode):
    """Resolve a cross-reference written with a defining-module path
    (:func:`numlearn.classical.chebyshev.clenshaw`) to the public page."""
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("numlearn."):
        return None
    parts = target.split(".")
    for cut in range(len(parts), 1, -1):  # longest known prefix: methods, attributes
        public = _API_ALIASES.get(".".join(parts[:cut]))
        if public is not None:
            new_target = ".".join([public, *parts[cut:]])
            return env.get_domain("py").resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], new_target, node, contnode
            )
    return None


def setup(app):
    app.connect("missing-reference", _resolve_alias)


# -- Gallery -------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "image_scrapers": ("matplotlib",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "reference_url": {},  # no intersphinx, no network
    # its execution-times page loads DataTables and jQuery from CDNs: the build log
    # prints the times instead, and every page reads offline
    "write_computation_times": False,
}

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"numlearn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path: list[str] = []
html_show_sourcelink = False
