"""Go duration strings (``1.5s``, ``2m3.4s``, ``523ms``): kubelet events print them and ``--window`` takes them.

One parser for both, so a duration an operator copies from an event is one the command line accepts.
"""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+")
_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_go_duration(text: str) -> float | None:
    """Seconds in a Go duration string, None if it is not one."""
    text = text.strip()
    if not _WHOLE.fullmatch(text):
        return None
    return sum(float(value) * _UNIT_SECONDS[unit] for value, unit in _PART.findall(text))


def parse_duration(text: str) -> float | None:
    """Seconds in a duration given on the command line: a Go duration, or a bare number of seconds."""
    text = text.strip()
    return float(text) if _BARE_NUMBER.fullmatch(text) else parse_go_duration(text)
