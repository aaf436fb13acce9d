"""Legacy API discovery (/api, /apis, /api/v1, /apis/GROUP/VERSION) built from an ApiStore's resources.

Real kubectl discovers resources before ``kubectl get nodes``; benchmarks run it beside kubectl-arch on
the same server, so the server must answer discovery the way kube-apiserver does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubectl_arch.collect.apistore import Resource
from kubectl_arch.collect.source import Response

READ_VERBS = ["get", "list", "watch"]
# kube-apiserver's short names, so `kubectl get ns`, `deploy`, `po` work against the test server as on a cluster.
SHORT_NAMES: dict[str, list[str]] = {
    "namespaces": ["ns"], "nodes": ["no"], "pods": ["po"], "services": ["svc"], "endpoints": ["ep"],
    "events": ["ev"], "configmaps": ["cm"], "serviceaccounts": ["sa"], "persistentvolumeclaims": ["pvc"],
    "persistentvolumes": ["pv"], "resourcequotas": ["quota"], "limitranges": ["limits"],
    "replicationcontrollers": ["rc"], "deployments": ["deploy"], "replicasets": ["rs"], "daemonsets": ["ds"],
    "statefulsets": ["sts"], "cronjobs": ["cj"], "certificatesigningrequests": ["csr"],
    "customresourcedefinitions": ["crd", "crds"], "poddisruptionbudgets": ["pdb"], "ingresses": ["ing"],
    "networkpolicies": ["netpol"], "priorityclasses": ["pc"], "storageclasses": ["sc"],
    "horizontalpodautoscalers": ["hpa"],
}


def _group_version(resource: Resource) -> str:
    return resource.prefix.removeprefix("/api/").removeprefix("/apis/")


def discovery(path: str, resources: Iterable[Resource]) -> Response | None:
    """The discovery document for ``path``, or None when ``path`` is not a discovery path."""
    known = list(resources)
    path = path.rstrip("/") or "/"
    if path == "/api":
        return Response(status=200, data={"kind": "APIVersions", "versions": ["v1"],
                                          "serverAddressByClientCIDRs": []})
    if path == "/apis":
        return Response(status=200, data={"kind": "APIGroupList", "apiVersion": "v1", "groups": _groups(known)})
    matching = [r for r in known if r.prefix == path]
    if not matching:
        return None
    group_version = _group_version(matching[0])
    return Response(status=200, data={
        "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
        "resources": [{"name": r.plural, "singularName": r.kind.lower(), "namespaced": r.namespaced,
                       "kind": r.kind, "verbs": READ_VERBS, **_short_names(r)} for r in matching],
    })


def _short_names(resource: Resource) -> dict[str, list[str]]:
    names = SHORT_NAMES.get(resource.plural)
    return {"shortNames": names} if names and resource.prefix != "/apis/events.k8s.io/v1" else {}


def _groups(resources: list[Resource]) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    for resource in resources:
        if resource.prefix.startswith("/apis/"):
            group, version = _group_version(resource).split("/", 1)
            versions = groups.setdefault(group, [])
            if version not in versions:
                versions.append(version)
    return [{"name": group,
             "versions": [{"groupVersion": f"{group}/{v}", "version": v} for v in versions],
             "preferredVersion": {"groupVersion": f"{group}/{versions[0]}", "version": versions[0]}}
            for group, versions in sorted(groups.items())]
