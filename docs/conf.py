"""Sphinx configuration for numlearn.

Build (warnings are errors): ``make docs``, i.e.
``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
No network is used: intersphinx is off; cross-references to NumPy/SciPy names stay
plain text.
"""

import os

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
