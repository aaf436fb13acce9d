"""Read what one pod's story needs, with selectors only: never every pod or event of the cluster.

The budget is a dozen requests whatever the cluster's size: the pod (or the owner and its pods by label
selector), the pod's events by ``involvedObject.uid``, each owner up the chain by GET and its events by
uid, the namespace's Services once and the EndpointSlices of those selecting the pod in one labelled
list, the node, and the scheduler's Lease only when no scheduling event exists. Answers are kept raw;
a 403 or 404 on anything but the pod itself is data the analysis explains.

An owner with no pod at all is a story too: its controller failed to create one. Then the chain is read
down instead of up (a Deployment's ReplicaSets by its selector, a CronJob's Jobs) with each one's events,
and ``TraceData.pod`` stays empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubectl_arch.collect.concurrency import gather, max_in_flight
from kubectl_arch.collect.source import Response, Source
from kubectl_arch.errors import ArchError, NotFoundError
from kubectl_arch.model import raw
from kubectl_arch.trace.pods import Pick, PodChoice, choose, newest_first, owned
from kubectl_arch.trace.target import OWNER_KINDS, Target, parse_target

__all__ = ["OwnerData", "TraceData", "TraceSetData", "collect_trace", "collect_trace_set", "parse_target",
           "pod_event_uid"]

NO_EVENTS = Response(status=200, data={"items": []})  # what a pod that does not exist has: nothing to read

MAX_OWNER_DEPTH = 3  # Pod <- ReplicaSet <- Deployment, Pod <- Job <- CronJob: three leaves headroom
SCHEDULER_LEASE_PATH = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
SCHEDULING_REASONS = frozenset({"Scheduled", "FailedScheduling"})


@dataclass
class OwnerData:
    """One owner up the chain (nearest first): the object as read, and its events."""

    object: dict[str, Any]
    events: Response

    @property
    def kind(self) -> str:
        return str(self.object.get("kind", ""))

    @property
    def name(self) -> str:
        return raw.name(self.object)


@dataclass
class TraceData:
    """The raw answers about one pod; ``now`` is the source's clock (capture time offline).

    ``pod`` is empty when the traced owner has no pod: ``owners`` then run from the owner that should
    create pods (a ReplicaSet, a Job ...) up to the one named on the command line.
    """

    namespace: str
    now: dt.datetime
    pod: dict[str, Any]
    pod_events: Response
    owners: list[OwnerData] = field(default_factory=list)
    owner_errors: list[str] = field(default_factory=list)
    services: Response | None = None
    endpoint_slices: Response | None = None
    node: Response | None = None
    scheduler_lease: Response | None = None
    source: str = ""


@dataclass
class TraceSetData:
    """What a picture of an owner charts: the raw answers of each chosen pod, and the choice itself."""

    traces: list[TraceData]
    choice: PodChoice
    target: str = ""  # "Deployment api": what was asked for, when it is an owner


def collect_trace(source: Source, namespace: str, target: Target) -> TraceData:
    """Read everything trace shows about ``target`` in ``namespace``; unknown names raise NotFoundError."""
    known, pods = _pods_of_target(source, namespace, target)
    pod = _newest(pods, known[0], indirect=True) if known else pods[0]
    if pod is None:
        return _without_pod(source, namespace, known)
    return _read_pod(source, namespace, pod, known)


def collect_trace_set(source: Source, namespace: str, target: Target) -> TraceSetData:
    """A pod, or a few of an owner's pods (``pods.choose``), each read as ``collect_trace`` reads one; the
    namespace's Services are read once for all. The newest pod is always among them, read the same way."""
    known, pods = _pods_of_target(source, namespace, target)
    if not known:
        return TraceSetData([_read_pod(source, namespace, pods[0], known)], PodChoice((Pick(pods[0], ""),), ()))
    choice = choose(owned(pods, known[0], indirect=True))
    asked = f"{target.kind} {target.name}"
    if not choice.picks:
        return TraceSetData([_without_pod(source, namespace, known)], choice, asked)
    services = source.get(f"/api/v1/namespaces/{namespace}/services")
    readers = [_pod_reader(source, namespace, dict(pick.pod), known, services) for pick in choice.picks]
    return TraceSetData(gather(readers, max_in_flight(source)), choice, asked)


def _pod_reader(source: Source, namespace: str, pod: dict[str, Any], known: list[dict[str, Any]],
                services: Response) -> Callable[[], TraceData]:
    return lambda: _read_pod(source, namespace, pod, known, services)


