"""What the outputs people read (text, markdown, html) say once or count instead of repeating.

On kubeadm without --etcd-endpoints eight etcd checks skip for one reason, and a big cluster mid-upgrade has
thousands of kubelets behind: printed in full, either buries the findings around it. The structured outputs
(json, yaml, junit) and -o wide keep every message whole.
"""

from __future__ import annotations

from collections.abc import Iterable

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.runner import CheckResult

# The findings of one check a report shows: one sentence per node, thousands of times, is not read.
FINDINGS_SHOWN = 10


def same_reason_as(results: Iterable[CheckResult]) -> dict[str, str]:
    """Check id -> the id of the check before it (in ``results``' order) whose skip gave the same one sentence.

    Only a plain skip counts: one finding, no failed read behind it, nothing suppressed (those show more).
    """
    first_said: dict[str, str] = {}
    pointers: dict[str, str] = {}
    for result in results:
        if (result.status is not Status.SKIP or result.incomplete or result.suppressed
                or len(result.findings) != 1):
            continue
        message = result.findings[0].message
        if message in first_said:
            pointers[result.meta.id] = first_said[message]
        else:
            first_said[message] = result.meta.id
    return pointers


def pointer(check_id: str) -> str:
    return f"same reason as {check_id} (above)"


def more_findings(hidden: int, where: str = "-o wide or -o json") -> str:
    """How a report says what it left out."""
    return f"{hidden:,} more {'finding' if hidden == 1 else 'findings'} of this check: {where} lists every one"
