"""Install anywhere: the wheel carries what the program reads at run time, the console script runs
from any folder, the README's quick start works on a Python that refuses system installs, and the
example config is complete.

Tests never touch the network, so the fresh environments get tonghop's dependencies from the
environment running the tests (a .pth line, or PYTHONPATH) instead of from an index; `pip check`
proves the wheel's declared requirements are met by them. `.ci/run` runs the README's commands
for real, dependencies from the registry included.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import typing
import zipfile
from pathlib import Path

import pytest

from sync.config import Config, Organization, load_config

ROOT = Path(__file__).resolve().parents[1]
SITE_PACKAGES = sysconfig.get_paths()["purelib"]
SYSTEM_PYTHONS = ("/usr/bin/python3", shutil.which("python3") or "python3")


def run(cmd: list[str] | str, cwd: Path, env: dict | None = None, timeout: float = 300):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          shell=isinstance(cmd, str))


def quick_start() -> list[str]:
    """The README's two quick-start commands, as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "README: no ```sh block under 'Quick start'"
    return [line for line in block.group(1).splitlines() if line.strip()]


def fresh_clone(target: Path) -> Path:
    """The files a clone has (tracked, or new and not ignored), copied without .venv or caches."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def externally_managed() -> str | None:
    """A python3 whose pip refuses system installs (PEP 668), as Debian 12 / Ubuntu 24.04 ship."""
    for python in SYSTEM_PYTHONS:
        if not Path(python).exists():
            continue
        stdlib = run([python, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
                     ROOT).stdout.strip()
        if stdlib and (Path(stdlib) / "EXTERNALLY-MANAGED").exists():
            return python
    return None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                 "--quiet", "--wheel-dir", str(out), str(fresh_clone(tmp_path_factory.mktemp("src")))],
                ROOT)
    assert built.returncode == 0, built.stderr
    (found,) = out.glob("tonghop-*.whl")
    return found


def test_the_wheel_ships_the_templates(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("bao-cao.docx", "danh-sach-khen-thuong.docx", "phu-luc-don-vi.docx",
                     "reminder_subject.txt.j2", "reminder_body.txt.j2", "config.example.toml"):
        assert f"templates/{template}" in names
    assert not [n for n in names if n.startswith("tests/")]


def test_the_wheel_runs_demo_and_report_from_another_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
               tmp_path).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(SITE_PACKAGES + "\n", encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    installed = run([*pip, "install", "--no-index", "--no-deps", "--quiet", str(wheel)], tmp_path)
    assert installed.returncode == 0, installed.stderr
    checked = run([*pip, "check"], tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    elsewhere = tmp_path / "office"
    elsewhere.mkdir()
    tonghop = str(venv / "bin" / "tonghop")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = run([str(python), "-c", "import sync, templates; print(sync.__file__, templates.__file__)"],
                elsewhere, env)
    assert where.stdout.count(str(venv)) == 2, where.stdout + where.stderr  # not the source tree

    version = run([tonghop, "--version"], elsewhere, env)
    assert version.returncode == 0 and re.fullmatch(r"tonghop \d+\.\d+\.\d+\S*\n", version.stdout)

    demo = run([tonghop, "demo"], elsewhere, env)
    assert demo.returncode == 0, demo.stderr
    assert "19 of 19 drafts written" in demo.stdout and demo.stderr == ""
    # tonghop is not on PATH here: the hint names the program as it was started, runnable as is
    assert f"Try: {tonghop} status --config tonghop-demo/config.toml --now 2023-06-20T10:00" in demo.stdout
    assert len(list((elsewhere / "tonghop-demo" / "out").glob("*.docx"))) == 14  # and 5 .xlsx summaries

    office = run([tonghop, "init", "new office"], elsewhere, env)  # the example config is package data
    assert office.returncode == 0, office.stderr
    assert (elsewhere / "new office" / "config.toml").read_text(encoding="utf-8").count(" = ") > 50

    report = run([tonghop, "report", "--config", "tonghop-demo/config.toml", "--now",
                  "2023-06-21T09:00"], elsewhere, env)
    assert report.returncode == 0, report.stderr
    assert "19 drafts for 5 campaigns, 19 written" in report.stdout
    assert len(list((elsewhere / "tonghop-demo" / "out").glob("2023-06-21_*.docx"))) == 14


@pytest.mark.skipif(externally_managed() is None,
                    reason="no externally-managed (PEP 668) python3 here: /usr/bin/python3 of "
                           "Debian 12 / Ubuntu 24.04 is what this test needs")
def test_the_quick_start_needs_no_system_install(tmp_path):
    """The README's first command, word for word, with a python3 that refuses `pip install`
    outside a virtual environment first on PATH."""
    python = externally_managed()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(python)
    clone = fresh_clone(tmp_path / "clone")
    env = os.environ | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                        "PYTHONPATH": SITE_PACKAGES, "PIP_NO_INDEX": "1",
                        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                        # no build isolation: setuptools comes from PYTHONPATH too (pip quirk: "0"
                        # turns the isolation off)
                        "PIP_NO_BUILD_ISOLATION": "0"}
    refused = run(["python3", "-m", "pip", "install", "--dry-run", "--no-deps", "."], clone, env)
    if "No module named pip" not in refused.stderr:
        assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr

    demo_command, test_command = quick_start()
    assert "python3 -m venv .venv" in demo_command and "python3 -m venv .venv" in test_command
    done = run(demo_command, clone, env, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "tonghop demo: 90 active units" in done.stdout
    assert (clone / ".venv" / "bin" / "tonghop").exists()
    # The venv is Debian's python, not the one running the tests.
    base = run([str(clone / ".venv" / "bin" / "python"), "-c", "import sys; print(sys.base_prefix)"],
               clone, env).stdout.strip()
    assert base == run([python, "-c", "import sys; print(sys.base_prefix)"], clone).stdout.strip()


def _keys(cls, prefix: str = "") -> list[str]:
    """Every key a config can hold, dotted: ``timezone``, ``backend.kind``, ..."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if f.name == "path":
            continue
        if dataclasses.is_dataclass(hints[f.name]):
            out += _keys(hints[f.name], f"{prefix}{f.name}.")
        else:
            out.append(f"{prefix}{f.name}")
    return out


def test_config_example_loads_and_documents_every_key():
    example = ROOT / "config.example.toml"
    config = load_config(example)
    # The values shown are the defaults (the organization is an example to replace).
    assert dataclasses.replace(config, organization=Organization()) == Config(path=config.path)
    text = example.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    for key in _keys(Config):
        section, _, name = key.rpartition(".")
        assert name in (raw.get(section, {}) if section else raw), \
            f"config.example.toml: key '{key}' is missing"
    for line in text.splitlines():
        if re.match(r"\w+ = ", line):
            assert " # " in line, f"config.example.toml: no comment on {line!r}"
