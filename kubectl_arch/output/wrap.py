"""Wrapping the audit's prose for a terminal without cutting what people copy.

A command in backticks is never split: it moves to the next line, and one longer than the line gets a
line of its own and overflows, so it can be pasted whole; a word longer than the line (a URL, a long
flag) overflows rather than breaks.
"""

from __future__ import annotations

import re
import textwrap

from kubectl_arch.output.sanitise import visible

_CODE_SPAN = re.compile(r"`[^`]+`")
_GLUE = "\x00"  # stands in for a space inside a code span while textwrap splits on whitespace


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters where possible, broken only between words and code spans."""
    width = max(width, 20)
    text = visible(text, multiline=False)  # measured as it will show: a control character is two or more

    def glue(match: re.Match[str]) -> str:
        return match.group(0).replace(" ", _GLUE)

    lines = textwrap.wrap(_CODE_SPAN.sub(glue, text), width=width, break_long_words=False, break_on_hyphens=False)
    return [line.replace(_GLUE, " ") for line in lines] or [""]
