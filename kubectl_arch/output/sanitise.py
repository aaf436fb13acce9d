"""One sanitiser for every string that came from the cluster, applied where text is rendered.

Cluster data is untrusted: an event message, a Lease holder or a kubelet version may hold terminal escape
sequences (retitle the terminal, clear the screen, forge a "PASS" line or an OSC-8 link), rich markup, or
characters that break XML, Markdown or HTML. Every renderer passes such text through one function here:

- ``visible``: control characters shown, never obeyed. ESC becomes ``^[`` and CR ``\\r`` as kubectl prints
  them (k8s.io/cli-runtime printers.EscapeTerminal); the other C0 controls and DEL caret notation (``^G``),
  C1 controls, bidi overrides, lone surrogates and non-characters ``\\u009b`` style. Also XML 1.0-safe.
- ``markup``: ``visible`` text that rich prints literally (``[bold]`` is not parsed), for markup strings.
- ``markdown`` / ``html``: ``visible`` text escaped for GitHub-flavoured Markdown and HTML.
- ``Console`` rendering: ``make_console`` returns a console that applies ``visible`` to every text segment
  it writes, so terminal output stays safe even where a renderer forgot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.segment import Segment
    from rich.text import Text

# Tab and newline are layout; everything else below 0x20, DEL, C1, bidi controls, surrogates and non-characters
# are escaped. Newlines are kept only where a renderer asks for several lines.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")
_UNSAFE_ONE_LINE = re.compile(_UNSAFE.pattern[:1] + "\n\t" + _UNSAFE.pattern[1:])
_NAMED = {"\x1b": "^[", "\r": "\\r", "\n": "\\n", "\t": "\\t"}


def _show(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ^@ ^A ... ^_
    if code == 0x7F:
        return "^?"
    return f"\\u{code:04x}"


def visible(text: object, *, multiline: bool = True) -> str:
    """``text`` with every control or invisible formatting character shown as text.

    ``multiline=False`` also shows newlines and tabs, for a value that must stay on its line (a table cell,
    a name): a planted newline cannot forge a line of output.
    """
    value = text if isinstance(text, str) else str(text)
    pattern = _UNSAFE if multiline else _UNSAFE_ONE_LINE
    return pattern.sub(_show, value)


def has_unsafe(text: str) -> bool:
    """Whether ``text`` holds a character ``visible`` would show (structured outputs escape it instead)."""
    return _UNSAFE.search(text) is not None


# A backslash run before a "[" or at the end of the text, and each "[": escaped as below.
_MARKUP_SPECIAL = re.compile(r"\\+(?=\[|$)|\[")
# Closes an escaped backslash run: rich halves the backslashes before a tag, and this tag styles nothing.
_NO_STYLE = "[none][/none]"


def _escape_markup(match: re.Match[str]) -> str:
    found = match.group()
    return "\\[" if found == "[" else found * 2 + _NO_STYLE


def markup(text: object, *, multiline: bool = False) -> str:
    """Cluster text to place inside a rich markup string: shown as it is, never parsed as markup, wherever it goes.

    rich's own ``escape`` leaves a backslash before a "[" that starts no tag (rich then drops it: ``C:\\[x``
    shows ``C:[x``) and doubles one at the end (shown twice unless a tag follows). Here every "[" is ``\\[``,
    which rich shows as "[" whatever follows it, and a backslash run before a "[" or at the end is doubled and
    closed by a tag that styles nothing, which rich shows as the run whatever follows it.
    """
    return _MARKUP_SPECIAL.sub(_escape_markup, visible(text, multiline=multiline))


def markup_of(text: Text) -> str:
    """Markup that rich renders as ``text``, its styles kept: rich's ``Text.markup`` with ``markup``'s escaping
    (rich's escapes each piece between two styles as in ``markup``'s docstring, so a backslash cut from its
    "[" showed twice or not at all)."""
    plain = text.plain
    edges = sorted([(0, False, text.style), *((span.start, False, span.style) for span in text.spans),
                    *((span.end, True, span.style) for span in text.spans), (len(plain), True, text.style)],
                   key=lambda edge: (edge[0], edge[1]))
    out: list[str] = []
    position = 0
    for offset, closing, style in edges:
        if offset > position:
            out.append(_MARKUP_SPECIAL.sub(_escape_markup, plain[position:offset]))
            position = offset
        if style:
            out.append(f"[/{style}]" if closing else f"[{style}]")
    return "".join(out)


def from_markup(text: str, style: str = "") -> Text:
    """rich's ``Text.from_markup`` without emoji codes: a cluster string's ``:warning:`` stays text, as the
    console (``emoji=False``) prints it, so what is measured is what is shown."""
    from rich.text import Text

    return Text.from_markup(text, style=style, emoji=False)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def html(text: object) -> str:
    """Text for an HTML element or attribute (``<details>`` summaries, code spans written as HTML)."""
    value = visible(text, multiline=False)
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def json_escaped(text: str) -> str:
    """JSON with each character ``visible`` would show written as a ``\\u`` escape: the same JSON (such a character
    can only stand inside a string), which no terminal obeys."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def markdown(text: object) -> str:
    """Text for one line of GitHub-flavoured Markdown: no HTML, links, images, emphasis or table breaks.

    ``&`` becomes ``&amp;`` (no entity tricks), ``<``/``>`` entities (no HTML), and every other character
    Markdown gives a meaning is backslash-escaped; newlines are shown as ``\\n`` so a value cannot start
    a new block.
    """
    value = _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text, multiline=False).replace("&", "&amp;"))
    return value.replace("\\<", "&lt;").replace("\\>", "&gt;")


def code_span(text: object) -> str:
    """Text as a Markdown code span: nothing inside one is interpreted, so only a backtick (which would end
    it) and line breaks need care."""
    return "`" + visible(text, multiline=False).replace("`", "'") + "`"


def xml(text: object) -> str:
    """Text legal in XML 1.0 (JUnit): ``visible`` leaves no character XML forbids; ElementTree escapes ``<&``."""
    return visible(text)


def console_class() -> type:
    """A rich ``Console`` that shows control characters in every text segment it writes (a backstop under
    the escaping each renderer does: no cluster string reaches the terminal as an escape sequence).

    Only text segments are touched; rich's own styles and cursor controls are rendered as usual.
    """
    global _CONSOLE_CLASS
    if _CONSOLE_CLASS is None:
        from rich.console import Console
        from rich.segment import Segment

        class SafeConsole(Console):
            def _render_buffer(self, buffer: Iterable[Segment]) -> str:
                safe = (segment if segment.control else Segment(visible(segment.text), segment.style)
                        for segment in buffer)
                return super()._render_buffer(safe)

            def on_broken_pipe(self) -> None:
                """rich exits 1 here, which reads as audit findings: the command ends as for any closed pipe."""
                self.quiet = True
                raise BrokenPipeError

        _CONSOLE_CLASS = SafeConsole
    return _CONSOLE_CLASS


_CONSOLE_CLASS: type | None = None


def mermaid(text: object) -> str:
    """Text inside a quoted mermaid label: entity codes for what would end the label or open HTML."""
    value = visible(text, multiline=False)
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("&", "#amp;")):
        value = value.replace(char, code)
    return value
