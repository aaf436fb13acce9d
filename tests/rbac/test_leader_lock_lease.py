"""The leader-lock read asks the Lease `get` it needs (issue 12): a Lease lock outside kube-system, such as
OpenShift's scheduler's in openshift-kube-scheduler (Kubernetes >= 1.23), came back 403 under the role
`kubectl arch rbac` prints, which granted Leases only in kube-system. The grant is limited by resourceNames to the
components' lock names, like the ConfigMap one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kubectl_arch.collect.needs import ELECTED_COMPONENTS, LEADER_ELECTION_LOCKS, collect
from kubectl_arch.collect.sample_source import SampleSource, load_sample
from kubectl_arch.collect.source import Response
from kubectl_arch.model.facts import FACT_NEEDS, cluster_facts
from tests.conftest import invoke_in_process
from tests.rbac.rbac import RoleAuthorizer, cluster_roles, namespaced_roles

LEASES = "/apis/coordination.k8s.io/v1/namespaces/openshift-kube-scheduler/leases"


def _printed_role(home: Path) -> tuple[list[dict[str, Any]], RoleAuthorizer]:
    text = invoke_in_process(["rbac"], home).stdout
    authorizer = RoleAuthorizer()
    for printed in cluster_roles(text) + namespaced_roles(text):
        authorizer.bind("reader", printed)
    return cluster_roles(text), authorizer


def test_leader_lock_lease_outside_kube_system_is_granted_get_by_the_components_names(tmp_path: Path) -> None:
    [cluster], authorizer = _printed_role(tmp_path)
    named = [rule for rule in cluster["rules"] if "leases" in rule.get("resources", [])]
    assert named == [{"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get"],
                      "resourceNames": list(ELECTED_COMPONENTS)}], named
    assert authorizer("reader", f"{LEASES}/kube-scheduler", {})
    assert not authorizer("reader", f"{LEASES}/someone-elses-lease", {})  # by name only
    assert not authorizer("reader", LEASES, {})  # never Leases at large outside kube-system


def test_openshift_scheduler_lease_lock_is_read_not_forbidden_under_the_printed_role(tmp_path: Path) -> None:
    _, authorizer = _printed_role(tmp_path)
    sample = load_sample("openshift")  # as OpenShift 4.13 (Kubernetes 1.26): the scheduler's lock is a Lease
    sample.store.set_raw("/version", Response(status=200, data={"major": "1", "minor": "26",
                                                                "gitVersion": "v1.26.3+b404935"}))
    sample.store.add({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                      "metadata": {"name": "kube-scheduler", "namespace": "openshift-kube-scheduler"},
                      "spec": {"holderIdentity": "master-2_8d0b4a6f", "leaseDurationSeconds": 15,
                               "acquireTime": "2026-11-02T04:15:12.000000Z",
                               "renewTime": "2026-11-20T08:59:59.000000Z", "leaseTransitions": 4}})
    sample.store.forbid(lambda path, query: not authorizer("reader", path, dict(query or {})))
    data = collect(SampleSource(sample), FACT_NEEDS)
    locks = data[LEADER_ELECTION_LOCKS]
    assert locks.ok, locks.error
    [entry] = [e for e in locks.data["locks"] if e["path"] == f"{LEASES}/kube-scheduler"]
    assert entry["status"] == 200 and entry["lease"]["spec"]["holderIdentity"] == "master-2_8d0b4a6f", entry
    assert authorizer.denials("reader") == [], [d.describe() for d in authorizer.denials("reader")]
    election = cluster_facts(data).leader_election["kube-scheduler"]
    assert election.lease is not None and election.problem is None, election
