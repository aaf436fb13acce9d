"""Evidence as people read it: short labelled values, not a ``key=value`` dump.

The JSON output keeps the raw evidence for scripts. Here keys become words, durations and sizes get
units, hashes are shortened and long lists show their first items and a count of the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_ITEMS = 3  # list items shown before "+N more"
HASH_CHARS = 12  # a fingerprint is recognisable by its first characters
_UNITS = ("seconds", "bytes", "percent")


def evidence_items(evidence: Mapping[str, Any]) -> list[str]:
    """One ``label: value`` string per evidence key, in the check's order."""
    return [_item(key, value) for key, value in evidence.items()]


def evidence_line(evidence: Mapping[str, Any]) -> str:
    """The evidence on one line, for Markdown and other single-line places."""
    return " · ".join(evidence_items(evidence))


def _item(key: str, value: Any) -> str:
    words = _words(key)
    unit = words[-1] if words and words[-1] in _UNITS else None
    label = " ".join(words[:-1] if unit and len(words) > 1 else words)
    return f"{label}: {_value(value, unit, key)}"


def _words(key: str) -> list[str]:
    """``warnAboveSeconds`` and ``failures_tolerated`` become lower-case words."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key).replace("_", " ").replace("-", " ")
    return [w.lower() if not w.isupper() else w for w in spaced.split()]


def _value(value: Any, unit: str | None = None, key: str = "") -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "-"
    if isinstance(value, (int, float)):
        return _number(value, unit)
    if isinstance(value, Mapping):
        return _mapping(value) or "none"
    if isinstance(value, (list, tuple)):
        return _sequence(value)
    text = str(value)
    if key.lower().startswith("sha") and re.fullmatch(r"[0-9a-fA-F:]{24,}", text):
        return text[:HASH_CHARS] + "…"
    return text


def _number(value: float, unit: str | None) -> str:
    if unit == "seconds":
        return duration(float(value))
    if unit == "bytes":
        return size(float(value))
    if unit == "percent":
        return f"{value:g}%"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return f"{value:,.6g}" if abs(value) >= 10_000 else f"{value:g}"


def _sequence(values: list[Any] | tuple[Any, ...]) -> str:
    if not values:
        return "none"
    shown = [_value(v) for v in values[:MAX_ITEMS]]
    rest = len(values) - len(shown)
    joiner = "; " if any(isinstance(v, Mapping) for v in values) else ", "
    return joiner.join(shown) + (f" (+{rest} more)" if rest else "")


def _mapping(mapping: Mapping[str, Any]) -> str:
    """Names first (``create events``), then measured values in brackets (``(p99 962.8 ms, samples 91,422)``)."""
    names = [str(v) for v in mapping.values() if isinstance(v, str)]
    measures = [_item(str(k), v).replace(": ", " ", 1) for k, v in mapping.items() if not isinstance(v, str)]
    if not names:
        return ", ".join(measures)
    return " ".join(names) + (f" ({', '.join(measures)})" if measures else "")


def duration(seconds: float) -> str:
    """``0.0176`` → ``17.6 ms``: the unit an operator compares with etcd's guidance."""
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.3g} s"


def size(count: float) -> str:
    """``1932735283`` → ``1.80 GiB`` (binary units, as etcd's quota is given)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(count) < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.2f} {unit}"
        count /= 1024
    return f"{count:.2f} TiB"  # pragma: no cover - the loop returns at GiB
