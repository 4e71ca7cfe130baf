"""Backends: where the spreadsheet lives. ``open_backend`` picks one from the config."""

from __future__ import annotations

from sync.backends.base import Backend, Book, Cell, CellColour, CellWrite, Tab, WriteBatch
from sync.backends.local import LocalWorkbookBackend
from sync.backends.unchanged import BookCache
from sync.config import Config

__all__ = [
    "Backend", "Book", "Cell", "CellColour", "CellWrite", "Tab", "WriteBatch",
    "LocalWorkbookBackend", "open_backend",
]


def open_backend(config: Config, session=None) -> Backend:
    """The backend the config names. ``session`` (a requests.Session) replaces Google's
    authorised session: tests pass the fake's."""
    if config.backend.kind == "google":
        from sync.backends.google import GoogleSheetsBackend

        return GoogleSheetsBackend.from_config(config, session=session)
    reads = BookCache(config.data_path / "local-reads") if config.backend.skip_unchanged else None
    return LocalWorkbookBackend(config.resolve(config.backend.workbook), config.base_dir, reads,
                                folders=[config.resolve(f) for f in config.backend.workbook_folders],
                                config_path=config.path)
