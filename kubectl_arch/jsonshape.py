"""JSON values of the type a reader expects, or an empty one: cluster data is untrusted input.

The bottom layer, so collection (Table rows, snapshot redaction, the needs' own reads) and the model
(``kubectl_arch.model.raw`` re-exports these) read mistyped fields the same way: as absent, never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def mapping(value: object) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one: a field of the wrong type reads as absent.

    A plain dict (what JSON parses into) is recognised first: ``isinstance`` against the ``Mapping`` ABC costs
    ~10x more, and the model asks this some 60 times per node (4 million times at 65,000 nodes)."""
    return value if type(value) is dict or isinstance(value, Mapping) else {}


def sequence(value: object) -> list[Any]:
    """``value`` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def text(value: object) -> str | None:
    """A JSON string, or None for anything else (an object where a name belongs reads as absent)."""
    return value if isinstance(value, str) else None


def integer(value: object) -> int | None:
    """A JSON integer, or None for anything else ("15s", 1.5, true): never a crash on a mistyped count."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
