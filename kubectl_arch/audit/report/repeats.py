"""Skips that repeat an earlier one's reason: said once, then pointed to, in the outputs people read.

On kubeadm without --etcd-endpoints eight etcd checks skip for one reason; printed eight times it buries the
findings around it. The structured outputs (json, yaml, junit) keep every message whole.
"""

from __future__ import annotations

from collections.abc import Iterable

from kubectl_arch.audit.check import Status
from kubectl_arch.audit.runner import CheckResult


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
