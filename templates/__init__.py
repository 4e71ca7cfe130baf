"""The bundled templates: report drafts (*.docx) and reminder e-mails (*.txt.j2).

A package only so that they ship in the wheel as package data; the program reads them through
``importlib.resources`` (see :mod:`sync.bundled`), never through a path next to the source.
An office keeps its own copies elsewhere (``reports.templates_dir``, ``reminders.templates_dir``).
"""
