"""``kubectl arch audit`` in a terminal: checks grouped by component, then a summary and the exit code.

A passing check is one line. A warning or failure reads top to bottom as the person on call needs it:
status, check and what was seen, then the evidence, why it matters, the fix and where to read more.
Lines are wrapped here, between words: a command stays whole where it fits, a URL is never cut.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.report.brevity import FINDINGS_SHOWN, more_findings, pointer, same_reason_as
from kubectl_arch.audit.report.evidence import evidence_items
from kubectl_arch.audit.report.overview import overview_lines
from kubectl_arch.audit.runner import AuditOutcome, AuditReport, CheckResult, exit_code
from kubectl_arch.output.console import LineConsole, trimmed_lines
from kubectl_arch.output.wrap import wrap as _wrap
from kubectl_arch.wording import plural

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

STYLES = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "bold red", Status.SKIP: "dim",
          Status.ERROR: "bold magenta"}

# Components in the order a request meets them; others follow alphabetically.
COMPONENT_ORDER = ("kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager", "nodes", "kubelet",
                   "kube-proxy", "dns", "certificates", "workloads", "audit")

INDENT = "  "
BADGE = 4  # PASS, WARN, FAIL, SKIP
LABEL = 10  # "evidence: " — the detail labels' column; a longer label gets a line of its own
# Below these widths a check's message goes under its id instead of beside it.
NARROWEST_DETAILED = 56
NARROWEST_PASS = 30


@dataclass(frozen=True)
class Layout:
    """Column positions for one report, from the terminal width and its longest check id."""

    width: int
    id_width: int

    @property
    def detail(self) -> int:
        """Where detail labels start: under the check id."""
        return len(INDENT) + BADGE + 1

    def message(self, detailed: bool) -> int:
        """Where a check's message starts: beside the id when there is room, else under it.

        A detailed block (warn, fail, -o wide) needs a wider column to read well than a one-line pass.
        """
        beside = self.detail + self.id_width + 2
        room = self.width - beside
        return beside if room >= (NARROWEST_DETAILED if detailed else NARROWEST_PASS) else self.detail

    @property
    def text(self) -> int:
        return self.detail + LABEL


def render_terminal(reports: Sequence[AuditReport], console: Console | LineConsole, wide: bool = False,
                    fail_on: Status = Status.FAIL) -> None:
    """Print each report, then one line on the exit code; ``wide`` also shows passing checks' evidence."""
    with trimmed_lines(console):
        for index, report in enumerate(reports):
            if index:
                console.print()
            _render_report(report, console, wide)
        if len(reports) > 1:
            console.print()
            for line in overview_lines(reports, fail_on):
                _print(console, [(line, "bold" if line.startswith("Clusters (") else "")])
        hint = exit_hint(reports, fail_on)
        if hint:
            for line in _wrap(hint, console.width):
                _print(console, [(line, "dim")])


def _render_report(report: AuditReport, console: Console | LineConsole, wide: bool) -> None:
    cluster = report.cluster
    _print(console, [(f"Audit of {cluster.context or cluster.server}", "bold"), (f" ({cluster.version})", "")])
    _print(console, [(f"source: {cluster.source}", "dim")])
    if report.error:
        _print(console, [("could not read this cluster: ", "bold red"), (report.error, "")])
        return
    layout = Layout(console.width, max((len(r.meta.id) for r in report.results), default=10))
    for component, results in _by_component(report.results):
        console.print()
        _print(console, [(component, "bold")])
        repeats = {} if wide else same_reason_as(results)  # -o wide repeats every message
        for result in results:
            repeated = repeats.get(result.meta.id)
            _render_check(result, console, layout, wide, pointer(repeated) if repeated else None)
    console.print()
    _print(console, summary_segments(report))
    for reason in report.unread.values():
        _print(console, [("unreadable: ", "bold"), (reason, "")])


