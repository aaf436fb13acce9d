"""Defects of issue 12 that a fixture's outcome cannot show, each in a test named after it.

The fixture-based ones live beside their checks (checks/<id>/fixtures/<outcome>-<defect>.yaml).
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kubectl_arch.audit.registry import catalogue
from kubectl_arch.cli.main import cli
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.source import Credentials, Response
from kubectl_arch.explain.analysis import build_map
from kubectl_arch.explain.what_if import lose_control_plane_node, network_partition
from kubectl_arch.model.facts import cluster_facts
from tests.checks.one_check import run_audit_data
from tests.explain.fixtures import sample_data
from tests.harness.pki import make_ca, make_leaf
from tests.model.facts.conftest import command_json


class _FileOnlySource:
    """A source with no cluster behind it: the PKI files are read from disk by the need itself."""

    description = "files only"

    def get(self, path: str, query: object = None) -> Response:
        return Response(status=404, error="no cluster")

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def credentials(self) -> Credentials:
        return Credentials(context="none", server="")


def _days(days: float) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)


def test_pki_expiry_reads_the_client_certificates_embedded_in_kubeadm_kubeconfigs_never_the_key(
        tmp_path: Path) -> None:
    kubernetes = tmp_path / "etc-kubernetes"
    pki = kubernetes / "pki"
    ca = make_ca("kubernetes", not_before=_days(-360), not_after=_days(3290))
    ca.write(pki, "ca")
    admin = make_leaf(ca, "kubernetes-admin", not_before=_days(-360), not_after=_days(4))
    scheduler = make_leaf(ca, "system:kube-scheduler", not_before=_days(-30), not_after=_days(335))
    secret_key = base64.b64encode(admin.key_pem.encode()).decode()
    for name, leaf in (("admin.conf", admin), ("scheduler.conf", scheduler)):
        (kubernetes / name).write_text(
            "apiVersion: v1\nkind: Config\nusers:\n- name: user\n  user:\n"
            f"    client-certificate-data: {base64.b64encode(leaf.cert_pem.encode()).decode()}\n"
            f"    client-key-data: {secret_key}\n")
    (kubernetes / "kubelet.conf").write_text("users:\n- user:\n    client-certificate: /var/lib/kubelet/pki/x.pem\n")
    catalogue()
    data = collect(_FileOnlySource(), ["pki-files"], options={"pki-dir": str(pki)})
    record = str(data.responses["pki-files"].to_record())
    assert "PRIVATE KEY" not in record and secret_key not in record and "client-key-data" not in record
    paths = [f["path"] for f in data.json("pki-files")["files"]]
    assert str(kubernetes.resolve() / "admin.conf") in paths and str(kubernetes.resolve() / "scheduler.conf") in paths
    assert not any(path.endswith("kubelet.conf") for path in paths)
    [finding] = run_audit_data("pki-expiry", data)
    assert finding.status.value == "fail" and "admin.conf (its embedded client certificate)" in finding.message


def test_lose_beyond_the_member_count_is_a_usage_error() -> None:
    code, _ = command_json("kind-ha", "explain", "--what-if", "--lose", "4")
    assert code == 2
    code, document = command_json("kind-ha", "explain", "--what-if", "--lose", "3")
    assert code == 0 and document["scenarios"][0]["survives"] is False


def test_lose_on_a_cluster_without_etcd_members_is_a_usage_error() -> None:
    assert command_json("k3s", "explain", "--what-if", "--lose", "1")[0] == 2  # kine over SQLite
    assert command_json("eks", "explain", "--what-if", "--lose", "1")[0] == 2  # hidden


def test_two_member_etcd_node_loss_hands_over_no_lease_and_replaces_no_pod() -> None:
    scenario = lose_control_plane_node(build_map(sample_data("kubeadm-degraded")))
    assert scenario.survives is False
    assert not any("standby takes over" in item for item in scenario.keeps_working)
    assert any("cannot take the Lease" in item for item in scenario.stops)
    assert not any("replaced elsewhere" in item for item in scenario.advice)
    assert any("nothing replaces them" in item for item in scenario.stops)


def test_single_node_k3s_loss_is_the_whole_cluster_and_no_provider_sla() -> None:
    cluster = build_map(sample_data("k3s"))
    scenario = lose_control_plane_node(cluster)
    assert scenario.survives is False and "whole cluster" in scenario.summary
    assert scenario.keeps_working == []
    report = command_json("k3s", "explain", "--what-if")[1]
    assert "SLA" not in str(report) and "provider" not in str(report)


def test_partition_runs_a_pod_twice_for_as_long_as_it_lasts() -> None:
    scenario = network_partition(build_map(sample_data("kind-ha")))
    text = " ".join(scenario.stops)
    assert "briefly" not in text and "for as long as the partition lasts" in text


def test_walkthrough_stops_where_the_cluster_stops() -> None:
    steps = command_json("kubeadm-degraded", "explain", "--walkthrough")[1]["steps"]
    assert steps[-1]["title"] == "This cluster stops here"
    assert steps[-2]["title"] == "Scheduling"  # no scheduler leader: no kubelet ever sees a pod
    assert not any(step["title"] == "The kubelet takes over" for step in steps)


def test_explain_shows_the_apiserver_degraded_when_its_own_readyz_fails() -> None:
    explain = command_json("kubeadm-degraded", "explain")[1]
    api = next(c for c in explain["components"] if c["name"] == "kube-apiserver")
    assert explain["cluster"]["readyz"]["ok"] is False and api["health"] == "degraded"


def test_k3s_explain_and_audit_agree_there_is_no_etcd_member() -> None:
    audit = command_json("k3s", "audit")[1]
    sizes = [f for f in audit["findings"] if f["check"] == "etcd-db-size"]
    assert all(f["status"] == "skip" and "etcd-0" not in f["message"] for f in sizes)
    assert audit["facts"]["datastore"]["kind"] == "kine-sqlite"


def test_eks_quota_is_the_documented_8_gib_marked_assumed_with_its_source() -> None:
    store = cluster_facts(sample_data("eks")).datastore
    assert (store.quota_bytes, store.quota_assumed) == (8 * 1024**3, True)
    assert store.quota_source.startswith("https://docs.aws.amazon.com/eks/")


def test_eks_version_skew_skip_does_not_speak_of_redundancy() -> None:
    audit = command_json("eks", "audit")[1]
    skew = [f for f in audit["findings"] if f["check"] == "control-plane-version-skew"]
    assert skew and all("redundancy" not in f["message"] for f in skew)


@pytest.mark.parametrize("text", ["hours by default"])
def test_auto_compaction_is_off_when_unset_not_hours_by_default(text: str) -> None:
    page = command_json("kubeadm-degraded", "explain", "etcd")[1]
    assert text not in str(page)


def _fixture_findings(check_id: str, fixture: str) -> list[Any]:
    from kubectl_arch.audit.fixtures import load_fixture
    from kubectl_arch.audit.runner import run_check

    check = catalogue()[check_id]
    loaded = load_fixture(check.folder / "fixtures" / fixture, (*check.meta.needs, *check.meta.optional_needs))
    return run_check(check, loaded.data, {**check.meta.thresholds, **loaded.thresholds})


def test_apiserver_overload_says_apf_is_off_where_it_is_off() -> None:
    [finding] = _fixture_findings("apiserver-overload", "pass-apf-off-is-named-as-off.yaml")
    assert "API Priority and Fairness is off" in finding.message
    assert "no request rejected by API Priority and Fairness" not in finding.message


def test_gke_kube_proxy_daemonset_with_zero_desired_is_not_a_running_kube_proxy() -> None:
    [finding] = _fixture_findings("kube-proxy-mode", "pass-gke-dataplane-v2-anetd-not-an-empty-kube-proxy.yaml")
    assert finding.evidence["mode"] == "replaced" and "anetd" in finding.message


def test_component_version_comes_from_the_main_container_not_a_sidecar() -> None:
    from kubectl_arch.model.workloads import workload

    deployment = {"kind": "Deployment", "metadata": {"name": "metrics-server-v0.6.3", "namespace": "kube-system"},
                  "spec": {"replicas": 1, "template": {"spec": {"containers": [
                      {"name": "metrics-server-nanny", "image": "gke.gcr.io/addon-resizer:1.8.19-gke.2"},
                      {"name": "metrics-server", "image": "gke.gcr.io/metrics-server:v0.6.3-gke.4"}]}}},
                  "status": {"readyReplicas": 1}}
    assert workload(deployment, "metrics-server").version == "v0.6.3-gke.4"


def test_restore_is_taught_with_etcdutl_and_backup_with_snapshot_save_through_kubectl_exec() -> None:
    page = command_json("kubeadm-degraded", "explain", "etcd")[1]
    commands = "\n".join(page["commands"])
    assert "kubectl -n kube-system exec etcd-<node> -- etcdctl" in commands
    assert "snapshot save" in commands and "etcdutl snapshot restore" in commands
    assert "etcdctl snapshot restore" not in commands
    what_if = str(command_json("kubeadm-degraded", "explain", "--what-if", "--lose", "1")[1]["scenarios"])
    assert "etcdutl snapshot restore" in what_if and "`etcdctl snapshot restore`" not in what_if


def test_kube_proxy_mode_recommends_nftables_never_ipvs() -> None:
    findings = _fixture_findings("kube-proxy-mode", "warn-iptables-many-services-old-kernel.yaml")
    assert all("consider IPVS" not in f.message for f in findings)
    assert any("nftables" in f.message for f in findings)


def test_two_members_tolerate_zero_failures_is_said_plainly() -> None:
    etcd = next(c for c in command_json("kubeadm-degraded", "explain")[1]["components"] if c["name"] == "etcd")
    note = next(n for n in etcd["notes"] if "tolerate" in n)
    assert note.startswith("2 members tolerate 0 failures") and "no more than" not in note


def test_mermaid_sends_kubelets_to_the_api_endpoint_not_the_first_api_server() -> None:
    text = CliRunner().invoke(cli, ["explain", "--sample", "kind-ha", "-o", "mermaid"]).output
    assert "nodes --> lb" in text and "nodes --> api0" not in text


def test_cilium_kube_proxy_page_asks_cilium_not_a_kube_proxy_daemonset() -> None:
    commands = command_json("cilium-kpr", "explain", "kube-proxy")[1]["commands"]
    assert not any("get ds kube-proxy" in c or "iptables-save" in c for c in commands)
    assert any("cilium" in c for c in commands)


def test_openshift_control_plane_is_counted_in_its_own_namespaces() -> None:
    audit = command_json("openshift", "audit")[1]
    replicas = [f for f in audit["findings"] if f["check"] == "control-plane-replicas"]
    assert [f["status"] for f in replicas] == ["pass"]
    leader = [f for f in audit["findings"] if f["check"] == "leader-election"]
    assert [f["status"] for f in leader] == ["pass", "pass"]
    assert audit["facts"]["serviceProxy"]["mode"] == "replaced"


def test_explain_dns_view_reads_the_fact_base_not_its_own_dns_finder(monkeypatch: pytest.MonkeyPatch) -> None:
    """One reader: cluster DNS is found once, by the fact base, and explain's view shows what it found."""
    from kubectl_arch.collect.sample_source import SampleSource
    from kubectl_arch.explain import EXPLAIN_NEEDS
    from tests.harness.spies import spy_on_cluster_dns

    calls = spy_on_cluster_dns(monkeypatch, "kube-dns", ["kubectl_arch.explain.node_layer"])
    for sample in ("kind-ha", "openshift", "k3s"):
        calls.clear()
        cluster = build_map(collect(SampleSource.named(sample), EXPLAIN_NEEDS))
        assert len(calls) == 1, f"{sample}: cluster DNS found {len(calls)} times"
        view, fact = cluster.component("dns"), cluster.facts.dns
        assert view.kind == fact.kind == "kube-dns", sample
        assert (view.replicas, view.ready) == (fact.desired, fact.ready), sample


