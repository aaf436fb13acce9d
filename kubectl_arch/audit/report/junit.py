"""``audit -o junit``: one ``<testsuite>`` per cluster, one ``<testcase>`` per check, for CI test reports.

A testcase is a ``<failure>`` when its check is at or above ``--fail-on`` (so the report and the exit code
agree: by default warnings pass, carrying their text in ``<system-out>``), ``<skipped>`` when it could not
run, and ``<error>`` when the check itself crashed. The shape follows the common JUnit XSD (Jenkins/Ant).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.report.evidence import evidence_line
from kubectl_arch.audit.runner import AuditOutcome, AuditReport, CheckResult
from kubectl_arch.output.sanitise import xml


def to_junit(reports: Sequence[AuditReport], fail_on: Status = Status.FAIL) -> str:
    root = ET.Element("testsuites", name="kubectl-arch audit")
    totals = {"tests": 0, "failures": 0, "errors": 0}  # the XSD's <testsuites> has no skipped count
    for report in reports:
        suite = _suite(report, fail_on)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    _sanitise(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _sanitise(root: ET.Element) -> None:
    """Every attribute and text made legal XML 1.0: cluster strings may hold characters XML forbids, and one
    of them makes a CI system reject the whole report."""
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, xml(value))
        if element.text:
            element.text = xml(element.text)


def _suite(report: AuditReport, fail_on: Status) -> ET.Element:
    cluster = report.cluster
    suite = ET.Element("testsuite", name=f"kubectl-arch audit {cluster.context or cluster.server}")
    suite.set("hostname", cluster.server or "unknown")
    if report.now is not None:
        # The XSD's timestamp is an xs:dateTime without a zone: the report's time in UTC.
        utc = report.now.astimezone(dt.timezone.utc).replace(tzinfo=None)
        suite.set("timestamp", utc.isoformat(timespec="seconds"))
    properties = ET.SubElement(suite, "properties")
    for name, value in (("context", cluster.context), ("server", cluster.server), ("version", cluster.version),
                        ("source", cluster.source)):
        ET.SubElement(properties, "property", name=name, value=value)
    if report.passes_hidden:  # --hide-passing: say the suite is not every check
        ET.SubElement(properties, "property", name="passingNotListed", value=str(report.passes_hidden))
    counts: dict[str, int] = {"failures": 0, "errors": 0, "skipped": 0}
    if report.error:
        case = ET.SubElement(suite, "testcase", name="cluster-readable", classname="kubectl-arch.cluster", time="0")
        ET.SubElement(case, "error", message=report.error, type="ClusterUnreadable").text = report.error
        counts["errors"] += 1
    for result in report.results:
        outcome = _testcase(suite, result, fail_on)
        if outcome:
            counts[outcome] += 1
        counts["skipped"] += _suppressed_testcases(suite, result)
    if report.unread:  # the reads that failed, named even where no check depends on one
        ET.SubElement(suite, "system-err").text = "\n".join(f"unreadable: {r}" for r in report.unread.values())
    suite.set("tests", str(len(suite.findall("testcase"))))
    for key, number in counts.items():
        suite.set(key, str(number))
    suite.set("time", "0")
    return suite


def _testcase(suite: ET.Element, result: CheckResult, fail_on: Status) -> str | None:
    """Add the check's testcase; returns the suite counter it adds to (failures, errors, skipped), if any."""
    meta = result.meta
    case = ET.SubElement(suite, "testcase", name=f"{meta.id}: {meta.title}",
                         classname=f"kubectl-arch.{meta.component}", time="0")
    status = result.status
    text = _findings_text(result.findings)
    crashed = next((f for f in result.findings if f.status is Status.ERROR), None)
    outcome: str | None = None
    if crashed is not None:
        ET.SubElement(case, "error", message=crashed.message, type="CheckError").text = text
        outcome = "errors"
    elif status is Status.SKIP:
        ET.SubElement(case, "skipped", message=result.findings[0].message)
        outcome = "skipped"
    elif status.problem and status.reaches(fail_on):
        first = next(f for f in result.findings if f.status is status)
        failure = ET.SubElement(case, "failure", message=first.message, type=status.value)
        failure.text = "\n".join([_findings_text(result.findings, evidence=True), "",
                                  f"Why it matters: {result.why}", f"Fix: {result.fix}",
                                  "See:", *(f"  {ref}" for ref in result.references)])
        outcome = "failures"
    suppressed = [f"suppressed: {f.message} ({s.describe()})" for f, s in result.suppressed]
    out = "\n".join([text, *suppressed]).strip()
    if out:
        ET.SubElement(case, "system-out").text = out
    return outcome


def _suppressed_testcases(suite: ET.Element, result: CheckResult) -> int:
    """One skipped testcase per suppressed finding, its message the config's reason and expiry."""
    meta = result.meta
    for finding, suppression in result.suppressed:
        subject = f" [{finding.object}]" if finding.object else ""
        case = ET.SubElement(suite, "testcase", name=f"{meta.id}{subject}: suppressed",
                             classname=f"kubectl-arch.{meta.component}", time="0")
        ET.SubElement(case, "skipped", message=f"suppressed until {suppression.expires.isoformat()}: "
                                               f"{suppression.reason}").text = finding.message
    return len(result.suppressed)


def _findings_text(findings: list[Finding], evidence: bool = False) -> str:
    """One line per finding; with ``evidence``, a warning's or failure's evidence under it."""
    lines = []
    for finding in findings:
        subject = f" [{finding.object}]" if finding.object else ""
        lines.append(f"{finding.status.value.upper()}{subject}: {finding.message}")
        if evidence and finding.evidence and finding.status.problem:
            lines.append(f"  evidence: {evidence_line(finding.evidence)}")
    return "\n".join(lines)


def render(outcome: AuditOutcome, _format_name: str) -> None:
    import click

    click.echo(to_junit(outcome.reports, outcome.fail_on), nl=False)
