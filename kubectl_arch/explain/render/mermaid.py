"""``kubectl arch explain -o mermaid``: the HA path and the node layer as a flowchart for docs and wikis.

Kubelets and clients reach the API servers through the cluster's endpoint (a load balancer in HA);
on kubeadm 1.19+ the scheduler and controller manager talk to the API server on their own node.
"""

from __future__ import annotations

from kubectl_arch.explain.analysis import ClusterMap
from kubectl_arch.explain.request import ExplainView
from kubectl_arch.output.sanitise import mermaid as label
from kubectl_arch.wording import plural


def mermaid(cluster: ClusterMap) -> str:
    """The HA path and the node layer as a mermaid flowchart, for docs and wikis."""
    api, store = cluster.component("kube-apiserver"), cluster.datastore
    lines = ["flowchart TD", f'  lb["load balancer / endpoint<br/>{label(cluster.server or "API endpoint")}"]']
    if api.replicas is None:
        state = f"unknown: {label(api.unknown)}" if api.unknown else f"hidden: {label(cluster.profile.title)}"
        lines.append(f'  api["API servers<br/>{state}"]')
        lines.append("  lb --> api")
    else:
        for index, instance in enumerate(api.instances):
            state = "ready" if instance.ready else "NOT READY"
            lines.append(f'  api{index}["kube-apiserver<br/>{label(instance.node)}<br/>{state}"]')
            lines.append(f"  lb --> api{index}")
    if store.members is not None:
        etcd_label = (f"etcd ({label(store.short)})<br/>{plural(store.members, 'member')}, quorum {store.quorum}<br/>"
                      f"tolerates {plural(store.failures_tolerated or 0, 'failure')}")
    elif cluster.managed:
        etcd_label = f"etcd<br/>hidden: {label(cluster.profile.title)}"
    elif store.kind in ("kine-sqlite", "kine-external"):
        etcd_label = f"kine<br/>{'SQLite' if store.kind == 'kine-sqlite' else 'external database'}"
    elif cluster.component("etcd").unknown:
        etcd_label = f"datastore<br/>not known: {label(cluster.component('etcd').unknown)}"
    else:
        etcd_label = "datastore"
    lines.append(f'  etcd[("{etcd_label}")]')
    api_ids = ["api"] if api.replicas is None else [f"api{i}" for i in range(len(api.instances))]
    api_nodes = {} if api.replicas is None else {i.node: f"api{n}" for n, i in enumerate(api.instances)}
    lines.extend(f"  {api_id} --> etcd" for api_id in api_ids)
    for name in ("kube-scheduler", "kube-controller-manager"):
        view = cluster.component(name)
        leader = f"<br/>leader: {label(view.leader.holder_node)}" if view.leader and view.leader.held else ""
        count = "not known" if view.unknown else "hidden" if view.replicas is None else f"x{view.replicas}"
        node_id = name.replace("-", "_")
        lines.append(f'  {node_id}["{name} {count}{leader}"]')
        local = sorted({api_nodes[i.node] for i in view.instances if i.node in api_nodes})
        if local:  # each instance talks to the API server on its own node
            lines.extend(f"  {node_id} -- own node --> {api_id}" for api_id in local)
        else:
            lines.append(f"  {node_id} --> {'api' if api.replicas is None else 'lb'}")
    runtime = label(cluster.component("container-runtime").kind or "runtime")
    cni = label(cluster.component("cni").kind or ("not known" if cluster.component("cni").unknown else "?"))
    count = f"nodes not known ({label(cluster.nodes_unknown)})" if cluster.nodes_unknown else \
        plural(cluster.facts.nodes, "node")
    proxy = cluster.facts.service_proxy
    mode = f"replaced by {proxy.replaced_by}" if proxy.mode == "replaced" and proxy.replaced_by else proxy.mode
    lines.append(f'  nodes["{count}: kubelet, {runtime}, kube-proxy {label(mode)}, CNI {cni}"]')
    lines.append("  nodes --> lb")  # kubelets reach the API servers through the endpoint, not one server
    return "\n".join(lines) + "\n"


def render(view: ExplainView, _format_name: str) -> None:
    import click

    click.echo(mermaid(view.cluster_map), nl=False)