def _k3s_explain(node_args: str | None, forbid_daemonsets: bool, *daemonsets: dict[str, Any]) -> dict[str, Any]:
    """explain -o json of the k3s sample with its server's k3s.io/node-args set (None: removed), DaemonSets
    added, and the DaemonSet read failing with 403 when asked."""
    from kubectl_arch.collect.sample_source import SampleSource, load_sample
    from kubectl_arch.explain import EXPLAIN_NEEDS
    from kubectl_arch.explain.render.document import cluster_map_data

    sample = load_sample("k3s")
    [node] = sample.store.objects("Node")
    annotations = node["metadata"]["annotations"]
    annotations.pop("k3s.io/node-args")
    if node_args is not None:
        annotations["k3s.io/node-args"] = node_args
    for daemonset in daemonsets:
        sample.store.add(daemonset)
    if forbid_daemonsets:
        sample.store.forbid(lambda path, _query: "/daemonsets" in path)
    return cluster_map_data(build_map(collect(SampleSource(sample), EXPLAIN_NEEDS)))


def _cni(document: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in document["components"] if c["name"] == "cni")


def test_k3s_embedded_flannel_is_known_from_node_args_when_daemonsets_are_forbidden() -> None:
    for args in ('["server"]', '["server","--flannel-backend","vxlan"]', '["server","--flannel-backend=host-gw"]'):
        document = _k3s_explain(args, forbid_daemonsets=True)
        cni = _cni(document)
        assert (cni["kind"], cni["health"], cni["unknown"]) == ("flannel", "healthy", None), (args, cni)
        assert (cni["replicas"], cni["ready"]) == (1, 1)
        assert document["facts"]["cni"]["kind"] == "flannel"


