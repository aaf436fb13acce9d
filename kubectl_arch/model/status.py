"""The verdict scale every judgement shares: the model's (certificate verdicts) and the audit's findings.

It lives in the model so that model code can give a verdict without importing the audit command; the
check API re-exports it as ``kubectl_arch.audit.check.Status``.
"""

from __future__ import annotations

import enum


class Status(str, enum.Enum):
    """Outcome of a check, ordered by severity for --fail-on and summaries."""

    PASS = "pass"
    SKIP = "skip"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        return {"pass": 0, "skip": 0, "warn": 1, "fail": 2}[self.value]