def _pods_of_target(source: Source, namespace: str,
                    target: Target) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The owners already read (nearest first; none for a pod) and the candidate pods (one request)."""
    if target.is_pod:
        return [], [_get_pod(source, namespace, target.name)]
    known = [_get_owner(source, namespace, target)]
    if target.kind == "CronJob":
        known.insert(0, _newest_job_of(source, namespace, known[0], target))
    return known, _selected(source, namespace, known[0], "/api/v1", "pods", target)


def _read_pod(source: Source, namespace: str, pod: dict[str, Any], known: list[dict[str, Any]],
              services: Response | None = None) -> TraceData:
    """The pod's events, owners, Services and node (``services`` when already read)."""
    data = TraceData(namespace=namespace, now=source.now(), pod=pod, pod_events=NO_EVENTS, source=source.description)
    node_name = raw.mapping(pod.get("spec")).get("nodeName")

    def pod_events() -> None:
        data.pod_events = _events_of(source, namespace, pod_event_uid(pod))

    def node() -> None:
        if node_name:
            data.node = source.get(f"/api/v1/nodes/{node_name}")

    # Once the pod is read, its events, its owners, its Services and its node are independent: read together
    # (one round trip each branch deep, not one after another).
    gather([pod_events, lambda: _follow_owners(source, namespace, data, known),
            lambda: _read_endpoints(source, namespace, data, services), node], max_in_flight(source))
    if not node_name and not any(raw.text(e.get("reason")) in SCHEDULING_REASONS for e in objects(data.pod_events)):
        data.scheduler_lease = source.get(SCHEDULER_LEASE_PATH)
    return data


def pod_event_uid(pod: Mapping[str, Any]) -> str:
    """The uid events name: a mirror pod's events are recorded against the static pod's uid."""
    mirror = raw.annotations_of(pod).get(raw.MIRROR_ANNOTATION)
    return str(mirror or raw.mapping(pod.get("metadata")).get("uid", ""))


def _get_pod(source: Source, namespace: str, name: str) -> dict[str, Any]:
    response = source.get(f"/api/v1/namespaces/{namespace}/pods/{name}")
    if response.not_found:
        _raise_not_found(source, namespace, f"pod {name!r}")
    return _object_or_raise(response, f"pod {namespace}/{name}")


def _get_owner(source: Source, namespace: str, target: Target) -> dict[str, Any]:
    kind = OWNER_KINDS[target.kind]
    response = source.get(kind.path(namespace, target.name))
    if response.not_found:
        _raise_not_found(source, namespace, f"{target.kind} {target.name!r}")
    return _object_or_raise(response, f"{target.kind} {namespace}/{target.name}")


def _raise_not_found(source: Source, namespace: str, what: str) -> None:
    """Say whether the namespace or the object is missing: the fix differs."""
    if source.get(f"/api/v1/namespaces/{namespace}").not_found:
        raise NotFoundError(f"namespace {namespace!r} does not exist", hint="list them with `kubectl get namespaces`")
    raise NotFoundError(f"{what} not found in namespace {namespace!r}",
                        hint=f"list them with `kubectl get {what.split()[0].lower()}s -n {namespace}`")


def _object_or_raise(response: Response, what: str) -> dict[str, Any]:
    if not response.ok or not isinstance(response.data, dict):
        raise ArchError(response.skip_reason(what))
    return response.data


