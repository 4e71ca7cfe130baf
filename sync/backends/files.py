"""Writing files so that a crash mid-write leaves the previous version intact."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, write: Callable[[BinaryIO], object], mode: int | None = None,
                     before_replace: Callable[[], None] | None = None) -> None:
    """Call ``write`` on a temporary file beside ``path``, fsync it, then rename it into place.

    ``mode``: the file's permissions; default, those of the file it replaces, else 0666 less the
    umask (mkstemp alone would leave 0600 and hide the file from colleagues). ``before_replace``
    may raise to abandon the new file (e.g. someone else saved ``path`` meanwhile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _mode_of(path) if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_of(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
