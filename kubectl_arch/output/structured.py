"""Machine-readable outputs shared by every command: JSON and YAML of plain data."""

from __future__ import annotations

import json
import sys
from typing import Any


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"


def to_yaml(data: Any) -> str:
    """YAML in UTF-8; all ASCII with escapes when any string holds a control, bidi or lone surrogate character
    (PyYAML would write those raw), so cluster data can neither drive a terminal nor break the encoding."""
    import yaml

    from kubectl_arch.output.sanitise import has_unsafe

    plain = json.loads(json.dumps(data, default=str))
    unicode_ok = not has_unsafe(json.dumps(plain, ensure_ascii=False))
    dumper = yaml_dumper() if unicode_ok else yaml.SafeDumper
    return str(yaml.dump(plain, Dumper=dumper, sort_keys=False, allow_unicode=unicode_ok))


def yaml_dumper() -> type:
    """libyaml's safe dumper where PyYAML was built with it (7x faster on audit's document), else PyYAML's own.
    Only for text with no character ``has_unsafe`` finds: libyaml cannot write a lone surrogate, which PyYAML's
    own dumper escapes. The two differ only in rare spellings of the same data (an empty key)."""
    import yaml

    return getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def emit(data: Any, format_name: str) -> None:
    """Write plain data to stdout as JSON, as YAML when ``format_name`` is "yaml", or through kubectl's
    template for "jsonpath=TEMPLATE" and "jsonpath-as-json=TEMPLATE" (over the same JSON document)."""
    import click

    head, _, template = format_name.partition("=")
    if head in ("jsonpath", "jsonpath-as-json"):
        from kubectl_arch.output.jsonpath import render_jsonpath

        document = json.loads(json.dumps(data, default=str))
        as_json = head == "jsonpath-as-json"
        rendered = render_jsonpath(template, document, as_json=as_json)
        click.echo(for_terminal(rendered, as_json) if sys.stdout.isatty() else rendered, nl=False)
        return
    click.echo(to_yaml(data) if format_name == "yaml" else to_json(data), nl=False)



def for_terminal(rendered: str, as_json: bool) -> str:
    """A template's output as a terminal shows it: control characters shown (``^[``, ``\\r``), as kubectl's tables
    show them, or in JSON as ``\\u`` escapes (the same JSON). kubectl prints templates raw, for scripts
    (kubernetes/kubernetes#112553 left them out), and so does a pipe here; on a terminal an event message holding
    an escape sequence would retitle it or forge a line."""
    from kubectl_arch.output.sanitise import json_escaped, visible

    return json_escaped(rendered) if as_json else visible(rendered)
