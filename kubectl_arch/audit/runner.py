"""Runs checks: collect the union of their needs once, evaluate each, apply the config.

Evaluation (``evaluate_checks``) is pure over ``ClusterData``: the same data gives the same report,
which is what makes snapshots, samples and fixtures trustworthy. No check can stop the run: missing
data and a crashing check both become a ``skip`` that says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.config import AuditConfig, Suppression
from kubectl_arch.audit.registry import Check
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.source import Source
from kubectl_arch.errors import ExitCode
from kubectl_arch.model.facts import cluster_facts, facts_data

if TYPE_CHECKING:
    from kubectl_arch.explain.analysis import ClusterMap

# The engine reports an expired suppression as a finding of its own, under this id.
EXPIRED_SUPPRESSION = CheckMeta(
    id="expired-suppression",
    title="Suppressions in the audit config are still current",
    component="audit",
    why="A suppression is an accepted risk with an end date; after it, the risk needs a new decision, "
        "not silence. The suppressed finding counts again.",
    fix="Fix what the suppressed check reports, or renew the suppression with a new reason and expiry date.",
    references=("https://sre.google/sre-book/embracing-risk/",),
    needs=(),
)

# Every report states the cluster version, so /version is read even when no check asks for it. The report's
# fact base is computed from what the checks read (the whole catalogue reads all of it).
ALWAYS_READ = ("version",)


@dataclass
class CheckResult:
    """The findings of one check in one run, with those an unexpired suppression silenced kept apart."""

    meta: CheckMeta
    findings: list[Finding]
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)

    @property
    def status(self) -> Status:
        """The worst counting finding; ``pass`` when everything was suppressed."""
        return worst_status(f.status for f in self.findings)

    @property
    def fix(self) -> str:
        """The fix for this cluster: the first headline finding's own (from the distribution profile), else the
        check's general one."""
        return next((f.fix for f in self.headline() if f.fix), self.meta.fix)

    def headline(self) -> list[Finding]:
        """What a reader sees first: the problems, worst first; all findings when there are none."""
        problems = sorted((f for f in self.findings if f.status.rank > 0), key=lambda f: -f.status.rank)
        return problems or list(self.findings)


@dataclass
class ClusterInfo:
    """Which cluster a report is about, as the JSON contract's ``cluster`` shows it."""

    context: str
    server: str
    version: str
    source: str


@dataclass
class AuditReport:
    """One cluster's audit; ``error`` is set (and ``results`` empty) when the cluster could not be read."""

    cluster: ClusterInfo
    results: list[CheckResult]
    now: dt.datetime | None = None
    error: str | None = None
    # The collected data, kept only when a renderer draws more than the findings (audit -o html's picture).
    data: ClusterData | None = field(default=None, repr=False, compare=False)
    facts: dict[str, Any] | None = None  # the fact base's JSON form (as explain's), None when unread

    def summary(self) -> dict[str, int]:
        """Checks per status (a check counts once, at its worst finding) plus suppressed findings."""
        counts = {status.value: 0 for status in (Status.PASS, Status.WARN, Status.FAIL, Status.SKIP)}
        for result in self.results:
            counts[result.status.value] += 1
        counts["suppressed"] = sum(len(r.suppressed) for r in self.results)
        return counts

    def worst(self) -> Status:
        return worst_status(r.status for r in self.results)


@dataclass
class AuditOutcome:
    """What `audit` shows: one report per cluster, judged against --fail-on; every renderer reads it."""

    reports: list[AuditReport]
    fail_on: Status
    # audit -o html draws each cluster's architecture: one map per report (None where none was built).
    maps: list[ClusterMap | None] = field(default_factory=list)


def worst_status(statuses: Iterable[Status]) -> Status:
    """Most severe first (fail, warn); among the rest a single pass beats skips; nothing at all is a pass."""
    seen = list(statuses)
    if not seen:
        return Status.PASS
    top = max(seen, key=lambda s: s.rank)
    if top.rank == 0:
        return Status.PASS if Status.PASS in seen else Status.SKIP
    return top


