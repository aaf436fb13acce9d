"""``kubectl arch samples NAME``: what is inside a bundled sample, since ``kubectl get`` cannot see it.

Lists the sample's nodes, namespaces, pods with their owners, and the trace commands that show its
scenarios (every workload outside the system namespaces), read through the same Source the commands use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubectl_arch.collect.source import Source
from kubectl_arch.model import raw

SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
# ownerReference kinds as trace spells them.
_TRACE_KIND = {"Deployment": "deployment", "StatefulSet": "statefulset", "DaemonSet": "daemonset",
               "ReplicaSet": "replicaset", "Job": "job", "CronJob": "cronjob"}


@dataclass(frozen=True)
class PodRow:
    namespace: str
    name: str
    owner: str  # "deployment/web", "" for a bare pod
    node: str
    state: str  # phase, or the reason a container waits (ImagePullBackOff, CrashLoopBackOff)
    ready: str  # "1/2"


def _text(value: object) -> str:
    """Untrusted strings on one line, without control characters."""
    return "".join(c if c.isprintable() else "?" for c in str(value or ""))


def _items(source: Source, path: str) -> list[dict[str, Any]]:
    response = source.get(path)
    items = response.data.get("items") if response.ok and isinstance(response.data, dict) else None
    return [i for i in items or [] if isinstance(i, dict)]


def _top_owner(pod: Mapping[str, Any], replicasets: Mapping[tuple[str, str], Mapping[str, Any]],
               jobs: Mapping[tuple[str, str], Mapping[str, Any]]) -> str:
    """The workload a person names to trace the pod: a ReplicaSet's Deployment, a Job's CronJob."""
    refs = raw.sequence(raw.mapping(pod.get("metadata")).get("ownerReferences"))
    ref = next((r for r in refs if isinstance(r, dict) and r.get("controller")), refs[0] if refs else None)
    if not isinstance(ref, dict):
        return ""
    kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
    parents = {"ReplicaSet": replicasets, "Job": jobs}.get(kind)
    parent = parents.get((raw.namespace(pod), name)) if parents is not None else None
    if parent is not None:
        upper = _top_owner(parent, {}, {})
        if upper:
            return upper
    return f"{_TRACE_KIND.get(kind, kind.lower())}/{name}"


def pod_rows(source: Source) -> list[PodRow]:
    """Every pod with its top owner, state and readiness, by namespace then name."""
    replicasets = {(raw.namespace(r), raw.name(r)): r for r in _items(source, "/apis/apps/v1/replicasets")}
    jobs = {(raw.namespace(j), raw.name(j)): j for j in _items(source, "/apis/batch/v1/jobs")}
    rows = []
    for pod in _items(source, "/api/v1/pods"):
        rows.append(PodRow(raw.namespace(pod), raw.name(pod), _top_owner(pod, replicasets, jobs),
                           str(raw.mapping(pod.get("spec")).get("nodeName") or "-"), raw.pod_state(pod),
                           raw.pod_ready_text(pod)))
    return sorted(rows, key=lambda r: (r.namespace, r.name))


_WORKLOAD_LISTS = (("deployment", "/apis/apps/v1/deployments"), ("statefulset", "/apis/apps/v1/statefulsets"),
                   ("daemonset", "/apis/apps/v1/daemonsets"), ("cronjob", "/apis/batch/v1/cronjobs"))


def trace_targets(source: Source, pods: list[PodRow]) -> list[tuple[str, str, str]]:
    """(namespace, target, state) for every workload outside the system namespaces, owners with no pod too."""
    targets: dict[tuple[str, str], str] = {}
    for pod in pods:
        if pod.namespace not in SYSTEM_NAMESPACES:
            # A static pod's owner is its Node, which trace does not take: the pod itself is the target.
            traceable = pod.owner.split("/", 1)[0] in _TRACE_KIND.values()
            key = (pod.namespace, pod.owner if traceable else f"pod/{pod.name}")
            targets.setdefault(key, f"{pod.state}, {pod.ready} ready")
    for kind, path in _WORKLOAD_LISTS:
        for workload in _items(source, path):
            if raw.namespace(workload) not in SYSTEM_NAMESPACES:
                targets.setdefault((raw.namespace(workload), f"{kind}/{raw.name(workload)}"), "no pod")
    return sorted((ns, target, state) for (ns, target), state in targets.items())


def describe_sample(name: str, description: str, source: Source) -> str:
    """The text of ``kubectl arch samples NAME``."""
    from tabulate import tabulate

    node_rows = []
    for node in _items(source, "/api/v1/nodes"):
        labels = raw.labels(node)
        role = "control-plane" if "node-role.kubernetes.io/control-plane" in labels else "worker"
        conditions = raw.sequence(raw.mapping(node.get("status")).get("conditions"))
        ready = next((c.get("status") for c in conditions if isinstance(c, dict) and c.get("type") == "Ready"), "?")
        node_rows.append([_text(raw.name(node)), role, "Ready" if ready == "True" else "NotReady"])
    namespaces = sorted(_text(raw.name(n)) for n in _items(source, "/api/v1/namespaces"))
    pods = pod_rows(source)
    summary = _text(description.splitlines()[0]) if description else ""
    lines = [f"Sample {name}" + (f": {summary}" if summary else ""), "",
             f"Nodes ({len(node_rows)})", _indent(tabulate(node_rows, tablefmt="plain")), "",
             f"Namespaces ({len(namespaces)}): {', '.join(namespaces)}"]
    for namespace in dict.fromkeys(p.namespace for p in pods):
        rows = [[_text(p.name), _text(p.owner) or "-", _text(p.state), p.ready] for p in pods
                if p.namespace == namespace]
        lines += ["", f"Pods in {_text(namespace)} ({len(rows)})",
                  _indent(tabulate(rows, headers=["POD", "OWNER", "STATE", "READY"], tablefmt="plain"))]
    lines += ["", "Trace its workloads (outside the system namespaces):"]
    for namespace, target, state in trace_targets(source, pods):
        lines += [f"  kubectl arch trace {_text(target)} -n {_text(namespace)} --sample {name}", f"      {state}"]
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
