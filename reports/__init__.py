"""Consolidated report drafts (.docx, Decree 30/2020 layout) from the evaluated state.

``write_drafts(config, backend, state, now)`` is the entry point for `report`, `sync` (with
``reports.on_sync``) and the demo. See docs/reports.md.
"""

from .context import DraftKind
from .drafts import write_drafts
from .pdf import PdfError
from .publish import Draft
from .render import TemplateError

__all__ = ["Draft", "DraftKind", "PdfError", "TemplateError", "write_drafts"]
