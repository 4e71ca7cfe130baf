"""Windows as offices run it, emulated where it can be: a console or a redirect in a code page
(PYTHONIOENCODING=cp1252, Task Scheduler writing to a file), a workbook Excel holds open (a
PermissionError when the save replaces it, or its lock file beside it), Windows paths in the
config, and no POSIX-only call in the program."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sync.backends import files
from sync.config import load_config
from sync.errors import ExitCode

from .conftest import DEMO_NOW, ROOT


def run_redirected(args: list[str], cwd: Path, encoding: str = "cp1252") -> subprocess.CompletedProcess:
    """The program with stdout and stderr going to files, as Task Scheduler or `> out.txt` does,
    in a code page that has no Vietnamese letters."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    out, err = cwd / "out.txt", cwd / "err.txt"
    with out.open("wb") as o, err.open("wb") as e:
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, env=env,
                              stdout=o, stderr=e, timeout=300)
    done.stdout, done.stderr = out.read_bytes(), err.read_bytes()
    return done


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_output_is_utf8_through_a_code_page_redirect(tmp_path, encoding):
    demo = run_redirected(["demo", "--dir", "ws"], tmp_path, encoding)
    assert demo.returncode == 0, demo.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in demo.stderr and b"UnicodeEncodeError" not in demo.stderr
    assert "Nhật ký đồng bộ" in demo.stdout.decode("utf-8")
    status = run_redirected(["status", "--config", "ws/config.toml", "--now", DEMO_NOW], tmp_path, encoding)
    assert status.returncode == 0 and "Ban Tổ chức Quận ủy" in status.stdout.decode("utf-8")
    report = run_redirected(["report", "--config", "ws/config.toml", "--now", DEMO_NOW,
                             "--campaign", "NSNN"], tmp_path, encoding)
    assert report.returncode == 0, report.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in report.stderr
    helped = run_redirected(["init", "--help"], tmp_path, encoding)
    assert helped.returncode == 0 and "Tên đơn vị" in helped.stdout.decode("utf-8")
    log = (tmp_path / "ws" / "data" / "logs" / "tonghop.log").read_bytes().decode("utf-8")
    assert "sync 2023-06-20T10:00:00+07:00" in log


def test_an_error_with_vietnamese_through_a_code_page_is_one_line(tmp_path):
    (tmp_path / "c.toml").write_text('[tabs]\nroster = "Đơn vị"\nstatus = "Đơn vị"\n', encoding="utf-8")
    done = run_redirected(["check", "--config", "c.toml"], tmp_path)
    assert done.returncode == ExitCode.CONFIG
    assert done.stderr.decode("utf-8").count("\n") == 1 and "'Đơn vị'" in done.stderr.decode("utf-8")


# --- a workbook open in Excel ----------------------------------------------------------------------

def test_a_workbook_excel_holds_is_not_written_and_nothing_is_lost(cli, demo_dir, monkeypatch):
    """On Windows Excel opens a workbook without FILE_SHARE_DELETE: replacing it fails with
    PermissionError (WinError 32). Emulated at os.replace, where the save meets it."""
    workbook = demo_dir / "tonghop.xlsx"
    before = workbook.read_bytes()

    def excel_holds_it(src, dst):
        if Path(dst) == workbook:
            raise PermissionError(13, "The process cannot access the file because it is being used "
                                  "by another process", str(dst))
        return real_replace(src, dst)

    real_replace = os.replace
    monkeypatch.setattr(files.os, "replace", excel_holds_it)
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    assert result.code == ExitCode.WORKBOOK_OPEN == 7
    line = result.err.strip().splitlines()[-1]
    assert line.startswith(f"tonghop: error: workbook {workbook} is open in another program")
    assert line.endswith("close it in Excel; the next sync writes (nothing was written, nothing is lost)")
    assert "Traceback" not in result.err and "free some space" not in result.err
    assert workbook.read_bytes() == before
    assert not list(demo_dir.glob(".tonghop.xlsx.*.tmp"))

    monkeypatch.setattr(files.os, "replace", real_replace)  # Excel closed
    again = cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    assert again.code == 0 and "cells written" in again.out
    assert workbook.read_bytes() != before


