"""PDF copies of the drafts through LibreOffice (``soffice --headless --convert-to pdf``).

LibreOffice is optional: without it, --pdf fails with one line saying how to install it and the
.docx drafts are still written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sync.errors import TonghopError

CANDIDATES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 180


class PdfError(TonghopError):
    """LibreOffice is missing or failed; the .docx drafts are there all the same."""


def find_soffice() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def to_pdf(documents: Sequence[Path]) -> list[Path]:
    """Convert each .docx to a .pdf beside it; one LibreOffice run for all of them."""
    if not documents:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(
            "--pdf needs LibreOffice, which is not installed (no 'soffice' on PATH): install it "
            "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui; Windows/macOS: "
            "libreoffice.org), or leave out --pdf; the .docx drafts were written")
    out_dir = documents[0].parent
    pdfs = [d.with_suffix(".pdf") for d in documents]
    for stale in pdfs:
        stale.unlink(missing_ok=True)
    # A private profile: a LibreOffice already open on the desktop would otherwise swallow the
    # request, and two conversions at once would fight over the same profile lock.
    with tempfile.TemporaryDirectory(prefix="tonghop-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir),
                   *[str(d) for d in documents]]
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"LibreOffice did not finish converting {len(documents)} drafts in "
                           f"{TIMEOUT_SECONDS} s; the .docx drafts were written") from None
    missing = [p.name for p in pdfs if not p.exists()]
    if done.returncode != 0 or missing:
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no message"]
        raise PdfError(f"LibreOffice could not convert {', '.join(missing) or 'the drafts'} "
                       f"(exit {done.returncode}: {detail[0][:200]}); the .docx drafts were written")
    return pdfs
