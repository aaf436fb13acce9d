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


def span_words(seconds: float) -> str:
    """A long span as people say it, in its largest unit and the next: ``40 days``, ``2 days and 3 hours``,
    ``5 hours and 12 minutes``, ``7 minutes`` (``3d04h`` is a column format, not a sentence)."""
    whole = max(0, round(seconds))
    units = (("day", 86_400), ("hour", 3600), ("minute", 60), ("second", 1))
    for index, (name, size) in enumerate(units):
        if whole >= size or size == 1:
            count, rest = divmod(whole, size)
            if count >= 7 or index == len(units) - 1:
                return plural(round(whole / size), name)  # 9 days and 22 hours is 10 days, not 9
            smaller, small_size = units[index + 1]
            part = rest // small_size
            return plural(count, name) + (f" and {plural(part, smaller)}" if part else "")
    return plural(0, "second")
