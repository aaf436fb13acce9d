"""``kubectl arch trace`` in a terminal: the owner chain, one bar per stage on one time axis, then why.

The axis runs from the first step of this pod to its last (or to now while a step is unfinished), so
the slow step is the long bar. The stuck step is marked with colour on a terminal and with ``>`` and
"stuck" in plain output, so the view reads the same under NO_COLOR or in a pipe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubectl_arch.trace.report import TraceReport
from kubectl_arch.trace.stages import Stage, StageStatus

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

STATUS_STYLES = {StageStatus.DONE: "green", StageStatus.IN_PROGRESS: "yellow", StageStatus.FAILED: "bold red",
                 StageStatus.NOT_REACHED: "dim", StageStatus.UNKNOWN: "dim"}
NAME_WIDTH, STATUS_WIDTH, AT_WIDTH, TOOK_WIDTH = 21, 12, 8, 7
STUCK_MARK = " <- stuck"
EARLIER = "earlier"  # AT of a step before the clock's start (an owner written long before the pod)
MIN_BAR_WIDTH = 10


def format_seconds(seconds: float) -> str:
    """Durations as people say them: 412ms, 3.0s, 4m12s, 1h05m, 3d04h (a pod up for a year is 365d00h, not
    8760h00m, which no longer fits the timeline's columns)."""
    if seconds == 0:
        return "0s"
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes}m{rest:02d}s"
    if seconds < 86_400:
        hours, rest = divmod(round(seconds) // 60, 60)
        return f"{hours}h{rest:02d}m"
    days, hours = divmod(round(seconds) // 3600, 24)
    return f"{days}d{hours:02d}h"


class Axis:
    """Maps times to columns of the bar area."""

    def __init__(self, origin: dt.datetime, end: dt.datetime, width: int) -> None:
        self.origin = origin
        self.span = max((end - origin).total_seconds(), 1e-3)
        self.width = width

    def column(self, when: dt.datetime) -> int:
        fraction = (when - self.origin).total_seconds() / self.span
        return max(0, min(self.width - 1, round(fraction * (self.width - 1))))


def timeline_axis(report: TraceReport, width: int) -> Axis | None:
    """From the trace's clock start (this pod's first step; owners written long before it are off the axis) to
    its last step, or now if unfinished."""
    start = report.clock_start
    times = [t for s in report.stages if not report.before_clock(s) for t in (s.start, s.end) if t is not None]
    if start is None or not times:
        return None
    end = max(times)
    if not report.view.terminal and any(s.status in (StageStatus.IN_PROGRESS, StageStatus.FAILED)
                                        for s in report.stages):
        end = max(end, report.now)
    return Axis(start, end, width)


def render(report: TraceReport, format_name: str) -> None:
    """`trace` for people: the timeline (`-o wide` adds every piece of evidence)."""
    import sys

    from kubectl_arch.output.console import make_console

    render_timeline(report, make_console(sys.stdout), wide=format_name == "wide")


def render_timeline(report: TraceReport, console: Console, wide: bool = False) -> None:
    from rich.text import Text

    view = report.view
    console.print(_title(report))
    console.print(Text(f"Source: {report.source}", style="dim"))
    chain = [f"{kind} {name}" for kind, name in reversed(report.owners)]
    chain.append(f"Pod {view.name}" if report.has_pod else "(no pod)")
    console.print(Text("Owners: " + " -> ".join(chain)))
    if report.events_expired:
        _paragraph(console, "Events have expired (the API server keeps them 1 hour by default): times marked ~ were "
                            "rebuilt from the pod's own record.", style="yellow")
    console.print()
    probe = timeline_axis(report, MIN_BAR_WIDTH)
    widths = _Widths.fitting([_times(stage, probe, report.before_clock(stage)) for stage in report.stages])
    columns = NAME_WIDTH + STATUS_WIDTH + widths.at + widths.took + 4
    needed = columns + MIN_BAR_WIDTH + len(STUCK_MARK)
    bars = console.width >= needed
    bar_width = console.width - columns - len(STUCK_MARK) if bars else 0
    # Too narrow for bars: the rows keep their times and the stuck mark, and say the bars were left out.
    axis = timeline_axis(report, bar_width) if bars else None
    # A row still wider than the terminal ends in an ellipsis: never a mark or a time cut without a sign.
    console.print(_header(axis, bar_width, widths) if bars else _header(None, 0, widths, times=False),
                  no_wrap=True, overflow="ellipsis")
    stuck_name = report.stuck.stage if report.stuck else None
    earlier = False
    for stage in report.stages:
        before = report.before_clock(stage)
        earlier = earlier or before
        console.print(_row(stage, axis, report.now, stage.name == stuck_name, widths, probe, bars, before),
                      no_wrap=True, overflow="ellipsis")
    legend = "| instant   #/. time spent" if bars else f"(bars need {needed} columns)"
    if earlier and bars:
        legend += "   < earlier"
    console.print(Text(f"~ approximate (rebuilt without events)   {legend}   ? time unknown", style="dim"))
    _render_details(report, console, wide)
    _render_stuck(report, console)
    _render_timing(report, console)


def _title(report: TraceReport) -> Text:
    """The pod and where it runs, or, when there is no pod, the owner that should have created one."""
    from rich.text import Text

    view = report.view
    if not report.has_pod:
        kind, name = report.owners[-1] if report.owners else ("Owner", "?")
        first_kind, first_name = report.owners[0] if report.owners else (kind, name)
        return Text.assemble((f"{kind} ", "bold"), (f"{report.namespace}/{name}", "bold"),
                             f" · no pod: {first_kind} {first_name} has not created any")
    node = f" on {view.node_name}" if view.node_name else " (no node yet)"
    return Text.assemble(("Pod ", "bold"), (f"{view.namespace}/{view.name}", "bold"), f"{node} · phase {view.phase}")


@dataclass(frozen=True)
class _Widths:
    """The AT and TOOK columns: their usual widths, wider when a time needs it, so a column never touches the next."""

    at: int = AT_WIDTH
    took: int = TOOK_WIDTH

    @classmethod
    def fitting(cls, times: list[tuple[str, str]]) -> _Widths:
        return cls(max([AT_WIDTH, *(len(at) + 1 for at, _ in times)]),
                   max([TOOK_WIDTH, *(len(took) + 1 for _, took in times)]))


def _times(stage: Stage, axis: Axis | None, earlier: bool = False) -> tuple[str, str]:
    """A stage's AT and TOOK texts (the axis's origin and so AT do not depend on the bar's width); ``earlier`` for
    a step long before the clock's start, which a note dates in words rather than as minus weeks."""
    approx = "~" if stage.approximate else ""
    return EARLIER if earlier else _at_text(stage, axis, approx), _took_text(stage, approx)


def _header(axis: Axis | None, bar_width: int, widths: _Widths, times: bool = True) -> Text:
    """The columns' names and the bars' time scale; ``times`` False when the bars are left out."""
    from rich.text import Text

    left = f"  {'STAGE':<{NAME_WIDTH}}{'STATUS':<{STATUS_WIDTH}}{'AT':>{widths.at}}{'TOOK':>{widths.took}}  "
    if not times:
        return Text(left.rstrip(), style="bold")
    if axis is None:
        return Text(left + "(no times known)", style="bold")
    total = format_seconds(axis.span)
    scale = "0s" + total.rjust(bar_width - 2)
    return Text(left + scale, style="bold")


def _row(stage: Stage, axis: Axis | None, now: dt.datetime, stuck: bool, widths: _Widths,
         times_axis: Axis | None, bars: bool = True, earlier: bool = False) -> Text:
    """A stage's row; its AT is measured on ``times_axis``, so it is the same with bars or without them."""
    from rich.text import Text

    style = STATUS_STYLES[stage.status]
    at, took = _times(stage, times_axis, earlier)
    row = Text()
    row.append("> " if stuck else "  ", style="bold red" if stuck else "")
    row.append(f"{stage.name:<{NAME_WIDTH}}", style="bold" if stuck else "")
    row.append(f"{stage.status.value:<{STATUS_WIDTH}}", style=style)
    row.append(f"{at:>{widths.at}}{took:>{widths.took}}" + ("  " if bars else ""))
    if axis is not None:
        row.append("<" if earlier else _bar(stage, axis, now), style=style)
    if stuck:
        row.append(STUCK_MARK, style="bold red")
    row.rstrip()
    return row


def _at_text(stage: Stage, axis: Axis | None, approx: str) -> str:
    when = stage.start or stage.end
    if when is None or axis is None:
        return "-" if stage.status is StageStatus.NOT_REACHED else "?"
    offset = (when - axis.origin).total_seconds()
    sign = "-" if offset < 0 else "+"
    return f"{approx}{sign}{format_seconds(abs(offset))}"


def _took_text(stage: Stage, approx: str) -> str:
    if stage.duration_seconds is not None:
        return f"{approx}{format_seconds(stage.duration_seconds)}"
    if stage.status is StageStatus.NOT_REACHED:
        return "-"
    return "?" if stage.done or stage.status is StageStatus.UNKNOWN else "..."


def _bar(stage: Stage, axis: Axis, now: dt.datetime) -> str:
    """A run of '#' for time spent, '.' for an unfinished step up to now, '|' for an instant."""
    if stage.status is StageStatus.NOT_REACHED:
        return ""
    start, end = stage.start, stage.end
    if stage.status is StageStatus.UNKNOWN:
        return "?" if start is None else " " * axis.column(start) + "?"
    ongoing = not stage.done and end is None
    if ongoing:
        end = now
    if start is None and end is None:
        return "?"
    if end is None:  # done, and when it ended is unknown (a first start lost to restarts): no length to draw
        return " " * axis.column(start) + "?" if start is not None else "?"
    begin = axis.column(start or end)
    finish = axis.column(end)
    if finish < begin:
        begin, finish = finish, begin
    clipped = "<" if start is not None and start < axis.origin else ""
    if ongoing:
        return " " * begin + clipped + "." * max(1, finish - begin + 1 - len(clipped))
    if start is None or start == end:
        return " " * finish + "|"
    return " " * begin + clipped + "#" * max(1, finish - begin + 1 - len(clipped))


def _render_details(report: TraceReport, console: Console, wide: bool) -> None:
    from rich.text import Text

    console.print()
    console.print(Text("Who acted, and the evidence", style="bold"))
    for stage in report.stages:
        if stage.status is StageStatus.NOT_REACHED and not wide:
            continue
        console.print(Text.assemble(f"  {stage.name:<{NAME_WIDTH}}", (stage.actor or "-", "cyan")))
        evidence = stage.evidence if wide or not stage.done else stage.evidence[:2]
        for line in evidence:
            _paragraph(console, line, NAME_WIDTH + 2, "dim")


def _paragraph(console: Console, text: str, indent: int = 0, style: str = "") -> None:
    """Print ``text`` wrapped to the console, every line starting at column ``indent``, no trailing blanks."""
    import textwrap

    from rich.text import Text

    width = max(20, console.width - indent)
    for line in textwrap.wrap(text, width=width, break_on_hyphens=False, break_long_words=False) or [""]:
        console.print(Text(" " * indent + line, style=style), no_wrap=True, overflow="ignore", crop=False)


def _render_stuck(report: TraceReport, console: Console) -> None:
    from rich.text import Text

    console.print()
    if report.stuck is None and report.finished is not None:
        diagnosis = report.finished
        style = "bold green" if report.view.phase == "Succeeded" else "bold red"
        console.print(Text.assemble(("Finished", style), (f": {diagnosis.reason}", "bold")))
    elif report.stuck is None:
        verdict = report.verdict
        ready = verdict.state == "ready"
        _paragraph(console, f"{'Not stuck' if ready else 'Unknown'}: {verdict.summary}.",
                   style="bold green" if ready else "bold yellow")
        return
    else:
        diagnosis = report.stuck.diagnosis
        console.print(Text.assemble(("Stuck at ", "bold red"), (report.stuck.stage, "bold red"),
                                    (f": {diagnosis.reason}", "bold")))
    _paragraph(console, diagnosis.explanation)
    for line in diagnosis.evidence:
        _paragraph(console, f"seen: {line}", 2, "dim")
    if diagnosis.next:
        console.print(Text("Next:", style="bold"))
        for command in diagnosis.next:
            console.print(Text(f"  {command}"), soft_wrap=True)  # whole, so it can be copied
    console.print(Text(f"Read more: {diagnosis.docs}", style="dim"))


def _render_timing(report: TraceReport, console: Console) -> None:
    from rich.text import Text

    pulls = report.pulls
    if pulls:
        console.print()
        console.print(Text("Image pulls (excluded from the startup SLO)", style="bold"))
        for pull in pulls:
            if pull.already_present:
                what = "already on the node, no pull"
            else:
                took = format_seconds(pull.seconds) if pull.seconds is not None else "?"
                size = f", {pull.size_bytes / 1e6:.1f} MB" if pull.size_bytes else ""
                what = f"pulled in {took}{size}"
            console.print(Text(f"  {pull.container}: {pull.image} {what}"))
    if report.notes:
        console.print()
        for note in report.notes:
            _paragraph(console, f"note: {note}", 0, "dim")
