"""What we borrow from libraries' insides, pinned: these fail when the library changes underneath.

``sync.unattended.scheduler.ClockedJob`` replaces schedule's private ``Job._schedule_next_run``
(and ``run``, ``should_run``) to run on an injected clock; ``reports.render._Template`` replaces
docxtpl's ``fix_tables`` and ``resolve_listing``. pyproject pins both below their next minor
release; when a new release is allowed, these tests say what to review.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect

import schedule
from docxtpl import DocxTemplate
from packaging.version import Version

# sha256 (first 16 hex digits) of the schedule 1.2.x methods ClockedJob replaces
SCHEDULE_SOURCES = {"_schedule_next_run": "5ebff5d9e1ff8691", "run": "0794236bbec8e0c2",
                    "should_run": "9c23b9ef3f8d9e86"}


def _source_hash(obj) -> str:
    code = obj.fget if isinstance(obj, property) else obj
    return hashlib.sha256(inspect.getsource(code).encode()).hexdigest()[:16]


def test_schedule_is_the_release_clockedjob_was_written_against():
    assert Version("1.2") <= Version(importlib.metadata.version("schedule")) < Version("1.3")
    changed = [name for name, digest in SCHEDULE_SOURCES.items()
               if _source_hash(vars(schedule.Job)[name]) != digest]
    assert changed == [], (f"schedule's Job.{changed} changed: review ClockedJob in "
                           "sync/unattended/scheduler.py, then update SCHEDULE_SOURCES")
    # the scheduler still asks each job should_run and calls job.run(), which ClockedJob replaces
    assert "job.should_run" in inspect.getsource(schedule.Scheduler.run_pending)
    assert "job.run()" in inspect.getsource(schedule.Scheduler._run_job)


def test_docxtpl_still_calls_the_passes_render_narrows():
    assert Version("0.19") <= Version(importlib.metadata.version("docxtpl")) < Version("0.21")
    callers = {name for name, fn in inspect.getmembers(DocxTemplate, inspect.isfunction)
               if "self.fix_tables(" in inspect.getsource(fn)
               or "self.resolve_listing(" in inspect.getsource(fn)}
    assert {"render", "render_xml_part"} <= callers, (
        "docxtpl no longer calls fix_tables/resolve_listing where reports.render._Template expects")
    for name in ("fix_tables", "resolve_listing"):
        assert list(inspect.signature(getattr(DocxTemplate, name)).parameters) == ["self", "xml"], name
