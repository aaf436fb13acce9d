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
    template: bool = False  # the value carries a template, as kubectl's `-o jsonpath=TEMPLATE`


# kubectl's JSONPath outputs, which every command with a JSON document offers (its renderer gets the template).
def jsonpath_formats(renderer: str) -> tuple[OutputFormat, OutputFormat]:
    """``-o jsonpath=TEMPLATE`` and ``-o jsonpath-as-json=TEMPLATE`` over the document ``renderer`` emits."""
    return (OutputFormat("jsonpath", renderer, template=True),
            OutputFormat("jsonpath-as-json", renderer, template=True))


class OutputChoice(click.Choice):
    """The declared -o names, plus NAME=TEMPLATE for the template formats (kubectl's `-o jsonpath={.a}`)."""

    def __init__(self, names: tuple[str, ...], templated: tuple[str, ...]) -> None:
        super().__init__([n for n in names if n not in templated] + [f"{n}=TEMPLATE" for n in templated])
        self.templated = templated

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        head, equals, template = str(value).partition("=")
        if head in self.templated:
            if not equals or not template:
                self.fail(f"-o {head} needs a template, as in kubectl: -o {head}='{{.items[*].name}}'", param, ctx)
            return f"{head}={template}"
        return super().convert(value, param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        names = [c for c in map(str, self.choices) if not c.endswith("=TEMPLATE")] + [f"{n}=" for n in self.templated]
        return [CompletionItem(n) for n in names if n.startswith(incomplete)]


class Formats(Generic[V]):
    """The `-o` values of one command, in the order `--help` lists them."""

    def __init__(self, *formats: OutputFormat, default: str | None = None) -> None:
        self.by_name = {f.name: f for f in formats}
        self.default = default
        if default is not None and default not in self.by_name:
            raise ValueError(f"default format {default!r} is not declared")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.by_name)

    def option(self, help: str, show_default: bool = True) -> Callable[[F], F]:
        """The command's `-o/--output` option: exactly the declared values."""
        templated = tuple(name for name in self.names if self.by_name[name].template)
        return click.option("-o", "--output", type=OutputChoice(self.names, templated), default=self.default,
                            show_default=show_default and self.default is not None, help=help)

    def render(self, name: str | None, view: V) -> None:
        """Render ``view`` in the format ``name`` (None: the default); a template format's renderer gets
        ``NAME=TEMPLATE`` whole."""
        chosen = self.by_name[(name or self.default or "").partition("=")[0]]
        module_name, _, function = chosen.renderer.partition(":")
        renderer: Renderer[V] = getattr(importlib.import_module(module_name), function)
        try:
            renderer(view, name if chosen.template and name else chosen.name)
        except BrokenPipeError:  # `| head` read what it wanted: the output ends, the verdict's exit code stays
            from kubectl_arch.output.console import silence_stdout

            silence_stdout()
