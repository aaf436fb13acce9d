"""The closing table of a report over several clusters: one line each, so the one that fails is found at a glance.

Ten contexts' reports run to a thousand lines; the reader's first question is which cluster needs them.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.runner import AuditReport
from kubectl_arch.output.tables import GAP

REACHING_NAMED = 3  # check ids named per cluster; the rest are counted


HEADERS = ("CONTEXT", "VERSION", "FAIL", "WARN", "SKIP", "PASS")


def overview_rows(reports: Sequence[AuditReport], fail_on: Status, unread: str = "could not be read (above)",
                  ) -> list[list[str]]:
    """Per cluster: context, version, counts (fail counts errors), the checks reaching --fail-on, or ``unread``."""
    rows: list[list[str]] = []
    for report in reports:
        name = report.cluster.context or report.cluster.server or "-"
        if report.error:
            rows.append([name, "-", "-", "-", "-", "-", unread])
            continue
        counts = report.summary()
        reaching = [r.meta.id for r in report.results if r.status.reaches(fail_on)]
        named = ", ".join(reaching[:REACHING_NAMED]) + (
            f" and {len(reaching) - REACHING_NAMED} more" if len(reaching) > REACHING_NAMED else "")
        tallies = (counts["fail"] + counts["error"], counts["warn"], counts["skip"], counts["pass"])
        rows.append([name, report.cluster.version, *(str(n) for n in tallies), named or "-"])
    return rows


def reaching_header(fail_on: Status) -> str:
    return f"REACHING --fail-on {fail_on.value}"


def overview_lines(reports: Sequence[AuditReport], fail_on: Status) -> list[str]:
    """``Clusters (N)``, then a kubectl-style table: context, version, counts, the checks reaching --fail-on."""
    table = [[*HEADERS, reaching_header(fail_on)], *overview_rows(reports, fail_on)]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = [(" " * GAP).join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in table]
    return [f"Clusters ({len(reports)})", *lines]
