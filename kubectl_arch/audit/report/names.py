"""`audit -o name`: the ids of the checks that reach --fail-on, one a line, for scripts
(`kubectl arch audit -o name | xargs -n1 kubectl arch audit explain`)."""

from __future__ import annotations

import click

from kubectl_arch.audit.runner import AuditOutcome


def failing_ids(outcome: AuditOutcome) -> list[str]:
    """Each check whose status reaches --fail-on in any cluster, once, in report order."""
    ids = [result.meta.id for report in outcome.reports for result in report.results
           if result.status.reaches(outcome.fail_on)]
    return list(dict.fromkeys(ids))


def render(outcome: AuditOutcome, _format_name: str) -> None:
    click.echo("".join(f"{check_id}\n" for check_id in failing_ids(outcome)), nl=False)
