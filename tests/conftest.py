"""Shared fixtures: the CLI as a user runs it, demo workspaces, the shared/ folder."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO_NOW = "2023-06-20T10:00"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run `python main.py ...` in-process; returns exit code, stdout, stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse errors and --help
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """One demo workspace built per test session; tests copy it."""
    from sync.demo import build_workspace

    directory = tmp_path_factory.mktemp("demo-template")
    build_workspace(directory)
    return directory


@pytest.fixture
def demo_dir(demo_template, tmp_path) -> Path:
    """A fresh copy of the demo workspace (config.toml + tonghop.xlsx), not yet synced."""
    target = tmp_path / "ws"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
def shared_dir() -> Path:
    """../shared: present beside the project in development and CI, absent in a user's clone."""
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing on CI: the fixtures must be there")
        pytest.skip("../shared is not beside the project (fresh clone)")
    return SHARED
