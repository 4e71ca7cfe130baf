"""A new office's config.toml: the bundled config.example.toml (every key, commented) with the
values ``init`` knows put in place, so IT sees every setting it may change."""

from __future__ import annotations

import json
import re

from sync.bundled import template

EXAMPLE = "config.example.toml"
_KEY = re.compile(r"^(?P<key>[a-z_]+)(?P<gap>\s*=\s*)(?P<value>.*?)(?P<comment>\s+#.*)?$")
_SECTION = re.compile(r"^\[(?P<name>[a-z_]+)\]")


def example_text() -> str:
    return template(EXAMPLE).read_text(encoding="utf-8")


def toml_value(value: object) -> str:
    """A TOML literal: strings as basic strings (JSON escapes are TOML's), lists of strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def render(values: dict[str, dict[str, object]], heading: str) -> str:
    """``values``: section ("" = the top level) -> key -> value. Raises KeyError for a key the
    example does not have (a typo here would otherwise be silently dropped)."""
    left = {(s, k) for s, keys in values.items() for k in keys}
    section = ""
    out = [f"# {line}" if line else "#" for line in heading.splitlines()]
    lines = example_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    for line in lines[start:]:
        found_section = _SECTION.match(line)
        if found_section:
            section = found_section.group("name")
        found = _KEY.match(line)
        if found and found.group("key") in values.get(section, {}):
            key = found.group("key")
            new = f"{key}{found.group('gap')}{toml_value(values[section][key])}"
            comment = found.group("comment") or ""
            width = len(found.group(0)) - len(comment)
            pad = max(width - len(new), 1) if comment else 0
            line = new + (" " * pad + comment.lstrip() if comment else "")
            left.discard((section, key))
        out.append(line)
    if left:
        raise KeyError(f"not in {EXAMPLE}: {sorted(left)}")
    return "\n".join(out) + "\n"
