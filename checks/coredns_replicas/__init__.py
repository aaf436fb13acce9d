"""coredns-replicas: cluster DNS (CoreDNS or kube-dns) runs more than one ready replica, on more than one
node, because every Service name lookup in the cluster goes through it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import PROFILE_NEEDS, reads, with_fix, with_teaching
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.addons import (
    DAEMONSETS_NEED,
    DEPLOYMENTS_NEED,
    DNS_DEPLOYMENTS,
    OPENSHIFT_DNS_PODS_NEED,
)
from kubectl_arch.model.facts import cluster_facts
from kubectl_arch.model.nodes import NODES_NEED, node_infos
from kubectl_arch.model.workloads import Workload
from kubectl_arch.wording import plural

# Why it matters, with the Service the distribution's pods resolve names through (its profile's dns_service).
WHY = ("Pods find Services by name through the cluster DNS Service ({service}). With one replica, or with all "
       "replicas on one node, a single pod restart, eviction or node failure makes every name lookup in the "
       "cluster time out: applications fail in ways that look like network outages.")
META_NEEDS = (DEPLOYMENTS_NEED, "kube-system-pods", NODES_NEED)
META = CheckMeta(
    id="coredns-replicas",
    title="Cluster DNS has redundant replicas on different nodes",
    component="dns",
    why=WHY.format(service="kube-dns"),
    fix="Run at least two replicas (`kubectl -n kube-system scale deployment coredns --replicas=2`, or more "
        "for large clusters, e.g. with the cluster-proportional-autoscaler) and spread them with a pod "
        "anti-affinity or topology spread constraint; look at not-ready pods with "
        "`kubectl -n kube-system describe pod -l k8s-app=kube-dns`.",
    references=(
        "https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/",
        "https://kubernetes.io/docs/tasks/administer-cluster/dns-horizontal-autoscaling/",
    ),
    needs=META_NEEDS,
    # OpenShift: a DaemonSet in openshift-dns. The profile too: there only the DNS operator runs cluster DNS, so a
    # missing one is FAIL, not WARN (and /version, kubeadm-config tell which distribution this is).
    optional_needs=reads(DAEMONSETS_NEED, OPENSHIFT_DNS_PODS_NEED, PROFILE_NEEDS, besides=META_NEEDS),
    thresholds={"min_ready": 2},
)



def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    profile = cluster_facts(data).profile
    why = WHY.format(service=profile.dns_service)
    return with_teaching(_evaluate(data, thresholds), None if why == META.why else why, META.references)


def _evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    dns = cluster_facts(data).dns  # one reader of cluster DNS per cluster: the fact base
    workload = dns.workload
    if workload is None:
        if dns.unread:  # a failed read is not "none found"
            reasons = "; ".join(reason for _, reason in dns.unread)
            return [Finding(META.id, Status.SKIP, f"cluster DNS is unknown: {reasons}",
                            evidence={"unread": [need for need, _ in dns.unread]})]
        profile = cluster_facts(data).profile
        if profile.dns_missing:  # the distribution's operator runs cluster DNS: no other name to run it under,
            # so this is no cluster DNS at all, as certain and as severe as a workload with no ready replica
            return with_fix([Finding(META.id, Status.FAIL, f"no {profile.dns_workload} found: there is no cluster "
                                     "DNS, so name resolution fails in every pod")], profile.dns_missing)
        return [Finding(META.id, Status.WARN, f"no {profile.dns_workload} found: if cluster DNS runs under another "
                        "name, disable this check in --config")]
    if dns.ready_nodes is None and workload.kind != "DaemonSet":  # a DaemonSet's ready pods are on as many nodes
        reasons = "; ".join(reason for _, reason in dns.unread)
        return [Finding(META.id, Status.SKIP, f"the nodes of the {dns.kind or 'DNS'} replicas are unknown: {reasons}",
                        evidence={"unread": [need for need, _ in dns.unread]})]
    findings = _judge(dns.kind or "DNS", workload, list(dns.ready_nodes or ()), len(node_infos(data)),
                      int(thresholds["min_ready"]))
    if workload.kind == "DaemonSet":
        return with_fix(findings, _daemonset_fix(workload))
    autoscalers = {raw.name(d) for d in data.items(DEPLOYMENTS_NEED)}
    return with_fix(findings, _deployment_fix(workload, f"{workload.name}-autoscaler" in autoscalers))


def _deployment_fix(workload: Workload, autoscaled: bool) -> str:
    """Scale the Deployment that runs (kube-dns on GKE, coredns elsewhere); where a cluster-proportional-autoscaler
    (GKE's kube-dns-autoscaler, AKS's coredns-autoscaler) sets its replicas, a `kubectl scale` is undone at its next
    poll: its ConfigMap's parameters are what to change."""
    # Only names the product knows go into the fix (every report prints it as written): a Deployment found by its
    # label under another name is shown as a placeholder.
    ns = "kube-system" if workload.namespace == "kube-system" else "<namespace>"
    name = workload.name if workload.name in DNS_DEPLOYMENTS else "<dns-deployment>"
    spread = ("spread them with a pod anti-affinity or topology spread constraint; look at not-ready pods with "
              f"`kubectl -n {ns} describe pod -l k8s-app=kube-dns`.")
    if autoscaled:
        return (f"The Deployment {ns}/{name} is scaled by {name}-autoscaler (the cluster-proportional-autoscaler), "
                "which undoes a `kubectl scale` at its next poll: change its parameters in "
                f"`kubectl -n {ns} edit configmap {name}-autoscaler` (linear mode: min, nodesPerReplica, "
                f"coresPerReplica; ladder mode: the nodesToReplicas and coresToReplicas steps) so that it runs at "
                f"least two replicas, and {spread}")
    return (f"Run at least two replicas (`kubectl -n {ns} scale deployment {name} --replicas=2`, or more for large "
            f"clusters, e.g. with the cluster-proportional-autoscaler) and {spread}")


