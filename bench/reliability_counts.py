"""The reliability matrix's counts (docs/reliability.md): scenarios run, hypothesis examples,
faults injected, staff cells compared cell by cell, and how many of those changed (goal: 0).

    python bench/reliability_counts.py [MATRIX_ENTRY ...]

With entries (test files or node ids of the matrix), only those run: tests/test_benches.py runs
the smallest one to keep this script working.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MATRIX = ["tests/test_reliability.py", "tests/test_properties.py",
          "tests/test_fakesheets_devmeta.py", "tests/test_faults.py",
          "tests/test_reminders.py::test_a_temporary_refusal_is_retried_next_cycle_then_sent",
          "tests/test_reminders.py::test_temporary_refusals_and_outages_are_retried_a_bounded_number_of_times",
          "tests/test_reminders.py::test_an_smtp_server_down_for_good_fails_the_reminders_after_the_bound",
          "tests/test_reminders.py::test_a_refused_address_is_marked_failed_and_not_retried",
          "tests/test_writeback.py::test_atomic_save_leaves_the_old_file_on_a_crash"]


class Tally:
    def __init__(self) -> None:
        self.passed = self.failed = 0

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call":
            self.passed += report.passed
            self.failed += report.failed


def main(argv: list[str] | None = None) -> int:
    chosen = sys.argv[1:] if argv is None else argv
    unknown = [m for m in chosen if m not in MATRIX]
    if unknown:
        print(f"not in the matrix: {', '.join(unknown)}; entries: {', '.join(MATRIX)}")
        return 2
    tally = Tally()
    code = pytest.main(["-q", "-p", "no:cacheprovider", *[str(ROOT / m) for m in chosen or MATRIX]],
                       plugins=[tally])
    from tests.staffcells import COMPARED

    print(f"scenarios (test cases) passed: {tally.passed}, failed: {tally.failed}")
    print(f"hypothesis examples run: {COMPARED['examples']}")
    print(f"faults injected (staff edits, hostile cells, failed saves, ...): {COMPARED['faults']}")
    print(f"staff cells compared cell by cell: {COMPARED['cells']}")
    print(f"staff cells changed: {COMPARED['changed']}")
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
