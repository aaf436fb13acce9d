"""What the user asked to trace (``NAME``, ``pod/NAME``, ``deployment/NAME`` ...) and where each kind lives.

Owner kinds are the workload controllers that create pods; each entry says where to GET the object and
which controller of kube-controller-manager acts for it, so the timeline can name the actor.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubectl_arch.errors import UsageError

POD = "Pod"


@dataclass(frozen=True)
class OwnerKind:
    """A workload kind that owns pods: its API path prefix, plural, and the controller that acts for it."""

    kind: str
    prefix: str
    plural: str
    controller: str

    def path(self, namespace: str, name: str = "") -> str:
        base = f"{self.prefix}/namespaces/{namespace}/{self.plural}"
        return f"{base}/{name}" if name else base


OWNER_KINDS: dict[str, OwnerKind] = {
    kind.kind: kind
    for kind in (
        OwnerKind("ReplicaSet", "/apis/apps/v1", "replicasets", "replicaset-controller"),
        OwnerKind("Deployment", "/apis/apps/v1", "deployments", "deployment-controller"),
        OwnerKind("StatefulSet", "/apis/apps/v1", "statefulsets", "statefulset-controller"),
        OwnerKind("DaemonSet", "/apis/apps/v1", "daemonsets", "daemonset-controller"),
        OwnerKind("Job", "/apis/batch/v1", "jobs", "job-controller"),
        OwnerKind("CronJob", "/apis/batch/v1", "cronjobs", "cronjob-controller"),
    )
}

# What users type before the slash, as kubectl accepts it (singular, plural and short names).
_ALIASES: dict[str, str] = {
    "pod": POD, "pods": POD, "po": POD,
    "deployment": "Deployment", "deployments": "Deployment", "deploy": "Deployment",
    "replicaset": "ReplicaSet", "replicasets": "ReplicaSet", "rs": "ReplicaSet",
    "statefulset": "StatefulSet", "statefulsets": "StatefulSet", "sts": "StatefulSet",
    "daemonset": "DaemonSet", "daemonsets": "DaemonSet", "ds": "DaemonSet",
    "job": "Job", "jobs": "Job",
    "cronjob": "CronJob", "cronjobs": "CronJob", "cj": "CronJob",
}


@dataclass(frozen=True)
class Target:
    """A pod by name, or a workload whose newest pod is traced."""

    kind: str
    name: str

    @property
    def is_pod(self) -> bool:
        return self.kind == POD

    def __str__(self) -> str:
        return f"{self.kind.lower()}/{self.name}"


def is_kind_word(text: str) -> bool:
    """Whether a word is a kind as kubectl spells it (``pod``, ``deploy``...), not an object's name."""
    return text.strip().lower() in _ALIASES


def parse_target(text: str) -> Target:
    """``NAME`` or ``KIND/NAME`` with kubectl's kind spellings; anything else is a usage error."""
    text = text.strip()
    kind_text, slash, name = text.partition("/")
    if not slash:
        kind_text, name = "pod", text
    kind = _ALIASES.get(kind_text.lower())
    if kind is None:
        known = "pod, deployment (deploy), replicaset (rs), statefulset (sts), daemonset (ds), job, cronjob (cj)"
        raise UsageError(f"cannot trace {kind_text!r} objects", hint=f"use one of: {known}")
    if not name or "/" in name:
        raise UsageError(f"{text!r} is not a valid name", hint="write NAME, pod/NAME or deployment/NAME")
    return Target(kind, name)