def _render_check(result: CheckResult, console: Console | LineConsole, layout: Layout, wide: bool,
                  message: str | None = None) -> None:
    """One check: its badge, id and first finding's ``message`` (or the one given), then its details."""
    findings = result.findings if wide else result.headline()
    hidden = len(findings) - FINDINGS_SHOWN if not wide and len(findings) > FINDINGS_SHOWN else 0
    findings = findings[:len(findings) - hidden]
    detailed = wide or result.status.problem or result.incomplete
    first = findings[0] if findings else Finding(result.meta.id, Status.PASS, "every finding is suppressed")
    if message is not None:
        first = dataclasses.replace(first, message=message)
    header = [(INDENT, ""), (_badge(result.status), STYLES[result.status]), (" ", ""), (result.meta.id, "bold")]
    column = layout.message(detailed)
    lines = _wrap(first.message, console.width - column)
    if column == layout.detail:
        _print(console, header)
        for line in lines:
            _print(console, [(" " * layout.detail + line, "")])
    else:
        pad = " " * (column - layout.detail - len(result.meta.id))
        _print(console, [*header, (pad + lines[0], "")])
        for line in lines[1:]:
            _print(console, [(" " * column + line, "")])
    if not detailed:
        for finding in findings[1:]:  # further passing findings: one line each, beside the first
            for line in _wrap(finding.message, console.width - column):
                _print(console, [(" " * column + line, "")])
    else:
        # Evidence follows the findings it belongs to: once after a run of findings that share it.
        for index, finding in enumerate(findings):
            if index:
                _detail(console, layout, _badge(finding.status), finding.message, STYLES[finding.status])
            following = findings[index + 1] if index + 1 < len(findings) else None
            if following is None or following.evidence != finding.evidence:
                _evidence(console, layout, finding)
    if hidden:
        _detail(console, layout, "and more:", more_findings(hidden))
    for finding, suppression in result.suppressed:
        _detail(console, layout, "suppressed:", f"{finding.message} ({suppression.describe()})")
    if result.status.problem:
        _detail(console, layout, "why:", result.why)
        _detail(console, layout, "fix:", result.fix)
        # A URL is never wrapped: it stays clickable and copyable even past the right margin.
        _labelled(console, layout, "see:", list(result.references))


def _evidence(console: Console | LineConsole, layout: Layout, finding: Finding) -> None:
    """The finding's evidence, packed into lines at item boundaries so a value is split only if it must be."""
    items = evidence_items(finding.evidence)
    if not items:
        return
    room = console.width - layout.text
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= room:
            lines[-1] += " · " + item
        else:
            lines += _wrap(item, room)
    _labelled(console, layout, "evidence:", lines)


def _detail(console: Console | LineConsole, layout: Layout, label: str, text: str, label_style: str = "dim") -> None:
    _labelled(console, layout, label, _wrap(text, console.width - layout.text), label_style)


def _labelled(console: Console | LineConsole, layout: Layout, label: str, lines: list[str],
              label_style: str = "dim") -> None:
    """Already-wrapped lines under a label; lines are printed as they are, so a URL is never cut."""
    if len(label) >= LABEL:
        _print(console, [(" " * layout.detail, ""), (label, label_style)])
    for index, line in enumerate(lines):
        if index == 0 and len(label) < LABEL:
            _print(console, [(" " * layout.detail, ""), (f"{label:<{LABEL - 1}}", label_style), (" " + line, "")])
        else:
            _print(console, [(" " * layout.text + line, "")])


def _print(console: Console | LineConsole, segments: Iterable[tuple[str, str]]) -> None:
    """Print one already-wrapped line; rich must neither wrap nor crop it (a URL may pass the margin).

    Where no style can show (piped, NO_COLOR) the line is its characters as rich's ``Text`` keeps them (control
    codes it strips removed), printed without laying out a ``Text``: a report is some 200 lines, and that layout
    was a fifth of a 10-node audit's analysis. A tab, which rich expands, still goes through ``Text``.
    """
    parts = list(segments)
    line = "".join(part.translate(STRIPPED_CONTROLS) for part, _ in parts)
    if isinstance(console, LineConsole):
        console.line(_text_line(parts, console.width) if "\t" in line else line)
    elif console.color_system is None and "\t" not in line:
        console.print(_Line(line), crop=False)
    else:
        _print_text(console, parts)


