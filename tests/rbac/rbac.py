"""A small RBAC evaluator for the test API server: a request is allowed only if a ClusterRole rule covers it.

It follows kube-apiserver's own two steps, so a role that passes here passes on a real cluster:
``request_attributes`` turns a path and query into verb, API group, resource, subresource, name and
namespace (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go: a GET of a collection is ``list``,
of a named object ``get``, with ``watch=1`` ``watch``; ``/api/v1`` and ``/apis/GROUP/VERSION`` are
non-resource URLs), and ``rule_allows`` matches them the way the RBAC authorizer does
(k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go: ``*`` wildcards, ``resource/subresource``,
``*/subresource``, ``resourceNames``, non-resource URLs ending in ``*`` as prefixes).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})


@dataclass(frozen=True)
class RequestAttributes:
    """What RBAC decides on: the verb and either a resource (with group, namespace, name) or a URL."""

    verb: str
    path: str
    resource_request: bool
    api_group: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    namespace: str = ""

    def describe(self) -> str:
        if not self.resource_request:
            return f"{self.verb} {self.path}"
        resource = f"{self.resource}/{self.subresource}" if self.subresource else self.resource
        group = self.api_group or "core"
        where = f" in {self.namespace}" if self.namespace else ""
        return f"{self.verb} {resource}.{group}{where}"


def request_attributes(path: str, query: Mapping[str, str], method: str = "GET") -> RequestAttributes:
    """The attributes kube-apiserver derives from an HTTP request."""
    verb = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch",
            "DELETE": "delete"}.get(method, method.lower())
    parts = [p for p in path.split("/") if p]
    non_resource = RequestAttributes(verb=verb, path=path, resource_request=False)
    if len(parts) < 3 or parts[0] not in ("api", "apis"):
        return non_resource
    if parts[0] == "apis":
        if len(parts) < 4:
            return non_resource
        group, rest = parts[1], parts[3:]
    else:
        group, rest = "", parts[2:]
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
        else:
            namespace = ""  # the namespace object itself: /api/v1/namespaces/NAME[/status]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    if verb == "get" and not name:
        verb = "watch" if query.get("watch") in ("1", "true") else "list"
    return RequestAttributes(verb=verb, path=path, resource_request=True, api_group=group, resource=resource,
                             subresource=subresource, name=name, namespace=namespace)


def rule_allows(rule: Mapping[str, Any], request: RequestAttributes) -> bool:
    """Whether one PolicyRule covers the request."""
    verbs = rule.get("verbs") or []
    if "*" not in verbs and request.verb not in verbs:
        return False
    if not request.resource_request:
        return any(url == "*" or url == request.path or (url.endswith("*") and request.path.startswith(url[:-1]))
                   for url in rule.get("nonResourceURLs") or [])
    groups = rule.get("apiGroups") or []
    if "*" not in groups and request.api_group not in groups:
        return False
    combined = f"{request.resource}/{request.subresource}" if request.subresource else request.resource
    resources = rule.get("resources") or []
    if not any(r == "*" or r == combined or (request.subresource and r == f"*/{request.subresource}")
               for r in resources):
        return False
    names = rule.get("resourceNames") or []
    return not names or request.name in names


@dataclass
class RoleAuthorizer:
    """Authorises each user by the rules of their ClusterRoles; remembers every denial for the test to show.

    Passed as ``ApiServer(authorizer=...)``; users with no roles are denied everything.
    """

    # Each user's rules with the namespace they apply in ("" for a ClusterRole's: everywhere).
    roles: dict[str, list[tuple[str, Mapping[str, Any]]]] = field(default_factory=dict)
    denied: list[tuple[str, RequestAttributes]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def bind(self, user: str, role: Mapping[str, Any]) -> None:
        """Bind a ClusterRole (its rules apply everywhere) or a Role (only in its namespace, as a
        RoleBinding there grants it)."""
        namespace = (role.get("metadata") or {}).get("namespace", "") if role.get("kind") == "Role" else ""
        self.roles.setdefault(user, []).extend((namespace, rule) for rule in role.get("rules") or [])

    def __call__(self, user: str, path: str, query: Mapping[str, str]) -> bool:
        request = request_attributes(path, query)
        if any(rule_allows(rule, request) for namespace, rule in self.roles.get(user, [])
               if not namespace or (request.resource_request and request.namespace == namespace)):
            return True
        with self._lock:
            self.denied.append((user, request))
        return False

    def denials(self, user: str) -> list[RequestAttributes]:
        with self._lock:
            return [request for who, request in self.denied if who == user]

    def clear(self) -> None:
        with self._lock:
            self.denied.clear()


def cluster_roles(text: str) -> list[dict[str, Any]]:
    """The ClusterRoles in a multi-document YAML text (such as `kubectl arch rbac`'s output)."""
    return [doc for doc in yaml.safe_load_all(text) if isinstance(doc, dict) and doc.get("kind") == "ClusterRole"]


def namespaced_roles(text: str) -> list[dict[str, Any]]:
    """The Roles (each in its namespace) in a multi-document YAML text."""
    return [doc for doc in yaml.safe_load_all(text) if isinstance(doc, dict) and doc.get("kind") == "Role"]


def role(*rules: Mapping[str, Any]) -> dict[str, Any]:
    """A ClusterRole made of ``rules``, for identities a test defines by hand."""
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "test"},
            "rules": list(rules)}


EVERYTHING = role({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]})


def read_verbs(roles: Iterable[Mapping[str, Any]]) -> set[str]:
    return {verb for r in roles for rule in r.get("rules") or [] for verb in rule.get("verbs") or []}
