"""Drive's ``q`` search language, for files.list.

Understood: ``name``, ``mimeType``, ``trashed``, ``parents``, ``starred``,
``fullText``, ``createdTime``/``modifiedTime`` with ``= != < > <= >=`` and
``contains``; ``'<id>' in parents`` and gspread's ``parents in "<id>"``;
``and``/``or``/``not`` and parentheses; strings in single or double quotes
with backslash escapes. Anything else is Drive's 400 ``Invalid Value``
(location ``q``).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError

_TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<op>!=|<=|>=|=|<|>)"""
                    r"""|(?P<paren>[()])|(?P<word>[A-Za-z_][\w.]*|-?\d+(?:\.\d+)?))""")
_QFIELDS = {"name", "mimeType", "trashed", "parents", "starred", "fullText", "modifiedTime",
            "createdTime", "owners", "writers", "readers", "sharedWithMe", "visibility"}


def _invalid_q() -> ApiError:
    return ApiError(400, "Invalid Value", drive=True, reason="invalid", location="q")


class Query:
    """A parsed ``q``: call it with a DriveFile."""

    def __init__(self, text: str):
        self.toks: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise _invalid_q()
            kind = m.lastgroup
            value = m.group(kind)
            if kind == "str":
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            self.toks.append((kind, value))
            pos = m.end()
        self.i = 0
        self.pred = self._or()
        if self.i != len(self.toks):
            raise _invalid_q()

    def __call__(self, f: Any) -> bool:
        return self.pred(f)

    def _peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _take(self) -> tuple[str, str]:
        tok = self._peek()
        if tok is None:
            raise _invalid_q()
        self.i += 1
        return tok

    def _word(self, word: str) -> bool:
        tok = self._peek()
        if tok and tok[0] == "word" and tok[1].lower() == word:
            self.i += 1
            return True
        return False

    def _or(self):
        left = self._and()
        while self._word("or"):
            a, b = left, self._and()
            left = lambda f, a=a, b=b: a(f) or b(f)  # noqa: E731
        return left

    def _and(self):
        left = self._not()
        while self._word("and"):
            a, b = left, self._not()
            left = lambda f, a=a, b=b: a(f) and b(f)  # noqa: E731
        return left

    def _not(self):
        if self._word("not"):
            inner = self._not()
            return lambda f: not inner(f)
        tok = self._peek()
        if tok == ("paren", "("):
            self.i += 1
            inner = self._or()
            if self._take() != ("paren", ")"):
                raise _invalid_q()
            return inner
        return self._comparison()

    def _value(self) -> Any:
        kind, value = self._take()
        if kind == "str":
            return value
        if kind == "word" and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if kind == "word" and re.fullmatch(r"-?\d+(\.\d+)?", value):
            return float(value)
        raise _invalid_q()

    def _comparison(self):
        first = self._take()
        if first[0] == "str":  # 'x' in parents
            if not self._word("in"):
                raise _invalid_q()
            fld = self._take()
            if fld[0] != "word" or fld[1] not in _QFIELDS:
                raise _invalid_q()
            return self._member(fld[1], first[1])
        if first[0] != "word" or first[1] not in _QFIELDS:
            raise _invalid_q()
        name = first[1]
        if self._word("in"):  # gspread: parents in "id"
            return self._member(name, self._value())
        if self._word("contains"):
            needle = str(self._value()).lower()
            return lambda f: needle in str(_attr(f, name)).lower()
        kind, op = self._take()
        if kind != "op":
            raise _invalid_q()
        value = self._value()
        ops = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
               ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}
        return lambda f: ops[op](_attr(f, name), value)

    @staticmethod
    def _member(name: str, value: Any):
        if name in ("owners", "writers", "readers"):
            return lambda f: True  # the service account owns what it sees here
        return lambda f: value in (_attr(f, name) or [])


def _attr(f: Any, name: str) -> Any:
    return {"name": f.name, "mimeType": f.mime_type, "trashed": f.trashed,
            "parents": f.parents, "starred": False, "fullText": f.name,
            "modifiedTime": f.modified_time, "createdTime": f.created_time,
            "sharedWithMe": False, "visibility": "limited"}.get(name)