def run_audit(source: Source, checks: Sequence[Check], config: AuditConfig,
              options: Mapping[str, Any] | None = None, progress: Callable[[str], None] | None = None,
              also: Sequence[str] = ()) -> AuditReport:
    """Collect what the enabled checks need, once, then evaluate them.

    ``also`` names more needs to read in the same pass (explain's, for the HTML page's picture); the
    report then keeps the data so the caller can analyse it.
    """
    enabled = [c for c in checks if c.id not in config.disabled]
    names = [*ALWAYS_READ, *(n for c in enabled for n in (*c.meta.needs, *c.meta.optional_needs)), *also]
    data = collect(source, dict.fromkeys(names), progress=progress, options=options)
    report = evaluate_checks(data, enabled, config)
    if also:
        report.data = data
    return report


def evaluate_checks(data: ClusterData, checks: Sequence[Check], config: AuditConfig) -> AuditReport:
    """Evaluate each check over already-collected data and apply the config's suppressions."""
    results = [
        _suppress(CheckResult(check.meta, run_check(check, data, config.thresholds_for(check.meta))), config, data.now)
        for check in checks if check.id not in config.disabled
    ]
    expired = [s for s in config.suppressions if s.expired(data.now)]
    if expired:
        results.append(CheckResult(EXPIRED_SUPPRESSION, [_expired_finding(s) for s in expired]))
    return AuditReport(cluster=cluster_info(data), results=results, now=data.now,
                       facts=facts_data(cluster_facts(data)))


def run_check(check: Check, data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    """One check's findings: skipped when a required need is unreadable, never an exception."""
    for need in check.meta.needs:
        reason = data.skip_reason(need)
        if reason:
            return [Finding(check.id, Status.SKIP, reason, evidence={"need": need})]
    try:
        findings = check.evaluate(data, thresholds)
        bad = [f for f in findings if not isinstance(f, Finding)]
        if bad:
            raise TypeError(f"evaluate returned {type(bad[0]).__name__}, not Finding")
    except Exception as exc:  # a bug in one check must not hide the others' results
        return [Finding(check.id, Status.SKIP, f"the check itself failed: {type(exc).__name__}: {exc}",
                        evidence={"error": f"{type(exc).__name__}: {exc}"})]
    return findings or [Finding(check.id, Status.PASS, "no problems found")]


def _suppress(result: CheckResult, config: AuditConfig, now: dt.datetime) -> CheckResult:
    """Move warn/fail findings matched by an unexpired suppression out of the counting findings."""
    active = [s for s in config.suppressions if not s.expired(now)]
    kept: list[Finding] = []
    for finding in result.findings:
        match = next((s for s in active if s.matches(finding)), None)
        if match is not None and finding.status.rank > 0:
            result.suppressed.append((finding, match))
        else:
            kept.append(finding)
    result.findings = kept
    return result


def _expired_finding(suppression: Suppression) -> Finding:
    return Finding(
        EXPIRED_SUPPRESSION.id, Status.WARN,
        f"the suppression of {suppression.describe()} expired; its findings count again",
        evidence={"check": suppression.check, "object": suppression.object, "reason": suppression.reason,
                  "expires": suppression.expires.isoformat()},
        object=f"suppression/{suppression.check}" + (f"/{suppression.object}" if suppression.object else ""),
    )


def cluster_info(data: ClusterData) -> ClusterInfo:
    version = data.json("version") if "version" in data.responses else None
    git_version = str(version.get("gitVersion", "")) if isinstance(version, dict) else ""
    return ClusterInfo(context=data.credentials.context, server=data.credentials.server,
                       version=git_version or "unknown", source=data.source)


def exit_code(reports: Sequence[AuditReport], fail_on: Status) -> ExitCode:
    """3 when a cluster could not be read, 1 when a finding reaches ``fail_on``, else 0."""
    if any(r.error for r in reports):
        return ExitCode.CLUSTER_UNREADABLE
    if any(r.worst().rank >= fail_on.rank for r in reports):
        return ExitCode.FINDINGS
    return ExitCode.OK
