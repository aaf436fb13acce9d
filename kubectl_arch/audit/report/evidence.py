"""Evidence as people read it: short labelled values, not a ``key=value`` dump.

The JSON output keeps the raw evidence for scripts. Here keys become words, durations and sizes get
units, hashes are shortened and long lists show their first items and a count of the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kubectl_arch.output.sanitise import visible

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
    if key == "basis" and isinstance(value, Mapping) and isinstance(value.get("description"), str):
        # What a figure rests on (kubectl_arch.model.window.Basis): its sentence, not its fields.
        note = value.get("note")
        line = f"basis: {value['description']}" + (f" ({note})" if isinstance(note, str) and note else "")
        return visible(line, multiline=False)  # the note may quote a failed read's error: cluster text
    words = _words(key)
    unit = words[-1] if words and words[-1] in _UNITS else None
    label = " ".join(words[:-1] if unit and len(words) > 1 else words)
    # "why:" is a section of the finding itself; inside the evidence it is the reason for a value.
    return visible(f"{'reason' if label == 'why' else label}: {_value(value, unit, key)}", multiline=False)


def _words(key: str) -> list[str]:
    """``warnAboveSeconds`` and ``failures_tolerated`` become lower-case words; names (``kube-apiserver``,
    ``workload-low (queue-full)``) stay as they are."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key):
        return [key]
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key).replace("_", " ")
    return [w.lower() if not w.isupper() else w for w in spaced.split()]


def _value(value: Any, unit: str | None = None, key: str = "") -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "-"
    if isinstance(value, (int, float)):
        return _number(value, unit)
    if isinstance(value, Mapping):
        return _pairs(value) or "none"
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
    shown = [_record(v) if isinstance(v, Mapping) else _value(v) for v in values[:MAX_ITEMS]]
    rest = len(values) - len(shown)
    joiner = "; " if any("," in text for text in shown) else ", "
    return joiner.join(shown) + (f" (+{rest} more)" if rest else "")


def _pairs(mapping: Mapping[str, Any]) -> str:
    """A name-to-value mapping: ``etcd (reason withheld)``, ``workload-low (queue-full) 2987``."""
    return ", ".join(f"{k} ({v})" if isinstance(v, str) else f"{k} {_value(v)}" for k, v in mapping.items())


def _record(mapping: Mapping[str, Any]) -> str:
    """One record of a list: names first, then measured values: ``create events (p99 962.8 ms, samples 91,422)``."""
    names = [str(v) for v in mapping.values() if isinstance(v, str)]
    measures = [_item(str(k), v).replace(": ", " ", 1) for k, v in mapping.items() if not isinstance(v, str)]
    if not names:
        return ", ".join(measures)
    return " ".join(names) + (f" ({', '.join(measures)})" if measures else "")


def duration(seconds: float) -> str:
    """``0.0176`` → ``17.6 ms``: the unit an operator compares with etcd's guidance."""
    if abs(seconds) < 1:
        return f"{_trim(f'{seconds * 1000:.1f}')} ms"
    return f"{_trim(f'{seconds:.2f}')} s"


def _trim(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


def size(count: float) -> str:
    """``1932735283`` → ``1.80 GiB`` (binary units, as etcd's quota is given)."""
    units = ("B", "KiB", "MiB", "GiB", "TiB")
    power = 0
    while abs(count) >= 1024 and power < len(units) - 1:
        count /= 1024
        power += 1
    return f"{count:.0f} B" if power == 0 else f"{count:.2f} {units[power]}"
