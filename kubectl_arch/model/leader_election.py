"""Leader election as each component is configured: its flags say whether it elects, which lock it
uses (a Lease, or a ConfigMap on older releases such as OpenShift 4.7's controller manager), and where.

``--leader-elect=false`` means no election (a single copy acts alone); ``--leader-elect-resource-lock``,
``--leader-elect-resource-namespace`` and ``--leader-elect-resource-name`` move the lock. A ConfigMap
lock keeps its record in the annotation ``control-plane.alpha.kubernetes.io/leader``; only that
annotation is kept, never the ConfigMap's data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.election_locks import OPENSHIFT_LOCK_SOURCE, OPENSHIFT_LOCKS, openshift_lock_kind
from kubectl_arch.model import raw
from kubectl_arch.model.components import (
    CLOUD_CONTROLLER_MANAGER,
    KUBE_CONTROLLER_MANAGER,
    KUBE_SCHEDULER,
    OPENSHIFT_PODS_NEED,
    PODS_NEED,
    Component,
    control_plane_components,
)
from kubectl_arch.model.leases import LEASES_NEED, LeaseInfo, holder_node, lease_info
from kubectl_arch.model.versions import parse_version

LOCKS_NEED = "leader-election-locks"  # the locks the flags move (collect/needs.py reads them)
ELECTED = (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER, CLOUD_CONTROLLER_MANAGER)
DEFAULT_LOCK = "leases"
DEFAULT_NAMESPACE = "kube-system"
LEASE_LOCKS = ("leases", "endpointsleases", "configmapsleases")  # the migration locks hold a Lease too
CONFIGMAP_LOCKS = ("configmaps",)
LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader"

VERSION_NEED = "version"

READS = (PODS_NEED, OPENSHIFT_PODS_NEED, LEASES_NEED, LOCKS_NEED, VERSION_NEED)


@dataclass(frozen=True)
class ElectionSettings:
    """What a component's flags say about its election; ``visible`` is False when its pods are not seen."""

    component: str
    visible: bool
    enabled: bool  # --leader-elect (default true)
    lock: str
    namespace: str
    name: str
    from_flags: bool  # some --leader-elect* flag was set
    configured_by: str | None = None  # where the lock is set when no flag says (OpenShift's operator config)

    @property
    def default_lease(self) -> bool:
        """The lock is the default kube-system Lease, which the kube-system Lease list already holds."""
        return self.lock in LEASE_LOCKS and self.namespace == DEFAULT_NAMESPACE

    @property
    def path(self) -> str:
        if self.lock in CONFIGMAP_LOCKS:
            return f"/api/v1/namespaces/{self.namespace}/configmaps/{self.name}"
        return f"/apis/coordination.k8s.io/v1/namespaces/{self.namespace}/leases/{self.name}"

    @property
    def describe(self) -> str:
        kind = "ConfigMap" if self.lock in CONFIGMAP_LOCKS else "Lease"
        return f"{kind} {self.namespace}/{self.name}"


def settings_of(component: Component, configured: tuple[str, str, str, str] | None = None) -> ElectionSettings:
    """The settings its flags give; ``configured`` (lock, namespace, name, where) when a config file the
    pod does not show sets the lock (OpenShift's operators) and no lock flag overrides it."""
    flags: dict[str, str] = {}
    for key in ("leader-elect", "leader-elect-resource-lock", "leader-elect-resource-namespace",
                "leader-elect-resource-name"):
        value = component.flag(key)
        if value is not None:
            flags[key] = value
    enabled = flags.get("leader-elect", "true").strip().lower() != "false"
    if configured is not None and not set(flags) - {"leader-elect"}:
        lock, namespace, name, where = configured
        return ElectionSettings(component.name, bool(component.instances), enabled, lock, namespace, name,
                                bool(flags), where)
    return ElectionSettings(
        component=component.name, visible=bool(component.instances),
        enabled=enabled,
        lock=flags.get("leader-elect-resource-lock", DEFAULT_LOCK).strip().lower() or DEFAULT_LOCK,
        namespace=flags.get("leader-elect-resource-namespace", DEFAULT_NAMESPACE) or DEFAULT_NAMESPACE,
        name=flags.get("leader-elect-resource-name", component.name) or component.name,
        from_flags=bool(flags))


