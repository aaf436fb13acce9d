"""leader-election: only the holder of the kube-scheduler and kube-controller-manager Leases works; a
missing, unheld or stale Lease means no one schedules pods or reconciles controllers right now."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import CONTROL_PLANE_NEEDS, DISTRIBUTION_NEEDS, hidden_control_plane, reads, with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER
from kubectl_arch.model.distribution import detect_distribution
from kubectl_arch.model.facts import ClusterFacts, LeaderElectionFacts, cluster_facts
from kubectl_arch.model.leader_election import READS as ELECTION_READS
from kubectl_arch.model.leases import LEASES_NEED, LeaseInfo
from kubectl_arch.model.profiles import code_span

META_NEEDS = (LEASES_NEED, *DISTRIBUTION_NEEDS)
META = CheckMeta(
    id="leader-election",
    title="The scheduler and controller manager each have a live leader",
    component="kube-scheduler",
    why="Several schedulers and controller managers may run, but only the holder of their lock acts. The lock "
        "is a Lease (kube-system/<component> unless --leader-elect-resource-lock, -namespace or -name move it; "
        "older releases such as OpenShift 4.7 use a ConfigMap). A lock renewed longer ago than its duration "
        "means the leader died or cannot reach the API server, and no standby took over: pods stay Pending and "
        "Deployments, nodes and endpoints stop being reconciled. A component run with --leader-elect=false "
        "elects no one: one copy is fine, two act at the same time.",
    fix="Look at the component's pods and logs ('failed to renew lease' or 'leaderelection lost'), the API "
        "server and etcd latency they depend on, and the node's clock; `kubectl get lease <name> -n <namespace> "
        "-o yaml` shows the holder (audit prints this cluster's lock and log command).",
    references=(
        "https://kubernetes.io/docs/concepts/architecture/leases/",
        "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/",
    ),
    needs=META_NEEDS,
    optional_needs=reads(CONTROL_PLANE_NEEDS, ELECTION_READS, besides=META_NEEDS),  # the locks, the counts
)

ELECTED = (KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    facts = cluster_facts(data)
    hidden = hidden_control_plane(data, "its leader election")
    # On a managed cluster the holder is one of the provider's control-plane hosts, never a node of the cluster.
    provider = (detect_distribution(data).managed_by or "the provider") if hidden else None
    findings: list[Finding] = []
    for name in ELECTED:
        election = facts.leader_election.get(name)
        if election is None:
            findings.append(Finding(META.id, Status.SKIP, f"the {name} pods were not read", object=f"lease/{name}"))
            continue
        finding = _judge(name, election, facts, hidden, provider)
        findings.append(with_fix([finding], _fix(name, election, facts, provider))[0] if finding.status.problem
                        else finding)
    return findings


def _fix(name: str, election: LeaderElectionFacts, facts: ClusterFacts, provider: str | None) -> str:
    settings = election.settings
    kind = "cm" if settings.lock == "configmaps" else "lease"
    logs = facts.profile.log_command(name)
    read_logs = f"; its log: {code_span(logs)}" if logs and not logs.startswith(("enable", "read")) else \
        f"; its log: {logs}" if logs else ""
    last = (f"; {provider} runs the leader and its hosts, so if it lasts, open a support case with these figures"
            if provider else ", then at the API server's and etcd's latency and the node's clock")
    return (f"`kubectl -n {settings.namespace} get {kind} {settings.name} -o yaml` shows the holder{read_logs}; "
            f"look for 'failed to renew lease' or 'leaderelection lost'{last}")


def _judge(name: str, election: LeaderElectionFacts, facts: ClusterFacts, hidden: str | None,
           provider: str | None) -> Finding:
    settings, lease = election.settings, election.lease
    target = f"lease/{name}"
    replicas = facts.components[name].replicas
    if not settings.enabled:
        evidence = {"leader_elect": "false", "replicas": replicas}
        if replicas is not None and replicas > 1:
            return Finding(META.id, Status.FAIL, f"{replicas} copies of {name} run with --leader-elect=false: they "
                           "all act at the same time", evidence=evidence, object=target)
        return Finding(META.id, Status.PASS, f"{name} runs one copy with --leader-elect=false: nothing to elect (a "
                       "second copy could not be added without turning election on)", evidence=evidence,
                       object=target)
    where = settings.describe
    if lease is None:
        unread = facts.components[name].unread
        if unread:  # its flags, which say where its lock is, were not read: the lock is not known
            return Finding(META.id, Status.SKIP, f"{name}'s lock is not known: its pods could not be read: {unread}",
                           object=target)
        if hidden:
            return Finding(META.id, Status.SKIP, f"no {name} lock is visible; {hidden}", object=target)
        if election.problem == "does not exist":
            return Finding(META.id, Status.FAIL, f"{where} does not exist: no {name} has been elected",
                           evidence={"lock": settings.lock, "from_flags": settings.from_flags}, object=target)
        return Finding(META.id, Status.SKIP, f"{where} could not be read: {election.problem}", object=target)
    return _judge_record(name, where, lease, target, provider)


def _judge_record(name: str, where: str, lease: LeaseInfo, target: str, provider: str | None) -> Finding:
    """``provider`` runs the control plane out of sight (None: the cluster's own nodes run it): its holder is then
    a host of the provider's, so ``node`` stays empty and ``holder_host`` says where it runs instead."""
    evidence: dict[str, Any] = {"lock": where, "holder": lease.holder,
                                "node": None if provider else lease.holder_node}
    if provider:
        evidence["holder_host"] = lease.holder_node
        evidence["holder_runs_on"] = f"a control-plane host run by {provider}, not a node of this cluster"
    evidence |= {"renewed_seconds_ago": _seconds(lease), "lease_duration_seconds": lease.duration_seconds,
                 "transitions": lease.transitions}
    if not lease.holder:
        return Finding(META.id, Status.FAIL, f"{where} has no holder: no {name} leader", evidence=evidence,
                       object=target)
    if not lease.held:
        age = _seconds(lease)
        return Finding(META.id, Status.FAIL, f"{name} leader {lease.holder_node} last renewed {where} {age}s ago, "
                       f"longer than its {lease.duration_seconds}s duration: the leader is gone and no standby took "
                       "over", evidence=evidence, object=target)
    return Finding(META.id, Status.PASS, f"{name} led by {lease.holder_node}, renewed {_seconds(lease)}s ago "
                   f"(duration {lease.duration_seconds}s, {where})", evidence=evidence, object=target)


def _seconds(lease: LeaseInfo) -> int | None:
    return None if lease.renew_age_seconds is None else round(lease.renew_age_seconds)
