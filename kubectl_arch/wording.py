"""Small wording helpers shared by every command, so messages read as sentences everywhere."""

from __future__ import annotations

from collections.abc import Sequence


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 member``, ``3 members``: a count with its noun in the right number."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def listed(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: names in a sentence ("" for none)."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
