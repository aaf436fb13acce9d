"""The minimal read-only ClusterRole, derived from the needs the commands and checks declare."""

from __future__ import annotations

from typing import Any


def all_need_names(include_workloads: bool = False) -> list[str]:
    """Every need any command may read: explain's, the whole audit catalogue's, and trace's."""
    from kubectl_arch.audit.registry import needs_for
    from kubectl_arch.explain import EXPLAIN_NEEDS
    from kubectl_arch.trace import TRACE_NEEDS

    names = list(EXPLAIN_NEEDS) + needs_for(include_workloads=include_workloads) + list(TRACE_NEEDS)
    return list(dict.fromkeys(names))


def cluster_role(name: str, include_workloads: bool = False) -> dict[str, Any]:
    from kubectl_arch.collect.needs import rbac_rules

    rules: list[dict[str, Any]] = []
    for rule in rbac_rules(all_need_names(include_workloads)):
        if not rule.verbs:
            continue
        if rule.non_resource_urls:
            rules.append({"nonResourceURLs": list(rule.non_resource_urls), "verbs": list(rule.verbs)})
        else:
            rules.append(
                {"apiGroups": list(rule.api_groups), "resources": list(rule.resources), "verbs": list(rule.verbs)}
            )
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "kubectl-arch"}},
        "rules": rules,
    }


def cluster_role_yaml(name: str, include_workloads: bool = False) -> str:
    import yaml

    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
        "subjects": [{"kind": "Group", "name": "sre-readers", "apiGroup": "rbac.authorization.k8s.io"}],
    }
    header = (
        "# Read-only: every verb is get, list or watch. Derived from what kubectl-arch's commands and checks\n"
        "# declare they read. Bind it to the users or groups that run kubectl-arch (example binding below).\n"
    )
    return (
        header
        + yaml.safe_dump(cluster_role(name, include_workloads), sort_keys=False)
        + "---\n"
        + yaml.safe_dump(binding, sort_keys=False)
    )
