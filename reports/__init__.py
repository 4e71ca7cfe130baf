"""Consolidated report drafts (.docx, Decree 30/2020 layout) from the evaluated state.

``write_drafts(config, backend, state, now)`` is the entry point for `report`, `sync` (with
``reports.on_sync``) and the demo. See docs/reports.md.
"""

from reports.context import DraftKind
from reports.drafts import write_drafts
from reports.pdf import PdfError
from reports.publish import Draft
from reports.render import TemplateError

__all__ = ["Draft", "DraftKind", "PdfError", "TemplateError", "write_drafts"]
