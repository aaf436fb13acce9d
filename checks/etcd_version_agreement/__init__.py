"""etcd-version-agreement: every member runs the same etcd version, and the cluster version (what the
cluster as a whole speaks) has caught up with it: a mixed cluster is an upgrade left half done."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.checks.etcd_disk_latency.members import (
    METRICS_REFERENCE,
    etcd_member_meta,
    etcdctl_command,
    gone,
    members,
    provider_runs_etcd,
)

from kubectl_arch.audit.check import Finding, Status
from kubectl_arch.audit.helpers import profile_of, with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.profiles import FINISH_UPGRADE, UPGRADE_CONTROL_PLANE, code_span
from kubectl_arch.model.window import CURRENT, Basis, Reading

ID = "etcd-version-agreement"
SERVER_VERSION = "etcd_server_version"  # label server_version, every 3.x
CLUSTER_VERSION = "etcd_cluster_version"  # label cluster_version, from etcd 3.4

META = etcd_member_meta(
    id=ID,
    title="etcd members agree on their version",
    why="During a rolling upgrade members run different versions and the cluster keeps speaking the oldest "
        "one (its cluster version) until every member is upgraded; new features stay off and a downgrade path "
        "may close. A cluster left mixed is an upgrade nobody finished, and a member on an old patch release "
        "misses its fixes. etcd supports upgrading one minor version at a time.",
    fix="Finish the upgrade: upgrade the remaining members one at a time, the way the distribution upgrades its "
        "control plane (the audit prints the commands for the distribution it reads), checking `etcdctl endpoint "
        "status --cluster -w table` between members. etcd 3.3 does not expose its cluster version; read it with "
        "`etcdctl endpoint status`.",
    references=(METRICS_REFERENCE, "https://etcd.io/docs/v3.5/upgrades/"),
)


def _label(reading: Reading, metric: str, label: str) -> str | None:
    for sample in reading.latest.samples(metric):
        value = sample.label(label)
        if value and sample.value >= 1:
            return value
    return None


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _minor_number(version: str) -> int | None:
    """The minor release of a 3.x version ('3.5.16' -> 5); None when it does not read as one."""
    parts = version.split(".")
    return int(parts[1]) if len(parts) > 1 and parts[0] == "3" and parts[1].isdigit() else None


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    return with_fix(_judge(data), _fix(data))


def _fix(data: ClusterData) -> str | None:
    """This distribution's upgrade, or the provider's part on a managed control plane."""
    provider = provider_runs_etcd(data)
    if provider:
        return (f"{provider} and upgrades it with the control plane: a mix that lasts is the provider's to finish; "
                "open a support case with these versions.")
    if finish := profile_of(data).fix(FINISH_UPGRADE):
        return finish
    upgrade = profile_of(data).fix(UPGRADE_CONTROL_PLANE)
    status = etcdctl_command(data, "endpoint status --cluster -w table")
    if upgrade is None or status is None:
        return None
    return (f"Finish the upgrade, one member at a time, as the distribution upgrades its control plane ({upgrade}), "
            f"checking {code_span(status)} between members.")


def _judge(data: ClusterData) -> list[Finding]:
    readings, findings = members(ID, data)
    servers: dict[str, str] = {}
    clusters: dict[str, str] = {}
    for reading in readings:
        if reading.second_error is not None:
            findings.append(gone(ID, reading))
            continue
        server = _label(reading, SERVER_VERSION, "server_version")
        if server is None:
            findings.append(Finding(ID, Status.SKIP, f"{reading.source} does not expose {SERVER_VERSION}",
                                    {"source": reading.source}, reading.source))
            continue
        servers[reading.source] = server
        cluster = _label(reading, CLUSTER_VERSION, "cluster_version")
        if cluster is not None:
            clusters[reading.source] = cluster
    if not servers:
        return findings
    evidence: dict[str, Any] = {"serverVersions": servers, "clusterVersions": clusters or None,
                                "basis": Basis(CURRENT, None).evidence()}
    distinct = sorted(set(servers.values()))
    if not clusters:
        evidence["note"] = "etcd before 3.4 does not expose its cluster version: only server versions are compared"
    minors = sorted({_minor_number(v) for v in distinct if _minor_number(v) is not None})
    if len(minors) > 1 and minors[-1] - minors[0] > 1:
        findings.append(Finding(ID, Status.FAIL, f"etcd members run versions more than one minor release apart "
                                f"({', '.join(distinct)}): etcd supports mixing only adjacent minor versions, one "
                                "upgrade step at a time", evidence))
    elif len(distinct) > 1:
        findings.append(Finding(ID, Status.WARN, f"etcd members run different versions ({', '.join(distinct)}): an "
                                "upgrade is in progress or was left half done", evidence))
    elif clusters and any(_minor(v) != _minor(distinct[0]) for v in clusters.values()):
        spoken = ", ".join(sorted(set(clusters.values())))
        findings.append(Finding(ID, Status.WARN, f"every member runs etcd {distinct[0]} but the cluster still speaks "
                                f"{spoken}: the upgrade has not completed", evidence))
    elif len(servers) == 1 and (others := _others_unread(data)):
        source = next(iter(servers))
        floor = (f"; its cluster version {next(iter(clusters.values()))} says no member runs an older minor release"
                 if clusters else "")
        findings.append(Finding(ID, Status.SKIP, f"only {source} could be read, which runs etcd {distinct[0]}: "
                                f"{others}, so agreement cannot be judged{floor}", evidence))
    else:
        one = f" (cluster version {next(iter(clusters.values()))})" if clusters else " (cluster version not exposed)"
        members_word = (f"{next(iter(servers))} (the only member) runs" if len(servers) == 1
                        else f"all {len(servers)} members run")
        findings.append(Finding(ID, Status.PASS, f"{members_word} etcd {distinct[0]}{one}", evidence))
    return findings


def _others_unread(data: ClusterData) -> str | None:
    """Why one member's version says nothing of the rest: the other members' versions were not read (a provider
    serves one member's metrics; an endpoint list may name one). None where that member is etcd's only one."""
    from kubectl_arch.model.distribution import READS
    from kubectl_arch.model.facts import cluster_facts

    count = cluster_facts(data).datastore.members if all(name in data.responses for name in READS) else None
    if count == 1:
        return None
    return f"the other {count - 1} members' versions were not read" if count else \
        "the other members' versions were not read (how many there are is not visible)"
