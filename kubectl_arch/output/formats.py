"""One `-o` mapping per command: each value names its renderer, imported only when chosen.

A command declares its formats once; the `-o/--output` option (its choices and default) and the dispatch
both come from that declaration, so there is no if/elif ladder and `--help` imports no renderer.

    FORMATS = Formats(
        OutputFormat("text", "kubectl_arch.trace.render.timeline:render"),
        OutputFormat("json", "kubectl_arch.trace.render.document:render"),
        default="text",
    )
    @FORMATS.option(help="...")
    def trace(output: str, ...): ... FORMATS.render(output, report)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import click

V = TypeVar("V")
F = TypeVar("F", bound=Callable[..., Any])

# A renderer writes the view to stdout; it receives the chosen format's name (e.g. "wide" vs "text").
Renderer = Callable[[V, str], None]


@dataclass(frozen=True)
class OutputFormat:
    """One `-o` value: its name and the renderer as "package.module:function"."""

    name: str
    renderer: str
    listed: bool = True  # False: the default view, chosen by giving no -o (explain has no `-o text`)


class Formats(Generic[V]):
    """The `-o` values of one command, in the order `--help` lists them."""

    def __init__(self, *formats: OutputFormat, default: str | None = None) -> None:
        self.by_name = {f.name: f for f in formats}
        self.default = default
        if default is not None and default not in self.by_name:
            raise ValueError(f"default format {default!r} is not declared")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, f in self.by_name.items() if f.listed)

    def option(self, help: str, show_default: bool = True) -> Callable[[F], F]:
        """The command's `-o/--output` option: exactly the declared values."""
        listed_default = self.default if self.default in self.names else None
        return click.option("-o", "--output", type=click.Choice(self.names), default=listed_default,
                            show_default=show_default and listed_default is not None, help=help)

    def render(self, name: str | None, view: V) -> None:
        """Render ``view`` in the format ``name`` (None: the default)."""
        chosen = self.by_name[name or self.default or ""]
        module_name, _, function = chosen.renderer.partition(":")
        renderer: Renderer[V] = getattr(importlib.import_module(module_name), function)
        renderer(view, chosen.name)
