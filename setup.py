"""The package list (everything else is in pyproject.toml).

numlearn's own packages are found; the data package ``numlearn._reference_data`` is
the repository's top-level ``reference/`` folder, mapped in pyproject.toml's
``[tool.setuptools.package-dir]``.  pyproject.toml alone cannot add a mapped package to
a ``find`` result, so the list is made here.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["numlearn", "numlearn.*"]), "numlearn._reference_data"])
