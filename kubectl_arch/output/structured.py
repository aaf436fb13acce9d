"""Machine-readable outputs shared by every command: JSON and YAML of plain data."""

from __future__ import annotations

import json
from typing import Any


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"


def to_yaml(data: Any) -> str:
    import yaml

    return str(yaml.safe_dump(json.loads(json.dumps(data, default=str)), sort_keys=False, allow_unicode=True))


def emit(data: Any, format_name: str) -> None:
    """Write plain data to stdout as JSON, as YAML when ``format_name`` is "yaml", or through kubectl's
    template for "jsonpath=TEMPLATE" and "jsonpath-as-json=TEMPLATE" (over the same JSON document)."""
    import click

    head, _, template = format_name.partition("=")
    if head in ("jsonpath", "jsonpath-as-json"):
        from kubectl_arch.output.jsonpath import render_jsonpath

        document = json.loads(json.dumps(data, default=str))
        click.echo(render_jsonpath(template, document, as_json=head == "jsonpath-as-json"), nl=False)
        return
    click.echo(to_yaml(data) if format_name == "yaml" else to_json(data), nl=False)
