"""The verdict scale every judgement shares: the model's (certificate verdicts) and the audit's findings.

It lives in the model so that model code can give a verdict without importing the audit command; the
check API re-exports it as ``kubectl_arch.audit.check.Status``.
"""

from __future__ import annotations

import enum


class Status(str, enum.Enum):
    """Outcome of a check, ordered by severity for --fail-on and summaries: pass < skip < warn < fail < error.

    ``skip`` outranks ``pass`` because a check that could not read its data has not shown anything is
    well; ``error`` (the check itself raised) is unknown like a skip but counts as ``fail`` for --fail-on.
    """

    PASS = "pass"
    SKIP = "skip"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self.value]

    @property
    def problem(self) -> bool:
        """A warning, a failure or an error: what a report details (why, fix) and suppressions apply to."""
        return self.value in ("warn", "fail", "error")

    def reaches(self, fail_on: Status) -> bool:
        """Whether this status trips ``--fail-on fail_on`` (an error counts as a failure)."""
        return self.rank >= fail_on.rank and self is not Status.PASS


_RANKS = {"pass": 0, "skip": 1, "warn": 2, "fail": 3, "error": 4}
