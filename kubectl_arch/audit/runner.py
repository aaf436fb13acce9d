"""Runs checks: collect the union of their needs once, evaluate each, apply the config.

Evaluation (``evaluate_checks``) is pure over ``ClusterData``: the same data gives the same report,
which is what makes snapshots, samples and fixtures trustworthy. No check can stop the run: missing
data becomes a ``skip`` that says why and a crashing check an ``error``. A check is only as good as what
it read: when an optional read failed (not a 404, an actual failure), its passes are withdrawn and the
check is ``skip`` unless it still found a failure, so a failed read can never turn into a milder verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.config import AuditConfig, Suppression
from kubectl_arch.audit.registry import Check
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.source import Source
from kubectl_arch.collect.window import LATER, WINDOW_OPTION, window_needs
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
        """The worst counting finding; ``pass`` when everything was suppressed. With a failed read, anything
        short of a failure is ``skip``: a warning seen on part of the data may be a failure on all of it."""
        worst = worst_status(f.status for f in self.findings)
        if self.incomplete and worst.rank < Status.FAIL.rank:
            return Status.SKIP
        return worst

    @property
    def incomplete(self) -> bool:
        """Whether a read this check depends on failed (its findings are a lower bound, not the verdict)."""
        return any(is_unread_finding(f) for f in self.findings)

    @property
    def fix(self) -> str:
        """The fix for this cluster: the first headline finding's own (from the distribution profile), else the
        check's general one."""
        return next((f.fix for f in self.headline() if f.fix), self.meta.fix)

    @property
    def why(self) -> str:
        """Why it matters on this cluster: the first headline finding's own (its distribution's), else the check's."""
        return next((f.why for f in self.headline() if f.why), self.meta.why)

    @property
    def references(self) -> tuple[str, ...]:
        """Where to read more for this cluster: the first headline finding's own, else the check's."""
        return next((f.references for f in self.headline() if f.references), self.meta.references)

    def headline(self) -> list[Finding]:
        """What a reader sees first: the problems and failed reads, worst first; all findings when there are none."""
        problems = sorted((f for f in self.findings if f.status.problem or is_unread_finding(f)),
                          key=lambda f: -f.status.rank)
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
    # Reads that failed (need name -> why), so every output names them even where no finding depends on one.
    unread: dict[str, str] = field(default_factory=dict)
    # Checks that passed and are left out of ``results`` (--hide-passing): the summary still counts them.
    passes_hidden: int = 0

    def summary(self) -> dict[str, int]:
        """Checks per status (a check counts once, at its worst finding) plus suppressed findings."""
        counts = {status.value: 0 for status in (Status.PASS, Status.WARN, Status.FAIL, Status.SKIP, Status.ERROR)}
        for result in self.results:
            counts[result.status.value] += 1
        counts["pass"] += self.passes_hidden
        counts["suppressed"] = sum(len(r.suppressed) for r in self.results)
        return counts

    def worst(self) -> Status:
        return worst_status(r.status for r in self.results)

    def without_passes(self) -> AuditReport:
        """The report listing only the checks that did not pass (those with suppressed findings stay, so the
        suppressions remain visible); the passes are counted, not dropped from the summary."""
        listed = [r for r in self.results if r.status is not Status.PASS or r.suppressed]
        return replace(self, results=listed,
                                   passes_hidden=self.passes_hidden + len(self.results) - len(listed))


@dataclass
class AuditOutcome:
    """What `audit` shows: one report per cluster, judged against --fail-on; every renderer reads it."""

    reports: list[AuditReport]
    fail_on: Status
    # audit -o html draws each cluster's architecture: one map per report (None where none was built).
    maps: list[ClusterMap | None] = field(default_factory=list)


def worst_status(statuses: Iterable[Status]) -> Status:
    """The highest rank (pass < skip < warn < fail < error): one skipped part keeps a whole from passing.
    Nothing at all is a pass."""
    return max(statuses, key=lambda s: s.rank, default=Status.PASS)


def is_unread_finding(finding: Finding) -> bool:
    """The finding that names a failed read the check depended on."""
    return finding.status is Status.SKIP and "unread" in finding.evidence


def run_audit(source: Source, checks: Sequence[Check], config: AuditConfig,
              options: Mapping[str, Any] | None = None, progress: Callable[[str], None] | None = None,
              also: Sequence[str] = ()) -> AuditReport:
    """Collect what the enabled checks need, once, then evaluate them.

    ``also`` names more needs to read in the same pass (explain's, for the HTML page's picture); the
    report then keeps the data so the caller can analyse it.
    """
    enabled = [c for c in checks if c.id not in config.disabled]
    data = collect(source, need_names(enabled, options, also), progress=progress, options=options)
    report = evaluate_checks(data, enabled, config)
    if also:
        report.data = data
    return report


