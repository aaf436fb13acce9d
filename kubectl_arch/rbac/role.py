"""The minimal read-only ClusterRole, derived from the needs the commands and checks declare.

Each need carries the RBAC rule its one request takes (collect/needs.py), so the role is computed, never
written by hand: a new check that reads something new changes the role with it. Rules are merged per
resource (the union of the verbs every need asks for), then grouped, so the role reads like one an
administrator would write.
"""

from __future__ import annotations

from typing import Any

READ_VERBS = ("get", "list", "watch")


def all_need_names(include_workloads: bool = False) -> list[str]:
    """Every need any command may read: explain's, the whole audit catalogue's, and trace's."""
    from kubectl_arch.audit.registry import needs_for
    from kubectl_arch.explain import EXPLAIN_NEEDS
    from kubectl_arch.trace import TRACE_NEEDS

    names = list(EXPLAIN_NEEDS) + needs_for(include_workloads=include_workloads) + list(TRACE_NEEDS)
    return list(dict.fromkeys(names))


def role_rules(need_names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Rules for the needs by namespace: ``""`` holds the ClusterRole's (cluster-wide reads and the
    non-resource URLs), ``"kube-system"`` the Role's there. A permission granted cluster-wide is not
    repeated in a namespace. One rule per API group and verb set, then the URLs.

    Raises ``ValueError`` if any need declares a verb that is not a read: the role must stay read-only.
    """
    from kubectl_arch.collect.needs import rbac_rules

    verbs_by_resource: dict[tuple[str, str, str, tuple[str, ...]], set[str]] = {}
    verbs_by_url: dict[str, set[str]] = {}
    for rule in rbac_rules(need_names):
        writes = [v for v in rule.verbs if v not in READ_VERBS]
        if writes:
            raise ValueError(f"a need declares the non-read verbs {writes}: kubectl-arch is read-only")
        for url in rule.non_resource_urls:
            verbs_by_url.setdefault(url, set()).update(rule.verbs)
        for group in rule.api_groups:
            for resource in rule.resources:
                verbs_by_resource.setdefault((rule.namespace, group, resource, rule.names), set()).update(rule.verbs)
    for (namespace, group, resource, names), verbs in verbs_by_resource.items():
        if namespace or names:  # what an unrestricted cluster-wide rule grants is not granted again
            verbs -= verbs_by_resource.get(("", group, resource, ()), set())
    grouped: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for (namespace, group, resource, names), verbs in sorted(verbs_by_resource.items()):
        if verbs:
            grouped.setdefault((namespace, group, _ordered(verbs), names), []).append(resource)
    rules: dict[str, list[dict[str, Any]]] = {"": []}
    for (namespace, group, ordered, names), resources in grouped.items():
        policy: dict[str, Any] = {"apiGroups": [group], "resources": resources}
        if names:
            policy["resourceNames"] = list(names)
        rules.setdefault(namespace, []).append({**policy, "verbs": list(ordered)})
    urls_by_verbs: dict[tuple[str, ...], list[str]] = {}
    for url, verbs in sorted(verbs_by_url.items()):
        urls_by_verbs.setdefault(_ordered(verbs), []).append(url)
    rules[""] += [{"nonResourceURLs": urls, "verbs": list(verbs)} for verbs, urls in urls_by_verbs.items()]
    return rules


def _ordered(verbs: set[str]) -> tuple[str, ...]:
    return tuple(v for v in READ_VERBS if v in verbs)


LABELS = {"app.kubernetes.io/name": "kubectl-arch"}
RBAC_API = "rbac.authorization.k8s.io"


def roles(name: str, include_workloads: bool = False) -> list[dict[str, Any]]:
    """The ClusterRole for cluster-wide reads, then one Role per namespace read on its own (kube-system)."""
    by_namespace = role_rules(all_need_names(include_workloads))
    documents = [{"apiVersion": f"{RBAC_API}/v1", "kind": "ClusterRole",
                  "metadata": {"name": name, "labels": LABELS}, "rules": by_namespace[""]}]
    documents += [{"apiVersion": f"{RBAC_API}/v1", "kind": "Role",
                   "metadata": {"name": name, "namespace": namespace, "labels": LABELS}, "rules": rules}
                  for namespace, rules in sorted(by_namespace.items()) if namespace and rules]
    return documents


def cluster_role(name: str, include_workloads: bool = False) -> dict[str, Any]:
    return roles(name, include_workloads)[0]


def subject(kind: str, value: str) -> dict[str, Any]:
    """A binding subject from ``--bind-group``, ``--bind-user`` or ``--bind-serviceaccount NAMESPACE/NAME``."""
    if kind == "ServiceAccount":
        namespace, _, account = value.partition("/")
        if not namespace or not account:
            from kubectl_arch.errors import UsageError

            raise UsageError(f"--bind-serviceaccount {value!r} must be NAMESPACE/NAME")
        return {"kind": "ServiceAccount", "name": account, "namespace": namespace}
    return {"kind": kind, "name": value, "apiGroup": RBAC_API}


def bindings(documents: list[dict[str, Any]], subjects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A binding of each role to the named subjects (none when no subject is named)."""
    if not subjects:
        return []
    out = []
    for document in documents:
        metadata = {k: v for k, v in document["metadata"].items() if k in ("name", "namespace")}
        kind = "ClusterRoleBinding" if document["kind"] == "ClusterRole" else "RoleBinding"
        out.append({"apiVersion": f"{RBAC_API}/v1", "kind": kind, "metadata": {**metadata, "labels": LABELS},
                    "roleRef": {"apiGroup": RBAC_API, "kind": document["kind"], "name": metadata["name"]},
                    "subjects": subjects})
    return out


def cluster_role_yaml(name: str, include_workloads: bool = False,
                      subjects: list[dict[str, Any]] | None = None) -> str:
    import yaml

    documents = roles(name, include_workloads)
    header = ("# Read-only: every verb is get, list or watch, derived from what kubectl-arch's commands and checks\n"
              "# declare they read. Cluster-wide reads are in the ClusterRole, reads of one namespace in a Role\n"
              "# there.\n")
    bound = bindings(documents, subjects or [])
    if not bound:
        header += ("# No binding is printed: name who runs kubectl-arch with --bind-group, --bind-user or\n"
                   "# --bind-serviceaccount NAMESPACE/NAME (repeatable).\n")
    return header + "---\n".join(yaml.safe_dump(d, sort_keys=False) for d in [*documents, *bound])
