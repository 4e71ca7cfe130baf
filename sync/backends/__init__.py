"""Backends: where the spreadsheet lives. ``open_backend`` picks one from the config."""

from __future__ import annotations

from ..config import Config
from .base import Backend, Book, Cell, CellColour, CellWrite, Tab, WriteBatch
from .local import LocalWorkbookBackend

__all__ = [
    "Backend", "Book", "Cell", "CellColour", "CellWrite", "Tab", "WriteBatch",
    "LocalWorkbookBackend", "open_backend",
]


def open_backend(config: Config, session=None) -> Backend:
    """The backend the config names. ``session`` (a requests.Session) replaces Google's
    authorised session: tests pass the fake's."""
    if config.backend.kind == "google":
        from .google import GoogleSheetsBackend

        return GoogleSheetsBackend.from_config(config, session=session)
    return LocalWorkbookBackend(config.resolve(config.backend.workbook), config.base_dir)
