"""control-plane-replicas: a single API server, scheduler, controller manager or control-plane node is a
single point of failure; count the ready copies of each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubectl_arch.audit.check import CheckMeta, Finding, Status
from kubectl_arch.audit.helpers import DISTRIBUTION_NEEDS, DISTRIBUTION_OPTIONAL_NEEDS, hidden_control_plane
from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.model.components import (
    KUBE_APISERVER,
    KUBE_CONTROLLER_MANAGER,
    KUBE_SCHEDULER,
    control_plane_components,
)
from kubectl_arch.model.nodes import node_infos
from kubectl_arch.wording import plural

META = CheckMeta(
    id="control-plane-replicas",
    title="The control plane has no single point of failure",
    component="kube-apiserver",
    why="With one API server nothing can be changed, scaled or healed while it is down; with one scheduler new "
        "pods stay Pending; with one controller manager Deployments and nodes stop being reconciled; and one "
        "control-plane node takes all of them (and its etcd member) down at once.",
    fix="Run at least three control-plane nodes behind a load balancer (kubeadm: `kubeadm join --control-plane`; "
        "kind: three `role: control-plane` nodes) and find out why any copy is not Ready "
        "(`kubectl -n kube-system describe pod <pod>`, the kubelet log on that node).",
    references=(
        "https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/high-availability/",
        "https://kubernetes.io/docs/concepts/overview/components/",
    ),
    needs=(*DISTRIBUTION_NEEDS,),
    optional_needs=(*DISTRIBUTION_OPTIONAL_NEEDS,),
    thresholds={"min_ready": 2},
)

COUNTED = (KUBE_APISERVER, KUBE_SCHEDULER, KUBE_CONTROLLER_MANAGER)


def evaluate(data: ClusterData, thresholds: Mapping[str, Any]) -> list[Finding]:
    hidden = hidden_control_plane(data)
    if hidden:
        return [Finding(META.id, Status.SKIP, hidden)]
    min_ready = int(thresholds["min_ready"])
    components = control_plane_components(data)
    nodes = [n for n in node_infos(data) if n.control_plane]
    counts: dict[str, tuple[int, int]] = {name: (components[name].replicas, components[name].ready) for name in COUNTED}
    embedded = all(total == 0 for total, _ in counts.values())
    if embedded and not nodes:
        return [Finding(META.id, Status.SKIP, "no control-plane pods or nodes are visible, so their count is unknown")]
    if embedded:
        # k3s/RKE2-style servers run the components inside one process per control-plane node.
        ready_nodes = sum(1 for n in nodes if n.ready)
        counts = {name: (len(nodes), ready_nodes) for name in COUNTED}
    counts["control-plane nodes"] = (len(nodes), sum(1 for n in nodes if n.ready))
    evidence = {name: f"{ready}/{total} ready" for name, (total, ready) in counts.items()}
    if embedded:
        evidence["note"] = "no control-plane pods: components run inside each control-plane node's server process"
    findings = [_problem(name, total, ready, min_ready, evidence) for name, (total, ready) in counts.items()]
    problems = [f for f in findings if f is not None]
    if problems:
        return problems
    ready = counts[KUBE_APISERVER][1]
    return [Finding(META.id, Status.PASS,
                    f"{plural(ready, 'ready API server')}, {counts[KUBE_SCHEDULER][1]} schedulers, "
                    f"{counts[KUBE_CONTROLLER_MANAGER][1]} controller managers on "
                    f"{plural(counts['control-plane nodes'][0], 'control-plane node')}", evidence=evidence)]


def _problem(name: str, total: int, ready: int, min_ready: int, evidence: dict[str, str]) -> Finding | None:
    one = name.removesuffix("s") if name.endswith(" nodes") else name  # "control-plane nodes" reads as one
    if ready < min_ready:
        if total == 0:
            message = f"no {one} is visible"
        elif ready == 1 and total == 1:
            message = f"only one {one}: a single point of failure"
        else:
            message = f"only {ready} of {total} {name} ready (at least {min_ready} needed to survive losing one)"
        return Finding(META.id, Status.FAIL, message, evidence=evidence, object=name)
    if ready < total:
        return Finding(META.id, Status.WARN, f"{total - ready} of {total} {name} not ready: less redundancy than built",
                       evidence=evidence, object=name)
    return None
