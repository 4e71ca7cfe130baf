"""Field masks: the ``fields`` of update requests and of partial responses.

Both Google syntaxes are accepted: ``a/b,c.d`` paths and the nested
``a(b,c(d))`` form (gspread sends ``userEnteredFormat(backgroundColor)`` and
``gridProperties/rowCount``); ``*`` selects everything.
"""

from __future__ import annotations

import copy
from typing import Any

Tree = dict[str, "Tree | None"]


class MaskError(ValueError):
    pass


def parse(mask: str) -> list[list[str]]:
    """``a,b/c,d(e,f)`` -> [["a"], ["b", "c"], ["d", "e"], ["d", "f"]]."""
    paths: list[list[str]] = []
    pos = 0

    def parse_list(prefix: list[str]) -> None:
        nonlocal pos
        while True:
            path = list(prefix)
            name = ""
            while pos < len(mask) and mask[pos] not in ",()":
                ch = mask[pos]
                pos += 1
                if ch in "/.":
                    if not name:
                        raise MaskError(mask)
                    path.append(name.strip())
                    name = ""
                else:
                    name += ch
            if name.strip():
                path.append(name.strip())
            if pos < len(mask) and mask[pos] == "(":
                if len(path) == len(prefix):
                    raise MaskError(mask)
                pos += 1
                parse_list(path)
                if pos >= len(mask) or mask[pos] != ")":
                    raise MaskError(mask)
                pos += 1
            elif len(path) > len(prefix):
                paths.append(path)
            if pos < len(mask) and mask[pos] == ",":
                pos += 1
                continue
            return

    parse_list([])
    if pos != len(mask):
        raise MaskError(mask)
    return paths


def tree(paths: list[list[str]]) -> Tree:
    root: Tree = {}
    for path in paths:
        node = root
        for i, key in enumerate(path):
            last = i == len(path) - 1
            if last:
                node[key] = None
            else:
                child = node.get(key, {})
                if child is None:  # a shorter path already selects it all
                    break
                node[key] = child
                node = child
    return root


def select(obj: Any, sel: Tree | None) -> Any:
    """Partial response: keep only the selected fields."""
    if sel is None or "*" in sel:
        return obj
    if isinstance(obj, list):
        return [select(x, sel) for x in obj]
    if not isinstance(obj, dict):
        return obj
    return {k: select(obj[k], sub) for k, sub in sel.items() if k in obj}


def select_fields(obj: Any, mask: str | None) -> Any:
    if not mask:
        return obj
    return select(obj, tree(parse(mask)))


def apply_update(target: dict, source: dict, paths: list[list[str]]) -> None:
    """Copy the masked fields from ``source`` to ``target`` (absent = unset)."""
    for path in paths:
        src: Any = source
        dst = target
        for key in path[:-1]:
            src = src.get(key) if isinstance(src, dict) else None
            dst = dst.setdefault(key, {})
        leaf = path[-1]
        if isinstance(src, dict) and leaf in src:
            dst[leaf] = copy.deepcopy(src[leaf])
        else:
            dst.pop(leaf, None)
