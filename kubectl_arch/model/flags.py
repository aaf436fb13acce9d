"""Command-line flags of a container, as a dict: the flags that matter are what operators tune."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def parse_flags(argv: Iterable[str]) -> dict[str, str]:
    """``--name=value`` and ``--name value`` pairs; a bare ``--flag`` maps to ``"true"``. The last one wins.

    Positional words (the binary name, sub-commands) are skipped.
    """
    flags: dict[str, str] = {}
    words = [str(w) for w in argv]
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not word.startswith("-") or word in ("-", "--"):
            continue
        key = word.lstrip("-")
        if "=" in key:
            key, value = key.split("=", 1)
        elif index < len(words) and not words[index].startswith("-"):
            value = words[index]
            index += 1
        else:
            value = "true"
        flags[key] = value
    return flags


def container_flags(container: Mapping[str, Any]) -> dict[str, str]:
    """The flags of a container: its ``command`` followed by its ``args``, as the runtime joins them."""
    return parse_flags([*(container.get("command") or []), *(container.get("args") or [])])


def flag_list(value: str | None) -> list[str]:
    """A comma-separated flag value as a list (``--etcd-servers=a,b``), empty when unset."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]
