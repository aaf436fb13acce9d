"""An in-memory Kubernetes API that answers GETs the way a real API server does.

Bundled samples are sets of Kubernetes objects plus a few non-resource answers (``/version``,
``/readyz``, ``/metrics``); this store turns them into the raw responses a live cluster would give,
so samples never depend on which exact requests a command makes. The test API server serves the same
store over HTTPS. It implements paths, label and field selectors, ``limit``/``continue`` paging with
``remainingItemCount``, 404 and 403 as ``Status`` objects.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from kubectl_arch import jsonshape
from kubectl_arch.collect.source import Query, Response, request_key


@dataclass(frozen=True)
class Resource:
    """Where a kind lives in the API: group/version prefix, plural, and whether it is namespaced."""

    kind: str
    prefix: str  # "/api/v1" or "/apis/apps/v1"
    plural: str
    namespaced: bool


_RESOURCES = [
    Resource("Namespace", "/api/v1", "namespaces", False),
    Resource("Node", "/api/v1", "nodes", False),
    Resource("Pod", "/api/v1", "pods", True),
    Resource("Service", "/api/v1", "services", True),
    Resource("Endpoints", "/api/v1", "endpoints", True),
    Resource("ConfigMap", "/api/v1", "configmaps", True),
    Resource("Secret", "/api/v1", "secrets", True),
    Resource("Event", "/api/v1", "events", True),
    Resource("ServiceAccount", "/api/v1", "serviceaccounts", True),
    Resource("PersistentVolumeClaim", "/api/v1", "persistentvolumeclaims", True),
    Resource("PersistentVolume", "/api/v1", "persistentvolumes", False),
    Resource("ResourceQuota", "/api/v1", "resourcequotas", True),
    Resource("Deployment", "/apis/apps/v1", "deployments", True),
    Resource("ReplicaSet", "/apis/apps/v1", "replicasets", True),
    Resource("StatefulSet", "/apis/apps/v1", "statefulsets", True),
    Resource("DaemonSet", "/apis/apps/v1", "daemonsets", True),
    Resource("Job", "/apis/batch/v1", "jobs", True),
    Resource("CronJob", "/apis/batch/v1", "cronjobs", True),
    Resource("EndpointSlice", "/apis/discovery.k8s.io/v1", "endpointslices", True),
    Resource("Lease", "/apis/coordination.k8s.io/v1", "leases", True),
    Resource("CertificateSigningRequest", "/apis/certificates.k8s.io/v1", "certificatesigningrequests", False),
    Resource(
        "MutatingWebhookConfiguration", "/apis/admissionregistration.k8s.io/v1", "mutatingwebhookconfigurations", False
    ),
    Resource(
        "ValidatingWebhookConfiguration",
        "/apis/admissionregistration.k8s.io/v1",
        "validatingwebhookconfigurations",
        False,
    ),
    Resource("APIService", "/apis/apiregistration.k8s.io/v1", "apiservices", False),
    Resource("FlowSchema", "/apis/flowcontrol.apiserver.k8s.io/v1", "flowschemas", False),
    Resource(
        "PriorityLevelConfiguration", "/apis/flowcontrol.apiserver.k8s.io/v1", "prioritylevelconfigurations", False
    ),
    Resource("ClusterRole", "/apis/rbac.authorization.k8s.io/v1", "clusterroles", False),
    Resource("ClusterRoleBinding", "/apis/rbac.authorization.k8s.io/v1", "clusterrolebindings", False),
    Resource("Role", "/apis/rbac.authorization.k8s.io/v1", "roles", True),
    Resource("RoleBinding", "/apis/rbac.authorization.k8s.io/v1", "rolebindings", True),
    Resource("CustomResourceDefinition", "/apis/apiextensions.k8s.io/v1", "customresourcedefinitions", False),
    Resource("PodDisruptionBudget", "/apis/policy/v1", "poddisruptionbudgets", True),
    Resource("ClusterOperator", "/apis/config.openshift.io/v1", "clusteroperators", False),  # OpenShift's
    Resource("ClusterVersion", "/apis/config.openshift.io/v1", "clusterversions", False),
]
RESOURCES_BY_KIND = {r.kind: r for r in _RESOURCES}
RESOURCES_BY_PATH = {(r.prefix, r.plural): r for r in _RESOURCES}


def resource_for(obj: Mapping[str, Any]) -> Resource:
    """The resource of an object from its ``apiVersion`` and ``kind`` (unknown kinds: lowercase plural)."""
    kind = str(obj.get("kind", ""))
    known = RESOURCES_BY_KIND.get(kind)
    if known:
        return known
    api_version = str(obj.get("apiVersion", "v1"))
    prefix = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    return Resource(kind, prefix, kind.lower() + "s", bool(jsonshape.mapping(obj.get("metadata")).get("namespace")))


class Collection(Protocol):
    """The objects of one resource; a benchmark can generate them lazily instead of holding them."""

    def iter_from(self, namespace: str | None, start: int) -> Iterator[dict[str, Any]]:
        """Objects in ``namespace`` (all when None) in a stable order, from position ``start``."""
        ...


@dataclass
class ListCollection:
    """A collection held in memory, kept in namespace/name order like etcd's key order."""

    objects: list[dict[str, Any]] = field(default_factory=list)

    def add(self, obj: dict[str, Any]) -> None:
        self.objects.append(obj)
        self.objects.sort(key=lambda o: (jsonshape.mapping(o.get("metadata")).get("namespace", ""),
                                         o["metadata"]["name"]))

    def iter_from(self, namespace: str | None, start: int) -> Iterator[dict[str, Any]]:
        selected: Iterable[dict[str, Any]] = self.objects
        if namespace is not None:
            selected = (o for o in self.objects if jsonshape.mapping(o.get("metadata")).get("namespace") == namespace)
        return itertools.islice(selected, start, None)


