"""``kubectl arch trace``: rebuild one pod's creation path, timed, and say where it is stuck.

Trace reads per pod with selectors (see ``collect.py``), so its requests depend on the pod named on the
command line. The needs registered here exist for ``kubectl arch rbac``: they state the permissions
trace takes. Their ``fetch`` sends nothing, because a catalogue entry cannot know which pod to read.
"""

from __future__ import annotations

from kubectl_arch.collect.cluster_data import ClusterData
from kubectl_arch.collect.needs import Need, Rule, register
from kubectl_arch.collect.source import NO_STATUS, Response, Source


def _read_per_pod(_source: Source, _data: ClusterData) -> Response:
    return Response(status=NO_STATUS,
                    error="trace reads this per pod: record it with `kubectl arch snapshot --trace NS/POD`",
                    absent=True)


def _need(name: str, description: str, group: str, resources: tuple[str, ...], verbs: tuple[str, ...],
          namespace: str = "") -> Need:
    return register(Need(name=name, description=description, fetch=_read_per_pod,
                         rule=Rule(api_groups=(group,), resources=resources, verbs=verbs, namespace=namespace)))


_TRACE_CATALOGUE = [
    _need("trace-pods", "the traced pod, an owner's pods by label selector, and a watch for --follow",
          "", ("pods",), ("get", "list", "watch")),
    _need("trace-events", "events of the pod and its owners, selected by involvedObject.uid",
          "", ("events",), ("list",)),
    _need("trace-apps-owners", "the pod's owners: ReplicaSet, Deployment, StatefulSet, DaemonSet", "apps",
          ("daemonsets", "deployments", "replicasets", "statefulsets"), ("get",)),
    _need("trace-replicasets", "a Deployment's ReplicaSets by its selector, when it has no pod", "apps",
          ("replicasets",), ("list",)),
    _need("trace-batch-owners", "the pod's owners: Job, CronJob", "batch", ("cronjobs", "jobs"), ("get",)),
    _need("trace-cronjob-jobs", "a CronJob's Jobs in its namespace", "batch", ("jobs",), ("list",)),
    _need("trace-services", "Services in the pod's namespace, to find those selecting it",
          "", ("services",), ("list",)),
    _need("trace-endpointslices", "EndpointSlices of the Services selecting the pod",
          "discovery.k8s.io", ("endpointslices",), ("list",)),
    _need("trace-node", "the pod's node, to tell a NotReady node", "", ("nodes",), ("get",)),
    _need("trace-namespace", "the namespace, to tell a missing namespace from a missing pod",
          "", ("namespaces",), ("get",)),
    _need("trace-scheduler-lease", "the kube-scheduler Lease, when a pod has no scheduling event",
          "coordination.k8s.io", ("leases",), ("get",), namespace="kube-system"),
]

TRACE_NEEDS: list[str] = [need.name for need in _TRACE_CATALOGUE]
