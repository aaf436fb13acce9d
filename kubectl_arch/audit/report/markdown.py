"""``audit -o markdown``: a CI job summary or pull-request comment (GitHub-flavoured Markdown).

A table of every check, then one collapsible section per warning or failure with its evidence, why it
matters and the fix, so the comment stays short until someone opens what concerns them.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.report.brevity import FINDINGS_SHOWN, more_findings, pointer, same_reason_as
from kubectl_arch.audit.report.evidence import evidence_line
from kubectl_arch.audit.report.overview import HEADERS, overview_rows, reaching_header
from kubectl_arch.audit.runner import AuditOutcome, AuditReport, CheckResult
from kubectl_arch.output.sanitise import code_span, html, markdown

ICONS = {Status.PASS: "✅", Status.WARN: "⚠️", Status.FAIL: "❌", Status.SKIP: "⏭️", Status.ERROR: "💥"}


def to_markdown(reports: Sequence[AuditReport], fail_on: Status = Status.FAIL) -> str:
    """One section per cluster; over several, a table of the clusters first, one line each."""
    overview = _overview(reports, fail_on) if len(reports) > 1 else []
    return "\n".join([*overview, *(_report(report) for report in reports)])


def _overview(reports: Sequence[AuditReport], fail_on: Status) -> list[str]:
    header = [*HEADERS, reaching_header(fail_on)]
    lines = [f"## kubectl-arch audit: {len(reports)} clusters", "", "| " + " | ".join(header) + " |",
             "|" + " --- |" * len(header)]
    for name, version, *cells in overview_rows(reports, fail_on, unread="could not be read (its section says why)"):
        lines.append(f"| {markdown(name)} | {markdown(version)} | " + " | ".join(markdown(c) for c in cells) + " |")
    return [*lines, ""]


def _report(report: AuditReport) -> str:
    cluster = report.cluster
    lines = [f"## kubectl-arch audit: {code_span(cluster.context or cluster.server)} ({markdown(cluster.version)})", ""]
    if report.error:
        return "\n".join([*lines, f"❌ could not read this cluster: {markdown(report.error)}", ""])
    counts = report.summary()
    shown = (Status.ERROR, Status.FAIL, Status.WARN, Status.PASS, Status.SKIP)
    summary = " · ".join(f"{ICONS[s]} {counts[s.value]} {s.value}" for s in shown
                         if counts[s.value] or s is not Status.ERROR)
    if counts["suppressed"]:
        summary += f" · {counts['suppressed']} suppressed"
    if report.passes_hidden:
        summary += f" · {report.passes_hidden} passing not listed"
    lines += [f"**{summary}**", "", f"_{markdown(cluster.source)}_", "",
              "| Status | Check | Component | Result |", "| --- | --- | --- | --- |"]
    ordered = sorted(report.results, key=lambda r: (-r.status.rank, r.status is Status.PASS, r.meta.component))
    repeats = same_reason_as(ordered)
    for result in ordered:
        repeated = repeats.get(result.meta.id)
        message = pointer(repeated) if repeated else _messages(result.headline(), ROW_MESSAGES)
        lines.append(f"| {ICONS[result.status]} {result.status.value} | `{result.meta.id}` | {result.meta.component} "
                     f"| {markdown(message)} |")
    lines.append("")
    lines += _suppressed(report)
    if report.unread:
        lines += [*(f"- unreadable: {markdown(reason)}" for reason in report.unread.values()), ""]
    for result in ordered:
        if result.status.problem:
            lines += _details(result)
    return "\n".join(lines)


ROW_MESSAGES = 3  # a table row's findings: a comment stays short (the details and -o json have the rest)


def _messages(findings: Sequence[Finding], shown: int) -> str:
    """The first ``shown`` findings' messages, and how many more there are."""
    text = "; ".join(f.message for f in findings[:shown])
    return f"{text}; {more_findings(len(findings) - shown, '-o json')}" if len(findings) > shown else text


def _suppressed(report: AuditReport) -> list[str]:
    """Every suppressed finding with the config's reason and expiry: an accepted risk stays visible."""
    rows = [(result.meta.id, finding, suppression) for result in report.results
            for finding, suppression in result.suppressed]
    if not rows:
        return []
    lines = ["| Suppressed | Finding | Reason | Until |", "| --- | --- | --- | --- |"]
    lines += [f"| `{check_id}` | {markdown(finding.message)} | {markdown(suppression.reason)} | "
              f"{suppression.expires.isoformat()} |" for check_id, finding, suppression in rows]
    return [*lines, ""]


def _details(result: CheckResult) -> list[str]:
    meta = result.meta
    lines = [f"<details><summary>{ICONS[result.status]} <code>{meta.id}</code>: {html(meta.title)}</summary>", ""]
    headline = result.headline()
    for finding in headline[:FINDINGS_SHOWN]:
        lines.append(f"- **{finding.status.value}**: {markdown(finding.message)}")
        if finding.evidence:
            lines.append(f"  - evidence: {markdown(evidence_line(finding.evidence))}")
    if len(headline) > FINDINGS_SHOWN:
        lines.append(f"- {more_findings(len(headline) - FINDINGS_SHOWN, '-o json')}")
    lines += ["", f"**Why it matters:** {result.why}", "", f"**Fix:** {result.fix}", "",
              "**Read more:** " + ", ".join(f"<{ref}>" for ref in result.references), "", "</details>", ""]
    return lines



def render(outcome: AuditOutcome, _format_name: str) -> None:
    import click

    click.echo(to_markdown(outcome.reports, outcome.fail_on))
