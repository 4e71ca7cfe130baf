"""Examples that cannot go stale: the README's and docs/reports.md's example output is compared
with what the commands print now, paths aside. When the demo's data or the rules change, the
failure shows the live output to paste into the document."""

from __future__ import annotations

import difflib
import re
import shlex
from pathlib import Path

import docx

from .conftest import ROOT

README = ROOT / "README.md"
REPORTS_DOC = ROOT / "docs" / "reports.md"


def block_after(path: Path, marker: str) -> list[str]:
    """The lines of the first ``` block after ``marker`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert marker in text, f"{path.name}: '{marker}' not found"
    found = re.search(r"```[a-z]*\n(.*?)```", text.split(marker, 1)[1], re.DOTALL)
    assert found, f"{path.name}: no ``` block after '{marker}'"
    return found.group(1).rstrip("\n").split("\n")


def same(document: Path, shown: list[str], live: list[str]) -> None:
    shown = [line.rstrip() for line in shown]
    live = [line.rstrip() for line in live]
    if shown != live:
        diff = "\n".join(difflib.unified_diff(shown, live, f"{document.name} (as written)",
                                              "live output", lineterm=""))
        raise AssertionError(f"{document.name} no longer shows what the command prints; update it "
                             f"from the live output:\n{diff}")


def test_the_demo_prints_what_the_readme_shows(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the README runs it from the clone: paths relative to it
    result = cli("demo")
    assert result.code == 0, result.err
    same(README, block_after(README, "It prints:"), result.out.rstrip("\n").split("\n"))


def test_the_readme_status_example_starts_as_the_command_does(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("demo").code == 0
    text = README.read_text(encoding="utf-8")
    command = re.search(r"`(tonghop status [^`]+)`\s*\nstarts:", text)
    assert command, "README: no `tonghop status ...` line before 'starts:'"
    args = shlex.split(command.group(1))[1:]
    result = cli(*args)
    assert result.code == 0, result.err
    shown = block_after(README, command.group(0))
    same(README, shown, result.out.split("\n")[:len(shown)])


def test_the_report_example_in_docs_reports_is_what_report_prints(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("demo").code == 0
    shown = block_after(REPORTS_DOC, "tonghop report --config config.toml --campaign NTVT --pdf\n```")
    result = cli("report", "--config", "tonghop-demo/config.toml", "--now", "2023-06-20T10:00",
                 "--campaign", "NTVT")
    assert result.code == 0, result.err
    out = tmp_path / "tonghop-demo" / "out"
    live = [line.replace(str(out), "/srv/tonghop/out") for line in result.out.rstrip("\n").split("\n")]
    # the demo already wrote these drafts: "unchanged" where the doc shows a first run's "wrote"
    live = [re.sub(r"^unchanged", "wrote    ", line) for line in live]
    live[-1] = re.sub(r"(\d+) written, (\d+) unchanged", lambda m: f"{m[2]} written, 0 unchanged", live[-1])
    same(REPORTS_DOC, shown, live)


def test_the_figures_sentence_in_docs_reports_is_in_the_demos_report(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("demo").code == 0
    text = REPORTS_DOC.read_text(encoding="utf-8")
    sentence = re.search(r'e\.g\. "(Tổng số thu 6 tháng: [^"]+)"', text)
    assert sentence, "docs/reports.md: the example figures sentence moved"
    (report,) = (tmp_path / "tonghop-demo" / "out").glob("*_NSNN_bao-cao.docx")
    body = "\n".join(p.text for p in docx.Document(report).paragraphs)
    written = re.search(r"Tổng số thu 6 tháng: [^\n]*?\.(?=\s|$)", body)
    assert written, "the NSNN report has no 'Tổng số thu 6 tháng' sentence"
    same(REPORTS_DOC, [" ".join(sentence.group(1).split())], [written.group(0)])  # the doc wraps lines
