"""coredns-replicas: cluster DNS (CoreDNS or kube-dns) runs more than one ready replica, on more than one
node, because every Service name lookup in the cluster goes through it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model import raw
from kubectl_arch.model.addons import DEPLOYMENTS_NEED, cluster_dns
from kubectl_arch.model.nodes import NODES_NEED, node_infos
from kubectl_arch.wording import plural

META = CheckMeta(
    id="coredns-replicas",
    title="Cluster DNS has redundant replicas on different nodes",
    component="dns",
    why="Pods find Services by name through the cluster DNS Service (kube-dns). With one replica, or with all "
        "replicas on one node, a single pod restart, eviction or node failure makes every name lookup in the "
        "cluster time out: applications fail in ways that look like network outages.",
    fix="Run at least two replicas (`kubectl -n kube-system scale deployment coredns --replicas=2`, or more "
        "for large clusters, e.g. with the cluster-proportional-autoscaler) and spread them with a pod "
        "anti-affinity or topology spread constraint; look at not-ready pods with "
        "`kubectl -n kube-system describe pod -l k8s-app=kube-dns`.",
    references=(
        "https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/",
        "https://kubernetes.io/docs/tasks/administer-cluster/dns-horizontal-autoscaling/",
    ),
    needs=(DEPLOYMENTS_NEED, "kube-system-pods", NODES_NEED),
    optional_needs=("daemonsets",),  # OpenShift runs its DNS as a DaemonSet
    thresholds={"min_ready": 2},
)

DNS_LABEL = ("k8s-app", "kube-dns")  # the label CoreDNS and kube-dns pods carry, which the Service selects


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    dns = cluster_dns(data)
    if dns is None or dns.workload is None:
        return [Finding(META.id, Status.WARN, "no CoreDNS or kube-dns Deployment found in kube-system: if cluster "
                        "DNS runs under another name, disable this check in --config")]
    deployment = dns.workload
    nodes = node_infos(data)
    pods = [p for p in data.items("kube-system-pods") if raw.labels(p).get(DNS_LABEL[0]) == DNS_LABEL[1]]
    ready_nodes = sorted({str(raw.mapping(p.get("spec")).get("nodeName")) for p in pods if raw.pod_ready(p)})
    spread = len(ready_nodes)
    if deployment.kind == "DaemonSet" and not ready_nodes:  # one pod per node (OpenShift's dns-default)
        spread = deployment.ready
    evidence = {"deployment": f"kube-system/{deployment.name}", "desired": deployment.desired,
                "ready": deployment.ready, "nodes_with_ready_pods": ready_nodes}
    min_ready = int(thresholds["min_ready"])
    if deployment.ready == 0:
        return [Finding(META.id, Status.FAIL, f"no {dns.kind} replica is ready: name resolution fails in every pod",
                        evidence=evidence)]
    if deployment.ready < min_ready:
        # One node is one failure domain, but a second replica there still survives a pod restart or eviction.
        status = Status.WARN if len(nodes) <= 1 else Status.FAIL
        where = " on the cluster's only node" if len(nodes) <= 1 else ""
        return [Finding(META.id, status, f"only {deployment.ready} of {deployment.desired} {dns.kind} replicas "
                        f"ready{where}: one restart stops name resolution cluster-wide (run at least {min_ready}"
                        f"{', even on one node' if len(nodes) <= 1 else ' on different nodes'})", evidence=evidence)]
    if spread == 1 and len(nodes) > 1:
        return [Finding(META.id, Status.WARN, f"every ready {dns.kind} replica runs on node {ready_nodes[0]}: "
                        "losing that node stops name resolution", evidence=evidence)]
    if deployment.ready < deployment.desired:
        return [Finding(META.id, Status.WARN, f"{deployment.desired - deployment.ready} of {deployment.desired} "
                        f"{dns.kind} replicas not ready", evidence=evidence)]
    return [Finding(META.id, Status.PASS, f"{plural(deployment.ready, dns.kind + ' replica')} ready on "
                    f"{plural(spread, 'node')}", evidence=evidence)]
