"""What ships inside the package and is read at run time: the bundled templates.

Read through ``importlib.resources``, so a wheel, ``pip install .`` and an editable install find
them the same way, from any working folder. ``templates/`` stays a top-level folder staff can
find and copy; it is the ``templates`` package (see pyproject.toml).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from importlib.resources.abc import Traversable

PACKAGE = "templates"


def template(name: str) -> Traversable:
    """A bundled template by file name (``bao-cao.docx``, ``reminder_body.txt.j2``); it may not
    exist: ask ``.is_file()``."""
    return files(PACKAGE) / name


def where() -> str:
    """Where the bundled templates are, for messages ("copy it from ...")."""
    return str(files(PACKAGE))


def tonghop_version() -> str:
    try:
        return version("tonghop")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"
