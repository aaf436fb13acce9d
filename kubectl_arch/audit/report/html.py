"""``kubectl arch audit -o html``: one self-contained page per run, for people and CI artifacts.

Inline CSS and SVG only: no script, no font or stylesheet fetched, so it opens the same offline, from a
CI artifact or attached to a ticket. Each cluster gets its summary, the architecture picture (when the
page was given a map), each finding with its evidence, why, fix and references, and the suppressed ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.report.brevity import FINDINGS_SHOWN, more_findings, same_reason_as
from kubectl_arch.audit.report.evidence import evidence_items
from kubectl_arch.audit.runner import AuditOutcome, AuditReport, CheckResult
from kubectl_arch.output import pictures

if TYPE_CHECKING:
    from kubectl_arch.explain.analysis import ClusterMap

ORDER = (Status.FAIL, Status.WARN, Status.SKIP, Status.PASS)


def ordered(report: AuditReport) -> list[CheckResult]:
    """Worst first, then by component and id, so the page reads like the terminal view."""
    return sorted(report.results, key=lambda r: (ORDER.index(r.status), r.meta.component, r.meta.id))


def page_title(reports: Sequence[AuditReport]) -> str:
    if len(reports) == 1:
        cluster = reports[0].cluster
        return f"Audit of {cluster.context or cluster.server or 'the cluster'} ({cluster.version})"
    return f"Audit of {len(reports)} clusters"


def _numbered(scene: pictures.Scene, index: int) -> pictures.Scene:
    """The second and later pictures of a page get their own ids (markers, boxes), so none is used twice."""
    scene.id_suffix = f"-{index + 1}" if index else ""
    return scene


def to_html(reports: Sequence[AuditReport], fail_on: Status,
            maps: Sequence[ClusterMap | None] | None = None) -> str:
    """The page; ``maps`` (one per report, None where the cluster could not be mapped) add the pictures."""
    from markupsafe import Markup

    from kubectl_arch.explain.render.diagram import architecture_scene

    drawn: list[Markup | None] = []
    for index, _report in enumerate(reports):
        cluster_map = maps[index] if maps and index < len(maps) else None
        drawn.append(Markup(pictures.svg(_numbered(architecture_scene(cluster_map), index), standalone=False))
                     if cluster_map
                     else None)
    sources = sorted({r.cluster.source for r in reports if r.cluster.source})
    return pictures.render("audit.html.j2", title=page_title(reports), reports=reports, pictures=drawn,
                           ordered=ordered, evidence_items=evidence_items, same_reason_as=same_reason_as,
                           findings_shown=FINDINGS_SHOWN, more_findings=more_findings, fail_on=fail_on,
                           Status=Status, source=" · ".join(sources))


def render(outcome: AuditOutcome, _format_name: str) -> None:
    import click

    click.echo(to_html(outcome.reports, outcome.fail_on, outcome.maps), nl=False)