@pytest.mark.parametrize("lock", ["~$tonghop.xlsx", ".~lock.tonghop.xlsx#"])
def test_a_lock_file_beside_the_workbook_means_it_is_open(cli, demo_dir, lock):
    workbook = demo_dir / "tonghop.xlsx"
    before = workbook.read_bytes()
    (demo_dir / lock).write_bytes(b"\x0bNguyen Van A")
    result = cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW)
    assert result.code == ExitCode.WORKBOOK_OPEN
    assert (f"is open in Excel or LibreOffice (lock file {lock}): close it in Excel; the next sync "
            f"writes") in result.err
    assert f"if it is open nowhere, delete {demo_dir / lock}" in result.err
    assert workbook.read_bytes() == before
    checked = cli("check", "--config", demo_dir / "config.toml")
    assert f"note the workbook is open in Excel or LibreOffice (lock file {lock})" in checked.out
    (demo_dir / lock).unlink()
    assert cli("sync", "--config", demo_dir / "config.toml", "--now", DEMO_NOW).code == 0


def test_the_exit_code_of_an_open_workbook_is_documented():
    running = (ROOT / "docs" / "running.md").read_text(encoding="utf-8")
    assert re.search(r"\|\s*7\s*\|[^\n]*open in Excel", running)


# --- Windows paths in the config -------------------------------------------------------------------

def test_windows_paths_in_single_quotes_or_with_backslashes_work(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("data_dir = 'du lieu\\nhat ky'\n[backend]\nworkbook = 'so lieu\\tonghop.xlsx'\n",
                      encoding="utf-8")
    loaded = load_config(config)
    assert loaded.resolve(loaded.backend.workbook) == tmp_path / "so lieu" / "tonghop.xlsx"
    assert loaded.data_path == tmp_path / "du lieu" / "nhat ky"


@pytest.mark.parametrize("line, said", [
    ('workbook = "C:\\new\\table.xlsx"', "holds a control character: in double quotes a backslash"),
    ('workbook = "D:\\du lieu\\tonghop.xlsx"', "Unescaped '\\' in a string"),
])
def test_a_windows_path_in_double_quotes_says_how_to_write_it(cli, tmp_path, line, said):
    (tmp_path / "c.toml").write_text(f"[backend]\n{line}\n", encoding="utf-8")
    result = cli("check", "--config", tmp_path / "c.toml")
    assert result.code == ExitCode.CONFIG
    assert said in result.err
    assert "a Windows path goes in single quotes ('C:\\tonghop\\data') or with forward slashes" in result.err


def test_init_writes_windows_paths_the_config_reads_back(cli, tmp_path, monkeypatch):
    from sync.office.config_text import toml_value

    assert toml_value("C:\\Users\\Văn thư\\key.json") == '"C:\\\\Users\\\\Văn thư\\\\key.json"'
    assert cli("init", tmp_path / "o").code == 0
    assert load_config(tmp_path / "o" / "config.toml").backend.workbook == "tonghop.xlsx"


# --- nothing POSIX-only ----------------------------------------------------------------------------

POSIX_ONLY = re.compile(r"\bimport (fcntl|pwd|grp|termios|resource)\b|os\.(getuid|geteuid|getgid|fork|"
                        r"killpg|getpgid|setsid|statvfs|chown|sync)\(|signal\.(SIGALRM|SIGHUP|SIGKILL|"
                        r"SIGUSR1|SIGUSR2|SIGPIPE|alarm)\b")


def test_the_program_makes_no_posix_only_call():
    found = []
    for folder in ("sync", "reports"):
        for path in (ROOT / folder).rglob("*.py"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if POSIX_ONLY.search(line.split("#")[0]):
                    found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert found == []