def need_names(checks: Sequence[Check], options: Mapping[str, Any] | None = None, also: Sequence[str] = ()
               ) -> list[str]:
    """The needs of ``checks`` (and ``also``) in reading order. With a --window, the metrics needs come first
    and their second reads last, so the window overlaps the reading of everything else."""
    names = list(dict.fromkeys([*ALWAYS_READ, *(n for c in checks for n in (*c.meta.needs, *c.meta.optional_needs)),
                                *also]))
    later = window_needs(names, float((options or {}).get(WINDOW_OPTION) or 0))
    if not later:
        return names
    firsts = [name.removesuffix(LATER) for name in later]
    return [*firsts, *(name for name in names if name not in firsts), *later]


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
                       facts=facts_data(cluster_facts(data)), unread=data.unread_needs())


def run_check(check: Check, data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    """One check's findings: skipped when a required need is unreadable, ``error`` when the check raises,
    and never a pass that rests on a failed read."""
    for need in check.meta.needs:
        reason = data.skip_reason(need)
        if reason:
            if check.meta.workloads:  # its permission is in the role `rbac --include-workloads` prints
                reason = reason.replace("`kubectl arch rbac`", "`kubectl arch rbac --include-workloads`")
            return [Finding(check.id, Status.SKIP, reason, evidence={"need": need})]
    try:
        findings = check.evaluate(data, thresholds)
        bad = [f for f in findings if not isinstance(f, Finding)]
        if bad:
            raise TypeError(f"evaluate returned {type(bad[0]).__name__}, not Finding")
    except RecursionError:  # pathologically deep input: the data's fault, not the check's
        return [Finding(check.id, Status.SKIP, "the data is nested too deeply to analyse", evidence={"need": "?"})]
    except Exception as exc:  # a bug in one check must not hide the others' results
        return [Finding(check.id, Status.ERROR, f"the check itself failed: {type(exc).__name__}: {exc}",
                        evidence={"error": f"{type(exc).__name__}: {exc}"})]
    unread = _unread_reads(check.meta, data)
    if findings and all(f.status is Status.SKIP and f.settled for f in findings):
        return findings  # the provider's reason stands: granting a refused read would not make the check run
    if not unread:
        return findings or [Finding(check.id, Status.PASS, "no problems found")]
    # What was seen stays (one etcd member's figure is evidence), but short of a failure the check is a skip
    # (CheckResult.status): a pass on part of the data is not a pass. A failed read the check already
    # reported as a skip of its own is not said twice.
    def stated(need: str, reason: str) -> bool:
        said = [text for text in (reason, data[need].error) if text]
        return any(f.status is Status.SKIP and any(text in f.message for text in said) for f in findings)

    unstated = [reason for need, reason in unread.items() if not stated(need, reason)]
    if unstated or all(f.status is Status.PASS for f in findings):
        findings = [*findings, Finding(check.id, Status.SKIP, "incomplete: " + "; ".join(unstated or unread.values()),
                                       evidence={"unread": sorted(unread)})]
    return findings


def _unread_reads(meta: CheckMeta, data: ClusterData) -> dict[str, str]:
    """The optional reads that failed and that the check's verdict may rest on (see ``CheckMeta.sources``)."""
    unread: dict[str, str] = {}
    for need in meta.sources:
        if data.responses.get(need) is not None and data[need].ok:
            break
        if reason := data.unread(need):
            unread[need] = reason
    for need in meta.optional_needs:
        if need not in meta.sources and (reason := data.unread(need)):
            unread[need] = reason
    return unread


def _suppress(result: CheckResult, config: AuditConfig, now: dt.datetime) -> CheckResult:
    """Move warn/fail findings matched by an unexpired suppression out of the counting findings."""
    active = [s for s in config.suppressions if not s.expired(now)]
    kept: list[Finding] = []
    for finding in result.findings:
        match = next((s for s in active if s.matches(finding)), None)
        if match is not None and finding.status.problem:
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
    git = version.get("gitVersion") if isinstance(version, dict) else None
    git_version = git if isinstance(git, str) else ""  # null or another type: unknown, never "None"
    return ClusterInfo(context=data.credentials.context, server=data.credentials.server,
                       version=git_version or "unknown", source=data.source)


def exit_code(reports: Sequence[AuditReport], fail_on: Status) -> ExitCode:
    """3 when a cluster could not be read, 1 when a finding reaches ``fail_on``, else 0."""
    if any(r.error for r in reports):
        return ExitCode.CLUSTER_UNREADABLE
    if any(r.worst().reaches(fail_on) for r in reports):
        return ExitCode.FINDINGS
    return ExitCode.OK