@pytest.mark.parametrize("args", ['["server","--flannel-backend=none","--disable-network-policy"]',
                                  '["server","--flannel-backend","none"]'])
def test_k3s_flannel_backend_none_with_daemonsets_forbidden_keeps_the_cni_unknown(args: str) -> None:
    document = _k3s_explain(args, forbid_daemonsets=True)
    cni = _cni(document)
    assert cni["kind"] is None and cni["health"] == "unknown" and cni["unknown"] == "forbidden, HTTP 403", cni
    assert not any("found" in note or "flannel" in note for note in cni["notes"]), cni["notes"]
    cni_facts = document["facts"]["cni"]
    assert {key: cni_facts[key] for key in ("kind", "workload", "desired", "ready")} == \
        {"kind": None, "workload": None, "desired": None, "ready": None}, cni_facts
    assert [unread["read"] for unread in cni_facts["unread"]] == ["daemonsets"], cni_facts


def test_k3s_without_node_args_and_daemonsets_forbidden_keeps_the_cni_unknown() -> None:
    cni = _cni(_k3s_explain(None, forbid_daemonsets=True))
    assert cni["kind"] is None and cni["health"] == "unknown" and cni["unknown"] == "forbidden, HTTP 403", cni


def test_k3s_flannel_backend_none_is_never_the_embedded_flannel() -> None:
    cni = _cni(_k3s_explain('["server","--flannel-backend=none"]', False))
    assert cni["kind"] is None and cni["health"] == "none", cni  # read: no known CNI DaemonSet runs
    calico = {"apiVersion": "apps/v1", "kind": "DaemonSet",
              "metadata": {"name": "calico-node", "namespace": "kube-system", "uid": "calico-node-uid"},
              "spec": {"template": {"spec": {"containers": [
                  {"name": "calico-node", "image": "docker.io/calico/node:v3.29.1"}]}}},
              "status": {"desiredNumberScheduled": 1, "numberReady": 1}}
    cni = _cni(_k3s_explain('["server","--flannel-backend=none"]', False, calico))
    assert (cni["kind"], cni["health"], cni["replicas"]) == ("calico", "healthy", 1), cni


