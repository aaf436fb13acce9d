"""The evaluator the privilege tests trust: request attributes and rule matching as kube-apiserver does them."""

from __future__ import annotations

import pytest

from tests.rbac.rbac import RoleAuthorizer, request_attributes, role, rule_allows


@pytest.mark.parametrize("path,query,expected", [
    ("/api/v1/nodes", {}, ("list", "", "nodes", "", "", "")),
    ("/api/v1/nodes", {"watch": "1"}, ("watch", "", "nodes", "", "", "")),
    ("/api/v1/nodes/worker-1", {}, ("get", "", "nodes", "", "worker-1", "")),
    ("/api/v1/namespaces/kube-system/pods", {"limit": "500"}, ("list", "", "pods", "", "", "kube-system")),
    ("/api/v1/namespaces/kube-system/pods/etcd-cp-1:2381/proxy/metrics", {},
     ("get", "", "pods", "proxy", "etcd-cp-1:2381", "kube-system")),
    ("/api/v1/namespaces/kube-system", {}, ("get", "", "namespaces", "", "kube-system", "")),
    ("/api/v1/namespaces/team-1/status", {}, ("get", "", "namespaces", "status", "team-1", "")),
    ("/apis/apps/v1/daemonsets", {}, ("list", "apps", "daemonsets", "", "", "")),
    ("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler", {},
     ("get", "coordination.k8s.io", "leases", "", "kube-scheduler", "kube-system")),
])
def test_resource_requests_are_parsed_like_kube_apiserver(path: str, query: dict[str, str],
                                                           expected: tuple[str, ...]) -> None:
    attributes = request_attributes(path, query)
    assert attributes.resource_request
    assert (attributes.verb, attributes.api_group, attributes.resource, attributes.subresource, attributes.name,
            attributes.namespace) == expected


@pytest.mark.parametrize("path", ["/version", "/readyz", "/metrics", "/api", "/api/v1", "/apis", "/apis/apps/v1",
                                  "/openapi/v2"])
def test_discovery_and_health_paths_are_non_resource_urls(path: str) -> None:
    attributes = request_attributes(path, {})
    assert not attributes.resource_request and attributes.verb == "get"


def test_rules_match_verbs_groups_resources_and_names() -> None:
    list_nodes = request_attributes("/api/v1/nodes", {})
    get_cm = request_attributes("/api/v1/namespaces/kube-system/configmaps/kube-proxy", {})
    assert rule_allows({"apiGroups": [""], "resources": ["nodes"], "verbs": ["list"]}, list_nodes)
    assert not rule_allows({"apiGroups": [""], "resources": ["nodes"], "verbs": ["get"]}, list_nodes)
    assert not rule_allows({"apiGroups": ["apps"], "resources": ["nodes"], "verbs": ["list"]}, list_nodes)
    assert rule_allows({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, list_nodes)
    assert rule_allows({"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["kube-proxy"],
                        "verbs": ["get"]}, get_cm)
    assert not rule_allows({"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["other"],
                            "verbs": ["get"]}, get_cm)


def test_subresources_need_their_own_rule() -> None:
    proxy = request_attributes("/api/v1/namespaces/kube-system/pods/etcd-1:2381/proxy/metrics", {})
    assert not rule_allows({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}, proxy)
    assert rule_allows({"apiGroups": [""], "resources": ["pods/proxy"], "verbs": ["get"]}, proxy)
    assert rule_allows({"apiGroups": [""], "resources": ["*/proxy"], "verbs": ["get"]}, proxy)


def test_non_resource_urls_match_exactly_or_by_star_prefix() -> None:
    readyz = request_attributes("/readyz", {"verbose": "true"})
    assert rule_allows({"nonResourceURLs": ["/readyz"], "verbs": ["get"]}, readyz)
    assert rule_allows({"nonResourceURLs": ["/ready*"], "verbs": ["get"]}, readyz)
    assert not rule_allows({"nonResourceURLs": ["/version"], "verbs": ["get"]}, readyz)
    assert not rule_allows({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, readyz)


def test_the_authorizer_records_who_was_denied_what() -> None:
    authorizer = RoleAuthorizer()
    authorizer.bind("reader", role({"nonResourceURLs": ["/version"], "verbs": ["get"]}))
    assert authorizer("reader", "/version", {})
    assert not authorizer("reader", "/api/v1/nodes", {"limit": "500"})
    assert not authorizer("stranger", "/version", {})
    assert [r.describe() for r in authorizer.denials("reader")] == ["list nodes.core"]
    assert [r.describe() for r in authorizer.denials("stranger")] == ["get /version"]
