"""The golden reference data, installed as ``numlearn._reference_data``.

This folder is the repository's ``reference/``; the build maps it into the package
(pyproject.toml, ``[tool.setuptools.package-dir]``), so that a wheel, an sdist install
and an editable install carry the data.  Nothing here is code: the files are read
through :func:`numlearn._core.store.reference_directory` (``importlib.resources``) and
checked against ``MANIFEST.sha256`` on every load.  See ``README.md`` beside this file.
"""
