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


def role_rules(need_names: list[str]) -> list[dict[str, Any]]:
    """ClusterRole rules for the needs: one rule per API group and verb set, then the non-resource URLs.

    Raises ``ValueError`` if any need declares a verb that is not a read: the role must stay read-only.
    """
    from kubectl_arch.collect.needs import rbac_rules

    verbs_by_resource: dict[tuple[str, str], set[str]] = {}
    verbs_by_url: dict[str, set[str]] = {}
    for rule in rbac_rules(need_names):
        writes = [v for v in rule.verbs if v not in READ_VERBS]
        if writes:
            raise ValueError(f"a need declares the non-read verbs {writes}: kubectl-arch is read-only")
        for url in rule.non_resource_urls:
            verbs_by_url.setdefault(url, set()).update(rule.verbs)
        for group in rule.api_groups:
            for resource in rule.resources:
                verbs_by_resource.setdefault((group, resource), set()).update(rule.verbs)
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for (group, resource), verbs in sorted(verbs_by_resource.items()):
        if verbs:
            grouped.setdefault((group, _ordered(verbs)), []).append(resource)
    rules: list[dict[str, Any]] = [{"apiGroups": [group], "resources": resources, "verbs": list(verbs)}
                                   for (group, verbs), resources in grouped.items()]
    urls_by_verbs: dict[tuple[str, ...], list[str]] = {}
    for url, verbs in sorted(verbs_by_url.items()):
        urls_by_verbs.setdefault(_ordered(verbs), []).append(url)
    rules += [{"nonResourceURLs": urls, "verbs": list(verbs)} for verbs, urls in urls_by_verbs.items()]
    return rules


def _ordered(verbs: set[str]) -> tuple[str, ...]:
    return tuple(v for v in READ_VERBS if v in verbs)


def cluster_role(name: str, include_workloads: bool = False) -> dict[str, Any]:
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "kubectl-arch"}},
            "rules": role_rules(all_need_names(include_workloads))}


def cluster_role_yaml(name: str, include_workloads: bool = False) -> str:
    import yaml

    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": name},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
               "subjects": [{"kind": "Group", "name": "sre-readers", "apiGroup": "rbac.authorization.k8s.io"}]}
    header = ("# Read-only: every verb is get, list or watch. Derived from what kubectl-arch's commands and checks\n"
              "# declare they read. Bind it to the users or groups that run kubectl-arch (example binding below).\n")
    return header + yaml.safe_dump(cluster_role(name, include_workloads), sort_keys=False) + "---\n" + \
        yaml.safe_dump(binding, sort_keys=False)
