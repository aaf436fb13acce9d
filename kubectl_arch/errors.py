"""Exit codes and the one error type the CLI turns into a single clear line.

Every failure a user can cause or meet (a bad kubeconfig, an unreachable server, an unknown pod) is raised
as an ``ArchError`` with what happened and what to try; the CLI prints it as one line, never a traceback.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """The documented exit codes; scripts and CI depend on them."""

    OK = 0
    FINDINGS = 1  # audit findings at or above --fail-on
    USAGE = 2  # bad arguments or bad input files (config, snapshot, sample name)
    CLUSTER_UNREADABLE = 3  # could not read the cluster at all: kubeconfig, network, credentials
    NOT_FOUND = 4  # the object named on the command line does not exist (pod, namespace, owner)
    INTERRUPTED = 130  # Ctrl-C


class ArchError(Exception):
    """A failure the user should read as one line: what happened, then what to try."""

    def __init__(self, message: str, *, hint: str = "", code: ExitCode = ExitCode.CLUSTER_UNREADABLE) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code

    def one_line(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message


class UsageError(ArchError):
    """Bad arguments or input files the user gave us."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message, hint=hint, code=ExitCode.USAGE)


class NotFoundError(ArchError):
    """The object named on the command line does not exist in the cluster."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message, hint=hint, code=ExitCode.NOT_FOUND)
