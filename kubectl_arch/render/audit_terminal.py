"""``kubectl arch audit`` in a terminal: checks grouped by component, then a summary line.

A passing check is one line. A warning or failure also shows its evidence, why it matters, the fix and
where to read more, because the person reading it at 3 a.m. needs all four in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.runner import AuditReport, CheckResult

if TYPE_CHECKING:
    from rich.console import Console

STYLES = {Status.PASS: "green", Status.WARN: "yellow", Status.FAIL: "bold red", Status.SKIP: "dim"}

# Components in the order a request meets them; others follow alphabetically.
COMPONENT_ORDER = ("kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager", "nodes", "kubelet",
                   "kube-proxy", "dns", "certificates", "workloads", "audit")


def render_terminal(reports: Sequence[AuditReport], console: Console, wide: bool = False) -> None:
    """Print each report; ``wide`` also lists every finding with its evidence, passing ones included."""
    with console.capture() as captured:
        for index, report in enumerate(reports):
            if index:
                console.print()
            _render_report(report, console, wide)
    # Table cells pad to the column width; trailing blanks are noise in logs, diffs and golden files.
    console.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def _render_report(report: AuditReport, console: Console, wide: bool) -> None:
    from rich.table import Table

    cluster = report.cluster
    title = _escape(f"{cluster.context or cluster.server} ({cluster.version})")
    console.print(f"[bold]Audit of {title}[/bold] · {_escape(cluster.source)}")
    if report.error:
        console.print(f"[bold red]could not read this cluster:[/bold red] {_escape(report.error)}")
        return
    width = max((len(r.meta.id) for r in report.results), default=10)
    for component, results in _by_component(report.results):
        console.print()
        console.print(f"[bold]{_escape(component)}[/bold]")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1)
        grid.add_column(width=4, no_wrap=True)
        grid.add_column(width=width, no_wrap=True)
        grid.add_column(overflow="fold")
        for result in results:
            for badge, check_id, text in _rows(result, wide):
                grid.add_row("", badge, check_id, text)
        console.print(grid)
    console.print()
    console.print(summary_line(report))


def _by_component(results: Iterable[CheckResult]) -> list[tuple[str, list[CheckResult]]]:
    groups: dict[str, list[CheckResult]] = {}
    for result in results:
        groups.setdefault(result.meta.component, []).append(result)

    def order(component: str) -> tuple[int, str]:
        rank = COMPONENT_ORDER.index(component) if component in COMPONENT_ORDER else len(COMPONENT_ORDER)
        return rank, component

    return [(c, groups[c]) for c in sorted(groups, key=order)]


def _rows(result: CheckResult, wide: bool) -> list[tuple[str, str, str]]:
    """(badge, check id, text) rows of one check: each finding with its evidence, then the teaching text."""
    shown = result.findings if wide else result.headline()
    rows: list[tuple[str, str, str]] = []
    for index, finding in enumerate(shown):
        if index == 0:
            rows.append((_badge(result.status), f"[bold]{result.meta.id}[/bold]", _escape(finding.message)))
        else:
            rows.append(("", "", f"{_badge(finding.status)} {_escape(finding.message)}"))
        if finding.evidence and (wide or finding.status.rank > 0):
            rows.append(("", "", f"[dim]evidence:[/dim] {_escape(format_evidence(finding.evidence))}"))
    rows += [("", "", f"[dim]suppressed: {_escape(f.message)} — {_escape(s.describe())}[/dim]")
             for f, s in result.suppressed]
    if result.status.rank > 0:
        meta = result.meta
        rows += [("", "", f"[dim]why:[/dim] {_escape(meta.why)}"), ("", "", f"[dim]fix:[/dim] {_escape(meta.fix)}")]
        rows += [("", "", f"[dim]{'see:' if i == 0 else '    '}[/dim] {_escape(ref)}")
                 for i, ref in enumerate(meta.references)]
    return rows


def _badge(status: Status) -> str:
    return f"[{STYLES[status]}]{status.value.upper():<4}[/{STYLES[status]}]"


def format_evidence(evidence: dict[str, Any]) -> str:
    """Evidence as ``key=value`` pairs on one line, lists joined by commas."""
    parts = []
    for key, value in evidence.items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value) or "none"
        elif isinstance(value, dict):
            value = "(" + (", ".join(f"{k}: {v}" for k, v in value.items()) or "none") + ")"
        parts.append(f"{key}={value}")
    return "; ".join(parts)


def summary_line(report: AuditReport) -> str:
    counts = report.summary()
    total = sum(counts[s.value] for s in Status)
    line = (f"{total} checks: [green]{counts['pass']} pass[/green], [yellow]{counts['warn']} warn[/yellow], "
            f"[bold red]{counts['fail']} fail[/bold red], [dim]{counts['skip']} skip[/dim]")
    if counts["suppressed"]:
        line += f" ({counts['suppressed']} suppressed)"
    return line


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
