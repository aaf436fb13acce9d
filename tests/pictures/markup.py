"""Markup checks a person would otherwise do by eye: the SVG is XML, the HTML is balanced and self-contained."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

SVG = "{http://www.w3.org/2000/svg}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FORBIDDEN_TAGS = {"script", "link", "iframe", "object", "embed", "img", "foreignobject"}
REMOTE = re.compile(r"(@import|url\(\s*['\"]?(https?:)?//)", re.IGNORECASE)


def parse_svg(text: str) -> ET.Element:
    """The SVG parsed by an XML parser; raises on anything a browser's SVG parser would reject."""
    root = ET.fromstring(text.encode())
    assert root.tag == f"{SVG}svg", root.tag
    assert not root.findall(f".//{SVG}script"), "an SVG picture carries no script"
    return root


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.styles: list[str] = []
        self.ids: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in FORBIDDEN_TAGS:
            self.errors.append(f"<{tag}> would fetch or run something")
        for name, value in attrs:
            if name.startswith("on"):
                self.errors.append(f"event handler {name} on <{tag}>")
            if name in ("src", "srcset", "xlink:href") or (name == "href" and tag != "a"):
                self.errors.append(f"<{tag} {name}={value!r}> loads a resource")
            if name == "style" and value:
                self.styles.append(value)
            if name == "id" and value:
                self.ids.append(value)
        if tag not in VOID:
            self.stack.append(tag)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def check_html(text: str) -> list[str]:
    """Problems with a page: unbalanced tags, scripts, anything fetched from elsewhere. Empty when fine."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    errors = list(checker.errors)
    if checker.stack:
        errors.append(f"unclosed: {checker.stack}")
    if not text.lstrip().lower().startswith("<!doctype html>"):
        errors.append("no <!DOCTYPE html>")
    for tag in ("html", "head", "body", "title", "main"):
        if tag not in checker.tags:
            errors.append(f"no <{tag}>")
    errors += [f"id {name!r} used {count} times" for name, count in Counter(checker.ids).items() if count > 1]
    errors += [f"remote resource in CSS: {m.group(0)}" for style in checker.styles for m in REMOTE.finditer(style)]
    return errors