# The control codes rich's Text removes from what it is given (rich.control.STRIP_CONTROL_CODES: BEL, BS, VT, FF, CR).
STRIPPED_CONTROLS = dict.fromkeys((7, 8, 11, 12, 13))


def _text_line(parts: Sequence[tuple[str, str]], width: int) -> str:
    """The line rich's Text prints for ``parts`` on a plain console (it expands tabs), without its newline."""
    import io

    from kubectl_arch.output.console import make_console

    buffer = io.StringIO()
    _print_text(make_console(buffer, width=width), parts)
    return buffer.getvalue().removesuffix("\n")


def _print_text(console: Console, segments: Iterable[tuple[str, str]]) -> None:
    from rich.text import Text

    text = Text.assemble(*((part, style) if style else part for part, style in segments))
    console.print(text, no_wrap=True, overflow="ignore", crop=False)


class _Line:
    """One line of plain text, given to the console as it is (its console still shows control characters)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        yield Segment(self.text)
        yield Segment.line()


def _by_component(results: Iterable[CheckResult]) -> list[tuple[str, list[CheckResult]]]:
    groups: dict[str, list[CheckResult]] = {}
    for result in results:
        groups.setdefault(result.meta.component, []).append(result)

    def order(component: str) -> tuple[int, str]:
        rank = COMPONENT_ORDER.index(component) if component in COMPONENT_ORDER else len(COMPONENT_ORDER)
        return rank, component

    return [(c, groups[c]) for c in sorted(groups, key=order)]


def _badge(status: Status) -> str:
    return f"{status.value.upper():<{BADGE}}"


def summary_segments(report: AuditReport) -> list[tuple[str, str]]:
    """``17 checks: 2 pass, 5 warn, 9 fail, 1 skip``, each count in its status colour."""
    counts = report.summary()
    total = sum(counts[s.value] for s in Status)
    segments: list[tuple[str, str]] = [(f"{plural(total, 'check')}: ", "bold")]
    for index, status in enumerate((Status.PASS, Status.WARN, Status.FAIL, Status.SKIP, Status.ERROR)):
        if status is Status.ERROR and not counts[status.value]:
            continue  # "0 error" is noise: errors are rare and shown when they happen
        segments += [(", " if index else "", ""), (f"{counts[status.value]} {status.value}", STYLES[status])]
    if counts["suppressed"]:
        segments.append((f" ({counts['suppressed']} suppressed)", ""))
    if report.passes_hidden:
        segments.append((f" ({report.passes_hidden} passing not listed)", ""))
    return segments


def exit_hint(reports: Sequence[AuditReport], fail_on: Status) -> str | None:
    """One line on what the exit code will be and why, when anything was found; None when all is well."""
    statuses = [r.status for report in reports for r in report.results]
    failing = sum(1 for s in statuses if s.reaches(fail_on))
    warnings = sum(1 for s in statuses if s is Status.WARN)
    code = int(exit_code(reports, fail_on))
    if any(r.error for r in reports):
        return f"Exit code {code}: a cluster could not be read."
    if failing:
        checks = "1 check reaches" if failing == 1 else f"{failing} checks reach"
        return f"Exit code {code}: {checks} --fail-on {fail_on.value} (see --config for suppressions)."
    if warnings:
        return f"Exit code {code}: warnings do not fail the run (--fail-on warn makes them fail)."
    return None


def render(outcome: AuditOutcome, format_name: str) -> None:
    """The report for people (`-o wide` shows every finding's full evidence); plain output is written without rich."""
    import sys

    from kubectl_arch.output.console import make_console, wants_plain

    console = LineConsole(sys.stdout) if wants_plain(sys.stdout) else make_console()
    render_terminal(outcome.reports, console, wide=format_name == "wide", fail_on=outcome.fail_on)
