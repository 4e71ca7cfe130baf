"""Context + .docx template -> .docx draft, through docxtpl (python-docx plus jinja2 in Word).

Everything a unit typed reaches Word as plain text: jinja autoescapes ``&``, ``<``, ``>`` and
quotes, control characters XML cannot hold are removed, and an answer that looks like a formula
(``=HYPERLINK(...)``) stays text because nothing here creates fields. A newline in an answer
becomes a line break inside the same paragraph or cell; a tab stays a tab.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree
from markupsafe import Markup, escape

from sync.backends.files import write_atomically
from sync.errors import ConfigError
from sync.rules.text import safe_text


class TemplateError(ConfigError):
    """A template staff edited cannot be used; the message names the file and the problem."""


def plain(value: str) -> str | Markup:
    """Text fit for a Word paragraph: NFC, no XML-illegal characters, one kind of newline."""
    text = safe_text(value).replace("\r\n", "\n").replace("\r", "\n")
    if "{_" in text or "_}" in text:
        # docxtpl turns "{_{" into "{{" after rendering (its escape for literal tags); a
        # character reference keeps what the unit typed.
        return Markup(str(escape(text)).replace("{_", "{&#95;").replace("_}", "&#95;}"))
    return text


def sanitised(value):
    """Every string of a context, however deep, made :func:`plain`."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, Mapping):
        return {k: sanitised(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sanitised(v) for v in value]
    return value


_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl finds them
_BREAKS = re.compile("[\t\a\n\f]")
_TAG = re.compile(r"<[^>]*>")
_COLUMN_LOOP = re.compile(r"\{%-?\s*tc\s")


class _Template(DocxTemplate):
    """docxtpl with two passes over the rendered XML narrowed to where they matter; the
    output is the same (tests/test_reports.py compares it with stock docxtpl's)."""

    def fix_tables(self, xml: str):
        """docxtpl re-counts every cell of every table to repair the grid after column loops
        ({%tc %}); a template without one needs only the parse."""
        if _COLUMN_LOOP.search(_TAG.sub("", self.get_xml())):
            return super().fix_tables(xml)
        try:
            return etree.fromstring(xml, etree.XMLParser(huge_tree=True))
        except etree.XMLSyntaxError as err:  # stock docxtpl would drop content silently
            raise TemplateError(f"the rendered document is not valid XML ({err})") from None

    def resolve_listing(self, xml: str) -> str:
        """docxtpl rewrites every paragraph with regexes to turn \\n, \\t, \\a, \\f into Word
        breaks; only the few paragraphs that hold one need it. Same result, a third of the
        render time of a 5,000-row list saved."""
        rewrite = super().resolve_listing
        return _PARAGRAPH.sub(
            lambda m: rewrite(m.group(0)) if _BREAKS.search(m.group(0)) else m.group(0), xml)


def render(template: Path, context: Mapping, target: Path, chart_png: bytes | None = None) -> None:
    """Render ``template`` with ``context`` into ``target``, atomically."""
    try:
        doc = _Template(template)
        doc.init_docx()
    except FileNotFoundError:
        raise TemplateError(f"template {template} not found") from None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise TemplateError(f"template {template} is not a .docx file Word can open ({err})") from None
    values = sanitised(context)
    values["chart"] = InlineImage(doc, io.BytesIO(chart_png), width=Cm(15)) if chart_png else ""
    env = jinja2.Environment(autoescape=True)
    try:
        doc.render(values, env, autoescape=True)
    except jinja2.TemplateSyntaxError as err:
        near = " ".join(getattr(err, "docx_context", []) or [])
        raise TemplateError(f"template {template}: {err.message} (near: {near.strip()[:120]!r}); "
                            "fix the {{ }} / {% %} tags in Word") from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as err:
        # A tag staff edited that does not fit the data (e.g. a loop over a number).
        raise TemplateError(f"template {template}: {type(err).__name__}: {err}") from None
    save_atomically(doc, target)


def save_atomically(doc: DocxTemplate, target: Path) -> None:
    """A crash mid-save leaves the previous draft intact; staff never open half a file."""
    write_atomically(target, doc.save, mode=0o644)
