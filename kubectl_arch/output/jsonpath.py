"""``-o jsonpath=TEMPLATE`` and ``-o jsonpath-as-json=TEMPLATE`` in kubectl's template dialect.

kubectl's templates (k8s.io/client-go/util/jsonpath) mix literal text with actions: ``{.items[*].name}``,
``{range .items[*]}...{end}``, ``{"\\t"}``. jsonpath-ng evaluates the expressions; this module is the
template layer around it (parsing text, actions and ranges) and prints values exactly as kubectl does:
strings raw, numbers and booleans as Go prints them, objects and lists as Go's compact JSON, several
results of one action separated by a space, a missing field as nothing.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.errors import UsageError


@dataclass
class _Node:
    """One piece of a template: literal ``text``, or an ``expression`` (a ``range`` when ``body`` is set)."""

    text: str | None = None
    expression: str | None = None
    body: list[_Node] | None = None


@dataclass
class _Parsed:
    nodes: list[_Node] = field(default_factory=list)


def _split_actions(template: str) -> list[tuple[bool, str]]:
    """(is_action, text) pieces; a ``}`` inside a quoted string does not end an action."""
    pieces: list[tuple[bool, str]] = []
    i = 0
    while i < len(template):
        start = template.find("{", i)
        if start < 0:
            pieces.append((False, template[i:]))
            break
        if start > i:
            pieces.append((False, template[i:start]))
        j, quote = start + 1, ""
        while j < len(template):
            char = template[j]
            if quote:
                if char == "\\":
                    j += 1
                elif char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "}":
                break
            j += 1
        if j >= len(template):
            raise UsageError(f"jsonpath template {template!r}: unclosed action", hint="close each { with a }")
        pieces.append((True, template[start + 1:j].strip()))
        i = j + 1
    return pieces


def parse_template(template: str) -> list[_Node]:
    """The template as nodes, ``{range}`` ... ``{end}`` nested; malformed templates are usage errors."""
    stack: list[list[_Node]] = [[]]
    for is_action, text in _split_actions(template):
        if not is_action:
            stack[-1].append(_Node(text=text))
        elif text == "end":
            if len(stack) == 1:
                raise UsageError(f"jsonpath template {template!r}: {{end}} without {{range}}")
            body = stack.pop()
            stack[-1][-1].body = body
        elif text.startswith("range ") or text == "range":
            stack[-1].append(_Node(expression=_expression(text[5:].strip(), template), body=[]))
            stack.append([])
        elif text.startswith('"'):
            try:
                literal = json.loads(text, strict=False)
            except ValueError:
                raise UsageError(f"jsonpath template {template!r}: {text} is not a quoted string") from None
            stack[-1].append(_Node(text=str(literal)))
        else:
            stack[-1].append(_Node(expression=_expression(text, template)))
    if len(stack) > 1:
        raise UsageError(f"jsonpath template {template!r}: {{range}} without {{end}}")
    return stack[0]


_ESCAPED_DOT = re.compile(r"\\\.")


def _expression(text: str, template: str) -> str:
    """kubectl's path (``.a.b``, ``$.a``, ``@``, ``a\\.b/c`` for a key with dots) as a jsonpath-ng expression."""
    import jsonpath_ng.ext as jsonpath

    if not text:
        raise UsageError(f"jsonpath template {template!r}: an empty action {{}}")
    path = text
    if path.startswith(("$", "@")):
        path = path[1:]
    # A key written with escaped dots (app\.kubernetes\.io/name) becomes one quoted jsonpath-ng field.
    path = re.sub(r"\.((?:[^.\[\\]|\\\.)*\\\.(?:[^.\[\\]|\\\.)*)",
                  lambda m: '."' + _ESCAPED_DOT.sub(".", m.group(1)) + '"', path)
    path = "$" + (path if path.startswith((".", "[")) or not path else "." + path)
    try:
        jsonpath.parse(path)
    except Exception as exc:  # jsonpath-ng raises bare Exceptions for syntax errors
        raise UsageError(f"jsonpath template {template!r}: cannot parse {{{text}}}: {exc}") from None
    return path


