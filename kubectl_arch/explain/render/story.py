"""``--walkthrough`` and ``--what-if`` as text: numbered steps and failure scenarios."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kubectl_arch.explain.render.terminal import labelled, two_columns
from kubectl_arch.explain.walkthrough import Step
from kubectl_arch.explain.what_if import Scenario
from kubectl_arch.output.console import trimmed_lines
from kubectl_arch.output.sanitise import from_markup, markup

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

VERDICT = {True: "[green]survives[/]", False: "[bold red]stops[/]", None: "[dim]not visible[/]"}


def print_step(console: Console, number: int, total: int, step: Step) -> None:
    from rich.text import Text

    with trimmed_lines(console):
        console.print(Text(f"Step {number}/{total}: {step.title}", style="bold"))
        console.print(Text(step.text))
        console.print(two_columns([("  in this cluster:", markup(step.here, multiline=True))]))
        console.print()


def print_walkthrough(console: Console, steps: list[Step], pause: Callable[[], None] | None = None) -> None:
    """All steps; ``pause`` (Enter on a terminal) runs between them."""
    from rich.text import Text

    console.print(Text("The journey of `kubectl apply -f deployment.yaml`", style="bold"))
    console.print()
    for number, step in enumerate(steps, 1):
        print_step(console, number, len(steps), step)
        if pause is not None and number < len(steps):
            pause()


def _bullet_grid(rows: list[tuple[str, str]]) -> Table:
    """Label, bullet, text: wrapped text stays aligned under its bullet's text."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, text in rows:
        grid.add_row(label, "-", markup(text, multiline=True))
    return grid


def print_scenarios(console: Console, scenarios: list[Scenario]) -> None:
    from rich.text import Text

    with trimmed_lines(console):
        console.print(Text("What if...", style="bold"))
        console.print()
        for scenario in scenarios:
            console.print(from_markup(f"[bold]{markup(scenario.title)}[/]: {VERDICT[scenario.survives]}"))
            console.print(Text(scenario.summary))
            rows = labelled("  keeps working:", scenario.keeps_working) + labelled("  stops:", scenario.stops)
            rows += labelled("  to do:", scenario.advice)
            if rows:
                console.print(_bullet_grid(rows))
            console.print()
