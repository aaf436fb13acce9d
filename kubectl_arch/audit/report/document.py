"""The audit as plain data: the JSON contract of issue 4 (also used for ``-o yaml``).

One cluster gives the contract's object; several give ``{"clusters": [...], "summary": {...}, "unreadClusters": N}``.
``summary`` counts checks by their worst finding; ``findings`` lists every finding, suppressed ones
included with their ``suppressed`` reason so a reader sees what was silenced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding
from kubectl_arch.audit.config import Suppression
from kubectl_arch.audit.runner import AuditOutcome, AuditReport
from kubectl_arch.output.structured import emit

SCHEMA_VERSION = 1


def finding_document(meta: CheckMeta, finding: Finding, suppression: Suppression | None = None) -> dict[str, Any]:
    """One finding with its check's teaching text, as the contract lists them."""
    return {
        "check": finding.check,
        "status": finding.status.value,
        "component": meta.component,
        "title": meta.title,
        "message": finding.message,
        "object": finding.object,
        "evidence": finding.evidence,
        "why": finding.why or meta.why,
        "remediation": finding.fix or meta.fix,
        "references": list(finding.references or meta.references),
        "suppressed": None if suppression is None else {
            "reason": suppression.reason, "expires": suppression.expires.isoformat()},
    }


def report_document(report: AuditReport) -> dict[str, Any]:
    cluster = report.cluster
    findings = []
    for result in report.results:
        findings += [finding_document(result.meta, f) for f in result.findings]
        findings += [finding_document(result.meta, f, s) for f, s in result.suppressed]
    return {
        "cluster": {"context": cluster.context, "server": cluster.server, "version": cluster.version,
                    "source": cluster.source},
        "now": report.now.isoformat() if report.now else None,
        "error": report.error,
        "unreadable": report.unread,
        "summary": None if report.error else report.summary(),  # a cluster not read has no counts, not zeros
        **({"passingNotListed": report.passes_hidden} if report.passes_hidden else {}),  # --hide-passing
        "checks": [{"check": r.meta.id, "status": r.status.value, "component": r.meta.component,
                    "title": r.meta.title} for r in report.results],
        "findings": findings,
        "facts": report.facts,
        "schemaVersion": SCHEMA_VERSION,
    }


def audit_document(reports: Sequence[AuditReport]) -> dict[str, Any]:
    """The contract's object for one cluster; a ``clusters`` list with a total summary for several."""
    if len(reports) == 1:
        return report_document(reports[0])
    documents = [report_document(r) for r in reports]
    total: dict[str, int] = {}
    for document in documents:
        for key, value in (document["summary"] or {}).items():
            total[key] = total.get(key, 0) + value
    # The total counts the clusters read; those not read are counted apart, so no reader takes them for clean.
    unread = sum(1 for document in documents if document["summary"] is None)
    return {"clusters": documents, "summary": total, "unreadClusters": unread, "schemaVersion": SCHEMA_VERSION}


def render(outcome: AuditOutcome, format_name: str) -> None:
    emit(audit_document(outcome.reports), format_name)
