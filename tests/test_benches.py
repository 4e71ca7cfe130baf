"""bench/ cannot rot: every bench and profile script runs once here at a tiny size.

A script of bench/ that can be run (it has ``if __name__ == "__main__"``) must have its tiny
arguments in QUICK, and what its output must show; a new bench without an entry fails
``test_every_bench_has_a_quick_run``. The sizes are the scripts' own options, so the run goes
through the same code as a real measurement, only smaller. The figures printed are not checked
(timings belong to the benches, not to tests).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"

# script -> (tiny arguments, texts its output must hold)
QUICK: dict[str, tuple[list[str], list[str]]] = {
    # part 2 sleeps through real retry back-offs (~30 s): left to real runs
    "bench_auth.py": (["--uploads", "2", "--kb", "1", "--skip-network"], ["upload"]),
    "bench_figures.py": (["--units", "20", "--campaigns", "2", "--repeat", "1"], ["ratio"]),
    "bench_fleet.py": (["--offices", "2", "--campaigns", "1", "--hours", "0.5", "--every", "15"],
                       ["reads"]),
    "bench_google.py": (["--rows", "50", "--naive-rows", "20", "--repeat", "1",
                         "--shortcut-rows", "50"], ["no-op"]),
    "bench_matching.py": (["--names", "50", "--repeat", "1"], ["1,000"]),
    "bench_noop_local.py": (["--rows", "200", "--units", "50", "--repeat", "1"], ["settled"]),
    "bench_periods.py": (["--wards", "5", "--periods", "14", "--figures", "2", "--repeat", "1"],
                         ["ratio", "monthly periods"]),
    "bench_reports.py": (["--rows", "20", "--repeat", "1"], ["list of 20 proposals", "ratio"]),
    "bench_scale.py": (["--rows", "200", "--units", "50", "--repeat", "1"],
                       ["local read", "cycle compute", "first local sync", "peak memory"]),
    "bench_sync.py": (["--rows", "50", "--repeat", "1"], ["1st cycle"]),
    "profile_compute.py": (["--rows", "200", "--units", "50", "--top", "5"], ["function calls"]),
    "profile_write.py": (["--rows", "200", "--units", "50"], ["MiB"]),
    # the matrix's smallest entry: the counting machinery, not the whole matrix (the suite runs it)
    "reliability_counts.py": (["tests/test_writeback.py::test_atomic_save_leaves_the_old_file_on_a_crash"],
                              ["scenarios (test cases) passed: 1, failed: 0", "staff cells changed: 0"]),
}


def runnable_scripts() -> list[str]:
    return sorted(p.name for p in BENCH.glob("*.py")
                  if '__name__ == "__main__"' in p.read_text(encoding="utf-8"))


def test_every_bench_has_a_quick_run() -> None:
    scripts = runnable_scripts()
    assert "bench_scale.py" in scripts and "timing.py" not in scripts
    assert sorted(QUICK) == scripts, "add the new bench's tiny arguments to QUICK"


@pytest.mark.parametrize("script", sorted(QUICK))
def test_bench_runs_at_a_tiny_size(script: str) -> None:
    args, expected = QUICK[script]
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{script} exited {done.returncode}:\n{done.stderr[-3000:]}"
    for text in expected:
        assert text in done.stdout, f"{script} did not print {text!r}:\n{done.stdout[-3000:]}"


def test_a_bench_child_with_much_to_say_on_stderr_does_not_hang_the_bench() -> None:
    """bench_scale waits for each child (wait4, for its peak memory): a child writing more than a
    pipe holds must neither block nor lose what it said."""
    child = "import sys; sys.stderr.write('x' * 300_000 + 'the end'); sys.exit(3)"
    code = ("import sys; sys.path.insert(0, 'bench'); import bench_scale; "
            f"bench_scale.process('-c', {child!r})")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "exited 3" in done.stderr and done.stderr.rstrip().endswith("the end")
