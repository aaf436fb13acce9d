"""Leases in kube-system: who leads the scheduler and controller managers, and which API servers are alive.

A leader-election Lease names its holder (``<node>_<uuid>``) and must be renewed within
``leaseDurationSeconds``; an older renewal means no one leads right now. Each API server keeps its own
identity Lease (label ``apiserver.kubernetes.io/identity=kube-apiserver``), renewed every 10 seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw

LEASES_NEED = "kube-system-leases"
READS = (LEASES_NEED,)  # what leader_leases and apiserver_identities read
LEADER_ELECTED = ("kube-scheduler", "kube-controller-manager", "cloud-controller-manager")
APISERVER_IDENTITY_LABEL = "apiserver.kubernetes.io/identity"
APISERVER_IDENTITY_VALUE = "kube-apiserver"
HOSTNAME_LABEL = "kubernetes.io/hostname"


@dataclass
class LeaseInfo:
    """A Lease's holder and freshness, measured against the data's ``now``."""

    name: str
    holder: str | None
    holder_node: str | None
    renew_age_seconds: float | None
    duration_seconds: int | None
    transitions: int | None

    @property
    def held(self) -> bool:
        """Held by someone whose last renewal is within the lease duration."""
        if not self.holder or self.renew_age_seconds is None or self.duration_seconds is None:
            return False
        return self.renew_age_seconds <= self.duration_seconds


def holder_node(holder: str | None) -> str | None:
    """The node part of a leader-election identity ``<hostname>_<uuid>`` (the whole identity otherwise)."""
    if not holder:
        return None
    return holder.rsplit("_", 1)[0] if "_" in holder else holder


def holder_fields(lease: LeaseInfo | None, provider_hosts: bool) -> dict[str, str | None]:
    """The holder's host for JSON: ``holderHost`` always, ``holderNode`` only where that host is a node of the
    cluster. Where the provider runs the control plane (EKS, GKE, AKS) the host is one of its machines, never a
    node the reader can list or log in to, so ``holderNode`` is null there (the key kept for scripts)."""
    host = lease.holder_node if lease else None
    return {"holderNode": None if provider_hosts else host, "holderHost": host}


def lease_info(lease: Mapping[str, Any], now: dt.datetime) -> LeaseInfo:
    spec = raw.mapping(lease.get("spec"))
    holder = spec.get("holderIdentity") if isinstance(spec.get("holderIdentity"), str) else None
    holder = holder or None
    node = raw.labels(lease).get(HOSTNAME_LABEL) or holder_node(holder)
    duration = spec.get("leaseDurationSeconds")
    transitions = spec.get("leaseTransitions")
    return LeaseInfo(
        name=raw.name(lease),
        holder=holder,
        holder_node=node,
        renew_age_seconds=raw.age_seconds(spec.get("renewTime") or spec.get("acquireTime"), now),
        duration_seconds=raw.integer(duration),
        transitions=raw.integer(transitions),
    )


def leader_leases(data: ClusterData) -> dict[str, LeaseInfo]:
    """The leader-election Leases of the scheduler and controller managers that exist, by component name."""
    by_name = {raw.name(lease): lease for lease in data.items(LEASES_NEED)}
    return {name: lease_info(by_name[name], data.now) for name in LEADER_ELECTED if name in by_name}


def apiserver_identities(data: ClusterData) -> list[LeaseInfo]:
    """One identity Lease per API server that has run recently, selected by label (names vary)."""
    leases = [lease for lease in data.items(LEASES_NEED)
              if raw.labels(lease).get(APISERVER_IDENTITY_LABEL) == APISERVER_IDENTITY_VALUE]
    return sorted((lease_info(lease, data.now) for lease in leases), key=lambda i: (i.holder_node or "", i.name))
