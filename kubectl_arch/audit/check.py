"""What a check is: metadata beside a pure function over collected data.

A check module in ``checks/<id_with_underscores>/__init__.py`` defines ``META`` (a ``CheckMeta``) and
``evaluate(data, thresholds) -> list[Finding]``. Definitions never hold results: findings are new
objects each run. The registry refuses a module whose ``META.id`` does not match its folder name.

The runner calls ``evaluate`` only when every need in ``META.needs`` was read; otherwise the check is
a ``skip`` with the permission it lacks. Needs in ``META.optional_needs`` are the check's to interpret.
A check returning no findings counts as ``pass``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.errors import UsageError
from kubectl_arch.model.status import Status


class OptionKind(str, enum.Enum):
    """What a check's command-line input holds, so the CLI can check and convert it the same way for all."""

    FILE = "file"  # a path to a file
    DIR = "dir"  # a path to a directory
    URLS = "urls"  # comma-separated http(s) URLs, handed to the check as a list


@dataclass(frozen=True)
class CheckOption:
    """A command-line input a check reads as ``data.options[name]``: declared once, here, next to the check.

    The audit command builds its ``--name`` flag from this declaration, so the flag, its help and the key the
    check reads cannot drift apart. Checks that share an input share one ``CheckOption`` object.
    """

    name: str  # the flag without its dashes and the key in data.options, e.g. "etcd-endpoints"
    help: str
    kind: OptionKind
    metavar: str
    example: str = ""  # a good value, shown when a given one is malformed

    def parse(self, value: str) -> Any:
        """The value as the check reads it; a malformed one is the user's mistake (exit 2)."""
        if self.kind is not OptionKind.URLS:
            return value
        urls = [url.strip() for url in value.split(",") if url.strip()]
        bad = [url for url in urls if not url.startswith(("http://", "https://"))]
        if bad:
            raise UsageError(f"--{self.name}: {bad[0]!r} is not a URL",
                             hint=f"e.g. {self.example}" if self.example else "")
        return urls


@dataclass(frozen=True)
class CheckMeta:
    """Everything a user reads about a check, next to its logic so the two never drift."""

    id: str  # kebab-case, equals the module folder with '-' for '_'; part of the interface
    title: str
    # etcd, kube-apiserver, kube-scheduler, kube-controller-manager, kubelet, kube-proxy, nodes, certificates, workloads
    component: str
    why: str  # why it matters, in plain words
    fix: str  # how to fix it
    references: tuple[str, ...]
    needs: tuple[str, ...]  # names in kubectl_arch.collect.needs.NEEDS (or registered by the check)
    thresholds: Mapping[str, Any] = field(default_factory=dict)  # defaults; --config overrides per key
    workloads: bool = False  # reads every pod: runs only with --include-workloads
    options: tuple[CheckOption, ...] = ()  # command-line inputs the check reads beyond the cluster (data.options)
    # Needs read when available: the runner collects them but never skips the check for them, so the
    # check itself decides what a 404/403 there means (e.g. no cilium-config = no Cilium).
    optional_needs: tuple[str, ...] = ()
    # Optional needs that are alternative sources of the same figures, best first (etcd's own metrics, then
    # the API server's view): a failed read counts only until one of them gave data, for after that the
    # check does not use the rest. Any other optional need that fails makes the check incomplete.
    sources: tuple[str, ...] = ()


class Thresholds(dict[str, Any]):
    """A check's thresholds: its defaults with the config file's on top, remembering which ones the file set."""

    def __init__(self, defaults: Mapping[str, Any], configured: Mapping[str, Any]) -> None:
        super().__init__({**defaults, **configured})
        self.configured = frozenset(configured)


def chosen_by_user(thresholds: Mapping[str, Any], meta: CheckMeta, key: str) -> bool:
    """Whether threshold ``key`` is the user's (from --config) rather than the check's default: a check may fit a
    default to the distribution, never a threshold the user chose. A plain mapping (a test's) counts a value
    other than the default as chosen."""
    if isinstance(thresholds, Thresholds):
        return key in thresholds.configured
    return key in thresholds and thresholds[key] != meta.thresholds.get(key)


@dataclass
class Finding:
    """One result of one check. ``object`` names what it is about, for suppressions (e.g. 'node/worker-2')."""

    check: str
    status: Status
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    object: str | None = None
    # The fix for this cluster (from its distribution profile), when it differs from ``CheckMeta.fix``.
    fix: str | None = None
    # Why it matters and where to read more on this cluster's distribution, when they differ from the check's.
    why: str | None = None
    references: tuple[str, ...] | None = None
    # A skip no read could turn into a verdict (a managed provider runs what the check judges): a refused read
    # is then no reason the check did not run, and the runner does not head it with 'incomplete'.
    settled: bool = False


Evaluate = Callable[[ClusterData, Mapping[str, Any]], list[Finding]]