def label_selector_text(selector: Mapping[str, Any]) -> str:
    """A ``metav1.LabelSelector`` written as the query-string selector the API server accepts."""
    parts = [f"{key}={value}" for key, value in sorted(raw.mapping(selector.get("matchLabels")).items())]
    for expression in raw.sequence(selector.get("matchExpressions")):
        key, operator = expression.get("key", ""), expression.get("operator", "")
        values = ",".join(raw.sequence(expression.get("values")))
        parts.append({"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                      "Exists": key, "DoesNotExist": f"!{key}"}.get(operator, key))
    return ",".join(parts)


def _newest_job_of(source: Source, namespace: str, cronjob: dict[str, Any], target: Target) -> dict[str, Any]:
    """A CronJob's newest Job: its Jobs carry no label naming it, so the namespace's Jobs are matched by owner."""
    path = OWNER_KINDS["Job"].path(namespace)
    response = source.get(path)
    if not response.ok:
        raise ArchError(response.skip_reason(f"the Jobs of {target}"))
    job = _newest(objects(response), cronjob, indirect=False)
    if job is None:
        raise NotFoundError(f"{target} has not created a Job yet in namespace {namespace!r}",
                            hint=f"see its schedule and last run with `kubectl describe {target} -n {namespace}`")
    return {"kind": "Job", **job}


def _selected(source: Source, namespace: str, owner: dict[str, Any], prefix: str, plural: str,
              target: Target) -> list[dict[str, Any]]:
    """Objects matching ``owner``'s label selector in the namespace (one request)."""
    selector = label_selector_text(raw.mapping(raw.mapping(owner.get("spec")).get("selector")))
    if not selector:
        raise ArchError(f"{target} has no label selector, so its {plural} cannot be found")
    response = source.get(f"{prefix}/namespaces/{namespace}/{plural}", {"labelSelector": selector})
    if not response.ok:
        raise ArchError(response.skip_reason(f"the {plural} of {target}"))
    return objects(response)


def _newest(candidates: list[dict[str, Any]], owner: Mapping[str, Any], indirect: bool) -> dict[str, Any] | None:
    """The newest object ``owner`` controls (see ``pods.owned``)."""
    chosen = newest_first(owned(candidates, owner, indirect))
    return dict(chosen[0]) if chosen else None


def _without_pod(source: Source, namespace: str, known: list[dict[str, Any]]) -> TraceData:
    """No pod exists: read down to the object that should create pods, with each link's events.

    A Deployment's newest ReplicaSet is found by the Deployment's selector (one request); a Job, ReplicaSet,
    StatefulSet or DaemonSet creates pods itself, and a CronJob's Job was read already.
    """
    chain = list(known)
    if chain[0].get("kind") == "Deployment":
        target = Target("Deployment", raw.name(chain[0]))
        replica_set = _newest(_selected(source, namespace, chain[0], "/apis/apps/v1", "replicasets", target),
                              chain[0], indirect=False)
        if replica_set is not None:
            chain.insert(0, {"kind": "ReplicaSet", **replica_set})
    owners = [OwnerData(object=obj, events=_events_of(source, namespace, _uid(obj)))
              for obj in chain]
    data = TraceData(namespace=namespace, now=source.now(), pod={}, pod_events=NO_EVENTS, owners=owners,
                     source=source.description)
    _follow_owners(source, namespace, data, [], start=chain[-1])  # rs/NAME: its Deployment too
    return data


def _uid(obj: Mapping[str, Any]) -> str:
    return str(raw.mapping(obj.get("metadata")).get("uid"))


def _owner_refs(obj: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(raw.sequence(raw.mapping(obj.get("metadata")).get("ownerReferences")))


def _controller_ref(obj: Mapping[str, Any]) -> dict[str, Any] | None:
    refs = _owner_refs(obj)
    return next((r for r in refs if r.get("controller")), refs[0] if refs else None)


def _follow_owners(source: Source, namespace: str, data: TraceData, known: list[dict[str, Any]],
                   start: Mapping[str, Any] | None = None) -> None:
    """GET each controller owner up the chain from ``start`` (the pod), reusing owners already read; then the
    events of every owner found, together."""
    known_by_uid = {raw.text(raw.mapping(obj.get("metadata")).get("uid")): obj for obj in known}
    current: Mapping[str, Any] = data.pod if start is None else start
    chain: list[dict[str, Any]] = []
    for _ in range(MAX_OWNER_DEPTH - len(data.owners)):
        ref = _controller_ref(current)
        if ref is None:
            break
        if ref.get("kind") == "Node" and raw.is_mirror_pod(current):
            break  # a mirror pod's owner is its node: shown in the chain, read as the pod's node
        kind = OWNER_KINDS.get(str(ref.get("kind", "")))
        if kind is None:
            data.owner_errors.append(f"owned by {ref.get('kind')} {ref.get('name')}, a kind trace does not read")
            break
        uid = raw.text(ref.get("uid"))
        if uid is not None and uid in known_by_uid:
            owner = {"kind": kind.kind, **known_by_uid[uid]}
        else:
            response = source.get(kind.path(namespace, str(ref.get("name", ""))))
            if not response.ok or not isinstance(response.data, dict):
                data.owner_errors.append(response.skip_reason(f"{kind.kind} {namespace}/{ref.get('name')}"))
                break
            owner = {"kind": kind.kind, **response.data}
        chain.append(owner)
        current = owner
    uids = [str(raw.mapping(owner.get("metadata")).get("uid", "")) for owner in chain]
    events = gather([_events_reader(source, namespace, uid) for uid in uids], max_in_flight(source))
    data.owners.extend(OwnerData(object=owner, events=answer) for owner, answer in zip(chain, events, strict=True))


def _events_reader(source: Source, namespace: str, uid: str) -> Callable[[], Response]:
    return lambda: _events_of(source, namespace, uid)


def _events_of(source: Source, namespace: str, uid: str) -> Response:
    """core/v1 events of one object by uid (the same stored objects events.k8s.io serves)."""
    return source.get(f"/api/v1/namespaces/{namespace}/events", {"fieldSelector": f"involvedObject.uid={uid}"})


def _read_endpoints(source: Source, namespace: str, data: TraceData, services: Response | None = None) -> None:
    """Services of the namespace once, then the slices of those selecting the pod in one labelled list."""
    data.services = services or source.get(f"/api/v1/namespaces/{namespace}/services")
    names = [raw.name(s) for s in selecting_services(objects(data.services), raw.labels(data.pod))]
    if names:
        data.endpoint_slices = source.get(f"/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices",
                                          {"labelSelector": f"{SERVICE_NAME_LABEL} in ({','.join(names)})"})


def objects(response: Response | None) -> list[dict[str, Any]]:
    """The objects of a list answer, leaving out anything that is not an object (a server never sends that)."""
    return [item for item in response.items if isinstance(item, dict)] if response is not None else []


def selecting_services(services: list[dict[str, Any]], pod_labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """Services whose selector the pod's labels satisfy, and which therefore get endpoints: a Service without
    selector selects nothing, and the EndpointSlice controller skips an ExternalName one whatever its selector
    (kubernetes#105986), so waiting for its slices would wait forever."""
    out = []
    for service in services:
        spec = service.get("spec")
        if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
            continue
        selector = spec.get("selector")
        if isinstance(selector, dict) and selector and all(pod_labels.get(k) == v for k, v in selector.items()):
            out.append(service)
    return out