def _daemonset_fix(workload: Workload) -> str:
    """OpenShift's DNS operator runs dns-default on every node: no replica count to scale."""
    where = f"{workload.namespace}/{workload.name}"  # sanitised where rendered, as all cluster text
    return f"Cluster DNS runs as the DaemonSet {where}, one pod per node (OpenShift's DNS operator manages it: " \
        "`oc get clusteroperator dns`); find out why its pods are not ready with " \
        f"`kubectl -n {workload.namespace} get pods -o wide` and `kubectl describe pod`."


def _judge(kind: str, workload: Workload, ready_nodes: list[str], nodes: int, min_ready: int) -> list[Finding]:
    spread = len(ready_nodes)
    if workload.kind == "DaemonSet" and not ready_nodes:  # one pod per node (OpenShift's dns-default)
        spread = workload.ready
    evidence = {workload.kind.lower(): f"{workload.namespace}/{workload.name}", "desired": workload.desired,
                "ready": workload.ready, "nodes_with_ready_pods": ready_nodes}
    if workload.ready == 0:
        return [Finding(META.id, Status.FAIL, f"no {kind} replica is ready: name resolution fails in every pod",
                        evidence=evidence)]
    if workload.ready < min_ready:
        # One node is one failure domain, but a second replica there still survives a pod restart or eviction.
        status = Status.WARN if nodes <= 1 else Status.FAIL
        where = " on the cluster's only node" if nodes <= 1 else ""
        return [Finding(META.id, status, f"only {workload.ready} of {workload.desired} {kind} replicas "
                        f"ready{where}: one restart stops name resolution cluster-wide (run at least {min_ready}"
                        f"{', even on one node' if nodes <= 1 else ' on different nodes'})", evidence=evidence)]
    if spread == 1 and nodes > 1:
        return [Finding(META.id, Status.WARN, f"every ready {kind} replica runs on node {ready_nodes[0]}: "
                        "losing that node stops name resolution", evidence=evidence)]
    if workload.ready < workload.desired:
        return [Finding(META.id, Status.WARN, f"{workload.desired - workload.ready} of {workload.desired} "
                        f"{kind} replicas not ready", evidence=evidence)]
    return [Finding(META.id, Status.PASS, f"{plural(workload.ready, kind + ' replica')} ready on "
                    f"{plural(spread, 'node')}", evidence=evidence)]