def _find(expression: str, data: Any) -> list[Any]:
    import jsonpath_ng.ext as jsonpath

    if expression == "$":
        return [data]
    return [match.value for match in jsonpath.parse(expression).find(data)]


def render_jsonpath(template: str, data: Any, *, as_json: bool = False) -> str:
    """The template applied to ``data`` as ``kubectl ... -o jsonpath=TEMPLATE`` (or jsonpath-as-json) prints it."""
    out: list[str] = []
    _execute(parse_template(template), data, out, as_json)
    # A lone surrogate (a "\ud800" escape in a hand-made snapshot) cannot be written as UTF-8; Go's JSON decoder,
    # and so kubectl, reads it as U+FFFD.
    return _LONE_SURROGATE.sub("\ufffd", "".join(out))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _execute(nodes: list[_Node], current: Any, out: list[str], as_json: bool) -> None:
    for node in nodes:
        if node.body is not None:
            assert node.expression is not None
            for value in _find(node.expression, current):
                _execute(node.body, value, out, as_json)
        elif node.expression is not None:
            out.append(_print_results(_find(node.expression, current), as_json))
        elif node.text is not None:
            out.append(_print_results([node.text], as_json))


def _print_results(results: list[Any], as_json: bool) -> str:
    """client-go's PrintResults: one JSON array per action for jsonpath-as-json, else values joined by a space."""
    if as_json:
        return go_json(results, indent=4) + "\n"
    return " ".join(go_json(value) if isinstance(value, (dict, list)) else go_text(value) for value in results)


def go_text(value: Any) -> str:
    """A scalar as Go's fmt prints it (kubectl reads JSON integers as int64 and other numbers as float64)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value, exponent_at=6)
    return str(value)


def _go_float(value: float, exponent_at: int) -> str:
    """Go's shortest float64: as fmt's %v (``exponent_at=6``: 1e+06, 1e-05) or as encoding/json (21: 1e+21, 1e-07)."""
    from decimal import Decimal

    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    decimal = Decimal(repr(abs(value)))  # repr is the shortest round-trip form, as Go's
    digits = "".join(map(str, decimal.as_tuple().digits)).rstrip("0") or "0"
    exp = decimal.adjusted()
    sign = "-" if value < 0 else ""
    low = -4 if exponent_at == 6 else -6
    if exp < low or exp >= exponent_at:
        head = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        width = 2 if exponent_at == 6 else 1
        return f"{sign}{head}e{'-' if exp < 0 else '+'}{abs(exp):0{width}d}"
    if exp >= 0:
        whole, fraction = digits[: exp + 1].ljust(exp + 1, "0"), digits[exp + 1:]
    else:
        whole, fraction = "0", "0" * (-exp - 1) + digits
    return f"{sign}{whole}" + (f".{fraction}" if fraction else "")


def go_json(value: Any, indent: int = 0, _level: int = 0) -> str:
    """Go's encoding/json: keys sorted, <>& escaped, floats without a needless .0; MarshalIndent when ``indent``."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [(_json_string(str(k)), go_json(v, indent, _level + 1)) for k, v in sorted(value.items())]
        return _container("{", "}", [f"{k}:{' ' if indent else ''}{v}" for k, v in items], indent, _level)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        return _container("[", "]", [go_json(v, indent, _level + 1) for v in value], indent, _level)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return go_text(value)
    if isinstance(value, float):
        return _go_float(value, exponent_at=21)
    return _json_string(str(value))


def _container(opening: str, closing: str, parts: list[str], indent: int, level: int) -> str:
    if not indent:
        return opening + ",".join(parts) + closing
    inner, outer = "\n" + " " * indent * (level + 1), "\n" + " " * indent * level
    return opening + inner + ("," + inner).join(parts) + outer + closing


def _json_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        encoded = encoded.replace(char, escape)
    return encoded