def status_object(code: int, reason: str, message: str) -> dict[str, Any]:
    """A ``metav1.Status`` body as the API server sends with errors."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


class ApiStore:
    """Objects and raw answers served as API responses; ``forbid`` simulates RBAC denials."""

    def __init__(self) -> None:
        self.collections: dict[tuple[str, str], Collection] = {}
        self.resources: dict[tuple[str, str], Resource] = dict(RESOURCES_BY_PATH)
        self.raw: dict[str, Response] = {}
        self.forbidden: list[Callable[[str, Query], bool]] = []
        self.resource_version = 1000
        self.now: dt.datetime | None = None  # the clock Table AGE cells are printed against (None: real time)

    # -- loading ------------------------------------------------------------------------------------

    def add(self, obj: dict[str, Any]) -> None:
        resource = resource_for(obj)
        key = (resource.prefix, resource.plural)
        self.resources[key] = resource
        collection = self.collections.setdefault(key, ListCollection())
        if isinstance(collection, ListCollection):
            collection.add(obj)
        else:
            raise TypeError(f"cannot add objects to a generated collection {key}")

    def add_all(self, objects: Iterable[dict[str, Any]]) -> None:
        for obj in objects:
            self.add(obj)

    def set_collection(self, resource: Resource, collection: Collection) -> None:
        self.resources[(resource.prefix, resource.plural)] = resource
        self.collections[(resource.prefix, resource.plural)] = collection

    def set_raw(self, path: str, response: Response, query: Query | None = None) -> None:
        self.raw[request_key(path, query)] = response

    def forbid(self, predicate: Callable[[str, Query], bool]) -> None:
        self.forbidden.append(predicate)

    def objects(self, kind: str) -> list[dict[str, Any]]:
        """All stored objects of a kind (for tests and the watch stream)."""
        resource = RESOURCES_BY_KIND.get(kind)
        if resource is None:
            return []
        collection = self.collections.get((resource.prefix, resource.plural))
        return list(collection.iter_from(None, 0)) if collection else []

    # -- answering ----------------------------------------------------------------------------------

    def get_table(self, path: str, query: Query | None = None) -> Response:
        """The answer to a GET asking for a server-side Table (kubectl's ``as=Table`` Accept header).

        Lists and single objects become a meta.k8s.io/v1 Table (see collect/tables.py); errors and
        non-resource answers (``/version``, ``/metrics``) are sent as they are, as a real server does.
        """
        from kubectl_arch.collect.tables import to_table

        response = self.get(path, query)
        data = response.data
        if not response.ok or not isinstance(data, dict) or not isinstance(data.get("metadata"), dict):
            return response
        route = self._route(path)
        if route is None or request_key(path, query) in self.raw or path in self.raw:
            return response
        resource, _namespace, name = route
        if name is not None:
            return Response(status=200, data=to_table(resource.kind, [data], {"resourceVersion": str(
                self.resource_version)}, dict(query or {}), self.now))
        items = [_with_type(item, resource) for item in jsonshape.sequence(data.get("items"))]
        return Response(status=200, data=to_table(resource.kind, items, data["metadata"], dict(query or {}), self.now))

    def get(self, path: str, query: Query | None = None) -> Response:
        query = dict(query or {})
        for predicate in self.forbidden:
            if predicate(path, query):
                return _error(403, "Forbidden", f"forbidden: cannot get path {path!r}")
        raw = self.raw.get(request_key(path, query)) or self.raw.get(path)
        if raw is not None:
            return raw
        route = self._route(path)
        if route is None:
            return _error(404, "NotFound", "the server could not find the requested resource")
        resource, namespace, name = route
        collection = self.collections.get((resource.prefix, resource.plural))
        if name is not None:
            finder = getattr(collection, "find", None)  # optional: a generated collection finds in O(1)
            if finder is not None:
                found = finder(namespace, name)
                if found is not None:
                    return Response(status=200, data=_with_type(found, resource))
                return _error(404, "NotFound", f'{resource.plural} "{name}" not found')
            for obj in collection.iter_from(namespace, 0) if collection else ():
                if obj["metadata"]["name"] == name:
                    return Response(status=200, data=_with_type(obj, resource))
            return _error(404, "NotFound", f'{resource.plural} "{name}" not found')
        return self._list(resource, collection, namespace, query)

    def _route(self, path: str) -> tuple[Resource, str | None, str | None] | None:
        parts = [p for p in path.split("/") if p]
        if parts[:2] == ["api", "v1"]:
            prefix, rest = "/api/v1", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            prefix, rest = f"/apis/{parts[1]}/{parts[2]}", parts[3:]
        else:
            return None
        namespace = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            namespace, rest = rest[1], rest[2:]
        elif len(rest) == 2 and rest[0] == "namespaces" and prefix == "/api/v1":
            return RESOURCES_BY_KIND["Namespace"], None, rest[1]
        resource = self.resources.get((prefix, rest[0])) if rest else None
        if resource is None or len(rest) > 2:
            return None
        if namespace is not None and not resource.namespaced:
            return None
        return resource, namespace, rest[1] if len(rest) == 2 else None

    def _list(
        self, resource: Resource, collection: Collection | None, namespace: str | None, query: Mapping[str, str]
    ) -> Response:
        labels = parse_label_selector(query.get("labelSelector", ""))
        fields = parse_field_selector(query.get("fieldSelector", ""))
        limit = int(query.get("limit") or 0)
        start = _decode_continue(query.get("continue"))
        if start is None:
            return _error(410, "Expired", "The provided continue parameter is too old or invalid")
        matched: list[dict[str, Any]] = []
        position = start
        more = False
        source = _candidates(collection, namespace, start, labels if query.get("labelSelector") else None)
        for obj in source:
            position += 1
            if obj is None or not (labels(obj) and fields(obj)):
                continue
            if limit and len(matched) == limit:
                more = True
                position -= 1
                break
            matched.append(obj)
        metadata: dict[str, Any] = {"resourceVersion": str(self.resource_version)}
        if more:
            metadata["continue"] = _encode_continue(position)
            if not query.get("labelSelector") and not query.get("fieldSelector") and collection is not None:
                counter = getattr(collection, "count", None)  # optional: O(1) for a generated collection
                metadata["remainingItemCount"] = (counter(namespace) - position if counter is not None
                                                  else sum(1 for _ in collection.iter_from(namespace, position)))
        group_version = resource.prefix.removeprefix("/api/").removeprefix("/apis/")
        body = {"kind": f"{resource.kind}List", "apiVersion": group_version, "metadata": metadata, "items": matched}
        return Response(status=200, data=body)


def _candidates(collection: Collection | None, namespace: str | None, start: int,
                labels: Predicate | None) -> Iterator[dict[str, Any] | None]:
    """The collection's objects from ``start``; a generated one may answer None for objects its label
    selector cannot match (optional ``iter_selected``), so that they are never made."""
    if collection is None:
        return iter(())
    selected = getattr(collection, "iter_selected", None) if labels is not None else None
    if selected is None or labels is None:
        return collection.iter_from(namespace, start)
    return cast("Iterator[dict[str, Any] | None]",
                selected(namespace, start, lambda shared: labels({"metadata": {"labels": shared}})))


def _with_type(obj: dict[str, Any], resource: Resource) -> dict[str, Any]:
    if "kind" in obj and "apiVersion" in obj:
        return obj
    group_version = resource.prefix.removeprefix("/api/").removeprefix("/apis/")
    return {"kind": resource.kind, "apiVersion": group_version, **obj}


def _error(code: int, reason: str, message: str) -> Response:
    return Response(status=code, data=status_object(code, reason, message), error=message)


def _encode_continue(position: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"start": position}).encode()).decode()


def _decode_continue(token: str | None) -> int | None:
    if not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["start"])
    except (ValueError, KeyError, TypeError):
        return None


# -- selectors --------------------------------------------------------------------------------------

Predicate = Callable[[Mapping[str, Any]], bool]
_SET_REQUIREMENT = re.compile(r"^\s*([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")


def _split_top_level(selector: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def parse_label_selector(selector: str) -> Predicate:
    """A predicate for a label selector: ``a=b``, ``a!=b``, ``a``, ``!a``, ``a in (x,y)``, ``a notin (x)``."""
    checks = [_label_requirement(requirement) for requirement in _split_top_level(selector)]
    return lambda obj: all(check(_labels(obj)) for check in checks)


def _label_requirement(requirement: str) -> Callable[[Mapping[str, str]], bool]:
    set_match = _SET_REQUIREMENT.match(requirement)
    if set_match:
        key, op = set_match.group(1), set_match.group(2)
        values = {v.strip() for v in set_match.group(3).split(",")}
        return lambda labels: (labels.get(key) in values) == (op == "in")
    if "!=" in requirement:
        key, value = (s.strip() for s in requirement.split("!=", 1))
        return lambda labels: labels.get(key) != value
    if "=" in requirement:
        key, value = (s.strip() for s in requirement.replace("==", "=").split("=", 1))
        return lambda labels: labels.get(key) == value
    if requirement.startswith("!"):
        absent = requirement[1:].strip()
        return lambda labels: absent not in labels
    return lambda labels: requirement in labels


def parse_field_selector(selector: str) -> Predicate:
    """A predicate for a field selector: dotted paths with ``=``, ``==`` or ``!=``, joined by commas."""
    checks = [_field_requirement(requirement) for requirement in _split_top_level(selector)]
    return lambda obj: all(check(obj) for check in checks)


def _field_requirement(requirement: str) -> Predicate:
    negate = "!=" in requirement
    key, value = (s.strip() for s in re.split(r"!=|==|=", requirement, maxsplit=1))
    return lambda obj: (_field(obj, key) == value) != negate


def _labels(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return jsonshape.mapping(jsonshape.mapping(obj.get("metadata")).get("labels"))


def _field(obj: Mapping[str, Any], dotted: str) -> str:
    value: Any = obj
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return "" if value is None else str(value)
