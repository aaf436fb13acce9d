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
    """Write plain data to stdout as JSON, or as YAML when ``format_name`` is "yaml"."""
    import click

    click.echo(to_yaml(data) if format_name == "yaml" else to_json(data), nl=False)
