"""node-readiness: NotReady nodes and nodes under memory, disk or PID pressure (the kubelet is evicting
pods there) or without a configured network."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import with_fix
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.distribution import detect_distribution
from kubectl_arch.model.nodes import NODES_FULL_NEED, NODES_NEED, NodeInfo, node_infos
from kubectl_arch.model.profiles import profile_for, split_comment
from kubectl_arch.wording import plural

META = CheckMeta(
    id="node-readiness",
    title="Every node is Ready and under no resource pressure",
    component="nodes",
    why="A NotReady node runs nothing new, and after the eviction timeout (5 minutes by default) its pods are "
        "recreated elsewhere, which needs spare capacity. `Unknown` means its kubelet stopped reporting at all. "
        "Memory, disk or PID pressure makes the kubelet evict pods and taints the node against new ones; "
        "NetworkUnavailable means pods there cannot reach the network.",
    fix="`kubectl describe node <node>` shows the condition's reason and message; the kubelet's log says why it "
        "stopped reporting (audit prints how the cluster's distribution reads it). For pressure, free or add "
        "disk/memory (image garbage collection, log rotation, pod limits); for NetworkUnavailable, check the CNI pod "
        "on that node.",
    references=(
        "https://kubernetes.io/docs/reference/node/node-status/#condition",
        "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/",
    ),
    # Whole node objects: a Table row shows Ready or NotReady but no pressure condition (see docs/checks.md).
    needs=(NODES_NEED,),
    optional_needs=(NODES_FULL_NEED,),
)

SEVERE_CONDITIONS = ("NetworkUnavailable",)


# The fix, with the kubelet's log read the way the cluster's distribution reads it (its profile).
FIX = ("`kubectl describe node <node>` shows the condition's reason and message; the kubelet's log says why it "
       "stopped reporting: {log}. For pressure, free or add disk/memory (image garbage collection, log rotation, "
       "pod limits); for NetworkUnavailable, check the CNI pod on that node.")


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    # The distribution from what this check reads (its nodes' labels, /version): reading the fact base would make
    # node-readiness wait for, and depend on, kube-system's pods.
    log = profile_for(detect_distribution(data).name).log_command("kubelet")
    if not log:
        return _evaluate(data)
    code, note = split_comment(log)
    return with_fix(_evaluate(data), FIX.format(log=f"`{code}`" + (f", {note}" if note else "")))


def _evaluate(data: ClusterData) -> list[Finding]:
    nodes = node_infos(data)
    rows = [n.name for n in nodes if not n.whole]
    if rows:  # pressures unknown: never a pass on nodes whose conditions were not read
        reason = data.skip_reason(NODES_FULL_NEED) if NODES_FULL_NEED in data.responses else None
        were = "was" if len(rows) == 1 else "were"
        why = f"{plural(len(rows), 'node')} {were} read as Table rows, which carry no pressure conditions"
        return [Finding(META.id, Status.SKIP, f"{why}: {reason}" if reason else why)]
    if not nodes:
        return [Finding(META.id, Status.FAIL, "no nodes are registered: nothing can run")]
    findings = [finding for node in nodes for finding in _node_findings(node)]
    if findings:
        return findings
    message = "the only node is Ready, no pressure" if len(nodes) == 1 else f"all {len(nodes)} nodes Ready, no pressure"
    silent = [n.name for n in nodes if n.unknown_pressures]  # a virtual kubelet may post Ready alone
    if silent:
        message += (f" reported ({plural(len(silent), 'node')} {'does' if len(silent) == 1 else 'do'} not report "
                    f"pressure conditions: {', '.join(silent[:5])}{' and more' if len(silent) > 5 else ''})")
    return [Finding(META.id, Status.PASS, message,
                    evidence={"nodes": len(nodes), **({"noPressureConditions": silent} if silent else {})})]


def _node_findings(node: NodeInfo) -> list[Finding]:
    target = f"node/{node.name}"
    # A silent kubelet's pressures are Unknown, not none: null, with the conditions nobody knows.
    evidence = {"ready": node.ready_status, "reason": node.ready_reason,
                "pressures": node.pressures if not node.unknown_pressures else None,
                **({"unknownConditions": node.unknown_pressures} if node.unknown_pressures else {}),
                "unschedulable": node.unschedulable, "kubelet": node.kubelet_version}
    findings = []
    if not node.ready:
        unknown = node.ready_status == "Unknown"
        meaning = "its kubelet stopped reporting" if unknown else "its kubelet reports it unhealthy"
        findings.append(Finding(META.id, Status.FAIL, f"node {node.name} is NotReady (Ready={node.ready_status}, "
                                f"{node.ready_reason or 'no reason'}): {meaning}", evidence=evidence, object=target))
    for condition in node.pressures:
        status = Status.FAIL if condition in SEVERE_CONDITIONS else Status.WARN
        findings.append(Finding(META.id, status, f"node {node.name} has {condition}", evidence=evidence, object=target))
    return findings