def election_settings(data: ClusterData) -> dict[str, ElectionSettings]:
    """Each leader-elected component's settings, from its visible pods' flags (the defaults when hidden), or
    from its OpenShift operator's config where OpenShift runs it."""
    components = control_plane_components(data)
    response = data.responses.get(OPENSHIFT_PODS_NEED)
    openshift_pods = {raw.name(pod) for pod in response.items} if response is not None else set()
    out = {}
    for name in ELECTED:
        component = components[name]
        run_by_openshift = name in OPENSHIFT_LOCKS and any(i.pod in openshift_pods for i in component.instances)
        out[name] = settings_of(component, _openshift_lock(data, name) if run_by_openshift else None)
    return out


def _openshift_lock(data: ClusterData, component: str) -> tuple[str, str, str, str]:
    """The lock OpenShift's operator configures for ``component`` on this cluster's release: by the
    Kubernetes version; when /version was not read, the candidate that holds a leader record."""
    namespace, name = OPENSHIFT_LOCKS[component]
    version = parse_version(str(data.mapping(VERSION_NEED).get("gitVersion") or "")) \
        if VERSION_NEED in data.responses else None
    if version is not None:
        lock = openshift_lock_kind(version.minor)
        return lock, namespace, name, f"{OPENSHIFT_LOCK_SOURCE[component]}, Kubernetes {version.minor_version}"
    response = data.responses.get(LOCKS_NEED)
    locks = raw.mapping(response.data).get("locks") if response is not None else None
    configmap = f"/api/v1/namespaces/{namespace}/configmaps/{name}"
    recorded = isinstance(locks, list) and any(isinstance(e, dict) and e.get("path") == configmap and e.get("record")
                                                for e in locks)
    return ("configmaps" if recorded else DEFAULT_LOCK), namespace, name, \
        f"{OPENSHIFT_LOCK_SOURCE[component]}; /version was not read: the lock that holds a leader record"


@dataclass(frozen=True)
class LockRead:
    """The lock as read: the leader record (a LeaseInfo either way), or why it could not be read."""

    info: LeaseInfo | None
    problem: str | None  # "does not exist", "forbidden ...": why there is no record


def _configmap_record(record: str | None, name: str, now: Any) -> LeaseInfo | None:
    """A ConfigMap lock's leader record (JSON in the annotation) as a LeaseInfo."""
    if not record:
        return None
    try:
        parsed = json.loads(record)
    except ValueError:
        return None
    if not isinstance(parsed, Mapping):
        return None
    holder = parsed.get("holderIdentity") or None
    duration = parsed.get("leaseDurationSeconds")
    transitions = parsed.get("leaderTransitions")
    return LeaseInfo(name=name, holder=holder, holder_node=holder_node(holder),
                     renew_age_seconds=raw.age_seconds(parsed.get("renewTime") or parsed.get("acquireTime"), now),
                     duration_seconds=int(duration) if isinstance(duration, int) else None,
                     transitions=int(transitions) if isinstance(transitions, int) else None)


def read_lock(data: ClusterData, settings: ElectionSettings) -> LockRead:
    """The leader record for ``settings``: the kube-system Lease list, or the lock fetched by its flags."""
    if settings.default_lease:
        response = data.responses.get(LEASES_NEED)
        if response is None or not response.ok:
            reason = response.skip_reason("leases in kube-system") if response is not None else "Leases were not read"
            return LockRead(None, reason)
        by_name = {raw.name(lease): lease for lease in response.items}
        lease = by_name.get(settings.name)
        if lease is None:
            return LockRead(None, "does not exist")
        return LockRead(lease_info(lease, data.now), None)
    response = data.responses.get(LOCKS_NEED)
    # Read even when one lock failed: the others are in the data, the failed one carries its error.
    locks = raw.mapping(response.data).get("locks") if response is not None else None
    if not isinstance(locks, list):
        return LockRead(None, f"{settings.describe} was not read")
    entry = next((e for e in locks if isinstance(e, dict) and e.get("path") == settings.path), None)
    if entry is None:
        return LockRead(None, f"{settings.describe} was not read")
    if entry.get("status") == 404:
        return LockRead(None, "does not exist")
    if entry.get("error"):
        return LockRead(None, str(entry["error"]))
    if settings.lock in CONFIGMAP_LOCKS:
        info = _configmap_record(entry.get("record"), settings.name, data.now)
        return LockRead(info, None if info else f"{settings.describe} carries no leader record ({LEADER_ANNOTATION})")
    lease = entry.get("lease")
    return LockRead(lease_info(lease, data.now) if isinstance(lease, dict) else None, None)
