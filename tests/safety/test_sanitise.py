"""The one sanitiser: control characters shown, never obeyed, in every form an output needs."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from kubectl_arch.output.console import make_console
from kubectl_arch.output.sanitise import has_unsafe, html, markdown, markup, mermaid, visible, xml

HOSTILE = "\x1b]0;title\x07\x1b[2J\x1b[1;32mPASS\r\x00\x9b\u202e\ud800"


def test_escapes_show_as_kubectl_prints_them() -> None:
    assert visible("a\x1b[2Jb\rc") == "a^[[2Jb\\rc"
    assert visible("bell\x07 nul\x00 del\x7f") == "bell^G nul^@ del^?"
    assert visible("csi\x9b rlo\u202e lone\ud800") == "csi\\u009b rlo\\u202e lone\\ud800"
    assert visible("two\nlines\tand tab") == "two\nlines\tand tab"
    assert visible("two\nlines", multiline=False) == "two\\nlines"


def test_markup_is_printed_not_parsed() -> None:
    from rich.text import Text

    for planted in ("[/]", " [/]", "[bold red]x[/]", "[link=https://evil.example]y[/link]", "\\[x]"):
        assert Text.from_markup(f"[bold]{markup(planted)}[/]").plain == planted


# Where renderers put escaped text: alone, inside a style, before a style, before text holding "]", twice.
MARKUP_PLACES = ("{0}", "[bold]{0}[/]", "{0}[dim]x[/]", "{0} y]", "[b]{0}[/b]{0}")


@given(st.text(alphabet="ab \\[]/=:"))
def test_markup_shows_any_text_wherever_it_is_placed(text: str) -> None:
    """Backslashes and brackets included: rich's escape dropped the backslash of "C:\\[x" and doubled a last one."""
    from rich.text import Text

    for place in MARKUP_PLACES:
        shown = Text.from_markup(place.format(markup(text)), emoji=False).plain
        assert shown == place.replace("[bold]", "").replace("[/]", "").replace("[dim]", "").replace(
            "[b]", "").replace("[/b]", "").format(text), place


@given(st.text())
def test_nothing_unsafe_survives_any_form(text: str) -> None:
    for form in (visible, markup, html, markdown, mermaid):
        assert not has_unsafe(form(text)), form.__name__
    element = ET.Element("testcase", message=xml(text))
    element.text = xml(text)
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode").encode("utf-8"))  # well-formed XML 1.0
    assert parsed.text in (xml(text), None) and parsed.get("message") is not None


@given(st.text())
def test_markdown_text_opens_no_html_link_or_table_cell(text: str) -> None:
    out = markdown(text)
    assert "<" not in out and ">" not in out and "\n" not in out
    special = "[]()|`*_"
    assert all(out[i - 1] == "\\" for i, c in enumerate(out) if c in special and i > 0)
    assert not out or out[0] not in special


def test_the_console_shows_control_characters_even_in_colour() -> None:
    from rich.text import Text

    buffer = io.StringIO()
    console = make_console(buffer, width=200)
    console.__init__(file=buffer, width=200, force_terminal=True, color_system="truecolor")  # type: ignore[misc]
    console.print(Text("ok ", style="green") + Text(HOSTILE))
    written = buffer.getvalue()
    assert "^[]0;title" in written and "^[[2J" in written  # (rich itself drops BEL and CR)
    assert "\x1b]" not in written and "\x07" not in written and "\x1b[2J" not in written
    assert "\x1b[32m" in written  # rich's own colour still works