def test_rke2_canal_daemonset_is_its_cni_and_rke2_embeds_no_flannel() -> None:
    from kubectl_arch.model.addons import cni_plugin

    def data(*daemonsets: dict[str, Any], status: int = 200) -> Any:
        from kubectl_arch.collect.cluster_data import ClusterData

        node = {"metadata": {"name": "rke2-server", "labels": {"node-role.kubernetes.io/control-plane": "true"},
                             "annotations": {"rke2.io/node-args": '["server"]'}}}
        return ClusterData(source="test", now=_days(0), credentials=Credentials(context="t", server=""), responses={
            "version": Response(status=200, data={"gitVersion": "v1.31.4+rke2r1"}),
            "nodes": Response(status=200, data={"items": [node]}),
            "daemonsets": Response(status=status, data={"items": list(daemonsets)} if status == 200 else None)})

    containers = [{"name": "calico-node", "image": "rancher/hardened-calico:v3.29.1"},
                  {"name": "kube-flannel", "image": "rancher/hardened-flannel:v0.26.1"}]
    canal = {"kind": "DaemonSet", "metadata": {"name": "rke2-canal", "namespace": "kube-system"},
             "spec": {"template": {"spec": {"containers": containers}}},
             "status": {"desiredNumberScheduled": 1, "numberReady": 1}}
    found = cni_plugin(data(canal))
    assert found is not None and found.kind == "canal" and found.workload is not None
    assert cni_plugin(data()) is None and cni_plugin(data(status=403)) is None  # never an embedded flannel


def test_one_etcd_pod_is_counted_in_the_singular_in_the_datastore_evidence() -> None:
    """minikube's single member read '1 etcd pods (etcd-minikube)' in explain's and audit's facts."""
    store = cluster_facts(sample_data("minikube")).datastore
    assert store.evidence == ("1 etcd pod (etcd-minikube)",)


def test_etcd_member_count_run_alone_counts_openshift_members_instead_of_skipping() -> None:
    """`audit --check etcd-member-count` on OpenShift skipped 'could not read the control-plane pods in OpenShift's
    openshift-* namespaces: not read by this command': the check did not ask for the reads its facts are made of."""
    _, document = command_json("openshift", "audit", "--check", "etcd-member-count")
    [finding] = document["findings"]
    assert (finding["status"], finding["evidence"]["members"]) == ("pass", 3), finding


def test_etcd_member_count_on_k3s_over_sqlite_says_there_is_no_etcd_and_offers_no_etcdctl() -> None:
    """It skipped 'no etcd pods and no --etcd-servers flag are visible in kube-system' (the other etcd checks say
    'this cluster has no etcd (kine-sqlite: ...)') and its fix ended with an etcdctl health check of no etcd."""
    _, document = command_json("k3s", "audit", "--check", "etcd-member-count")
    [finding] = document["findings"]
    assert finding["message"].startswith("this cluster has no etcd (kine-sqlite: "), finding["message"]
    assert "etcdctl" not in finding["remediation"] and "--cluster-init" in finding["remediation"]
