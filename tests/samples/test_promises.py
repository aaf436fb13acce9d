"""What each sample promises the commands built on it: kind-ha is healthy everywhere, kubeadm-degraded has the
real problems an audit must find, eks hides its control plane. Tests here read raw data, not the checks, so a
sample cannot drift away from what its description says."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cryptography import x509
from prometheus_client.parser import text_string_to_metric_families

from tests.samples.conftest import SampleFiles, sample_files


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _condition(node: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in node["status"]["conditions"] if c["type"] == kind)


def _lease_age(files: SampleFiles, name: str) -> float:
    lease = files.named("Lease", name, "kube-system")
    return (files.sample.captured_at - _time(lease["spec"]["renewTime"])).total_seconds()


def _days_left(pem: str, now: dt.datetime) -> float:
    cert = x509.load_pem_x509_certificate(pem.encode())
    return (cert.not_valid_after_utc - now).total_seconds() / 86400


def _etcd_p99(text: str) -> float:
    """The p99 over all etcd_request_duration_seconds series, interpolated as histogram_quantile does."""
    buckets: dict[float, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name == "etcd_request_duration_seconds":
            for s in family.samples:
                if s.name.endswith("_bucket"):
                    bound = float(s.labels["le"])
                    buckets[bound] = buckets.get(bound, 0) + s.value
    bounds = sorted(buckets)
    total = buckets[float("inf")]
    rank = 0.99 * total
    lower, below = 0.0, 0.0
    for bound in bounds:
        if buckets[bound] >= rank:
            return lower + (bound - lower) * (rank - below) / (buckets[bound] - below)
        lower, below = bound, buckets[bound]
    raise AssertionError("no bucket reaches the 99th percentile")


def test_kind_ha_is_three_stacked_control_planes_and_two_workers(kind_ha: SampleFiles) -> None:
    nodes = kind_ha.of_kind("Node")
    roles = sorted("node-role.kubernetes.io/control-plane" in n["metadata"]["labels"] for n in nodes)
    assert roles == [False, False, True, True, True]
    assert all(n["spec"]["providerID"].startswith("kind://docker/kind-ha/") for n in nodes)
    etcd = [p for p in kind_ha.of_kind("Pod") if p["metadata"]["labels"].get("component") == "etcd"]
    assert len(etcd) == 3
    assert all(p["spec"]["containers"][0]["image"] == "registry.k8s.io/etcd:3.5.16-0" for p in etcd)
    assert kind_ha.sample.credentials.server.startswith("https://127.0.0.1:")  # kind's external haproxy


def test_kind_ha_is_healthy(kind_ha: SampleFiles) -> None:
    now = kind_ha.sample.captured_at
    for node in kind_ha.of_kind("Node"):
        assert _condition(node, "Ready")["status"] == "True"
        for pressure in ("MemoryPressure", "DiskPressure", "PIDPressure"):
            assert _condition(node, pressure)["status"] == "False"
        assert node["status"]["nodeInfo"]["kubeletVersion"] == "v1.32.2"
    for pod in kind_ha.of_kind("Pod"):
        if pod["metadata"]["namespace"] in ("kube-system", "default"):
            assert pod["status"]["phase"] == "Running", pod["metadata"]["name"]
    for name in ("kube-scheduler", "kube-controller-manager"):
        assert 0 <= _lease_age(kind_ha, name) < 15
    for text in (kind_ha.sample.store.get(f"/{e}", {"verbose": "true"}).text for e in ("readyz", "livez")):
        assert text and "[-]" not in text
    assert _days_left(kind_ha.sample.peer_certificates[0], now) > 300
    assert kind_ha.sample.credentials.client_certificate_pem
    assert _days_left(kind_ha.sample.credentials.client_certificate_pem, now) > 300
    assert not kind_ha.of_kind("CertificateSigningRequest")
    metrics = kind_ha.sample.store.get("/metrics").text or ""
    assert _etcd_p99(metrics) < 0.025
    assert 'code="429"' not in metrics
    config = kind_ha.named("ConfigMap", "kube-proxy", "kube-system")["data"]["config.conf"]
    assert "\nmode: iptables\n" in config


def test_kind_ha_has_a_healthy_web_deployment_for_trace(kind_ha: SampleFiles) -> None:
    deployment = kind_ha.named("Deployment", "web", "default")
    assert deployment["status"]["readyReplicas"] == 2
    pods = [p for p in kind_ha.of_kind("Pod") if p["metadata"]["labels"].get("app") == "web"]
    reasons = {e["reason"] for e in kind_ha.of_kind("Event")
               if e["involvedObject"]["uid"] in {p["metadata"]["uid"] for p in pods}}
    assert {"Scheduled", "Pulling", "Pulled", "Created", "Started"} <= reasons
    (web_slice,) = [s for s in kind_ha.of_kind("EndpointSlice")
                    if s["metadata"]["labels"]["kubernetes.io/service-name"] == "web"]
    assert {e["targetRef"]["uid"] for e in web_slice["endpoints"]} == {p["metadata"]["uid"] for p in pods}
    assert not [ns for ns in kind_ha.of_kind("Namespace") if ns["metadata"]["name"] == "shop"] or \
        any(f.startswith("90-trace-") for f, _ in kind_ha.objects), "namespace shop belongs to the trace scenarios"


def test_kubeadm_degraded_has_the_problems_its_description_lists(degraded: SampleFiles) -> None:
    sample, store = degraded.sample, degraded.sample.store
    now = sample.captured_at
    etcd = [p for p in degraded.of_kind("Pod") if p["metadata"]["labels"].get("component") == "etcd"]
    assert len(etcd) == 2, "an even member count that tolerates no failure"
    ready = {n["metadata"]["name"]: _condition(n, "Ready") for n in degraded.of_kind("Node")}
    assert ready["k8s-worker-2"]["status"] == "Unknown"
    assert ready["k8s-worker-2"]["message"] == "Kubelet stopped posting node status."
    assert _condition(degraded.named("Node", "k8s-worker-3"), "DiskPressure")["status"] == "True"
    assert degraded.named("Node", "k8s-worker-4")["status"]["nodeInfo"]["kubeletVersion"].startswith("v1.27.")
    assert _lease_age(degraded, "kube-scheduler") > 5 * 60
    assert _lease_age(degraded, "kube-controller-manager") < 15
    (csr,) = degraded.of_kind("CertificateSigningRequest")
    assert csr["spec"]["signerName"] == "kubernetes.io/kubelet-serving" and not csr["status"].get("conditions")
    assert (now - _time(csr["metadata"]["creationTimestamp"])).total_seconds() > 3600
    assert 4 < _days_left(sample.peer_certificates[0], now) < 6
    (opa,) = degraded.of_kind("ValidatingWebhookConfiguration")
    import base64

    ca = base64.b64decode(opa["webhooks"][0]["clientConfig"]["caBundle"]).decode()
    assert _days_left(ca, now) < 0, "the webhook's CA has expired"
    readyz = store.get("/readyz", {"verbose": "true"})
    assert readyz.status == 500 and readyz.text and "[-]etcd failed: reason withheld" in readyz.text
    metrics = store.get("/metrics").text or ""
    assert _etcd_p99(metrics) > 0.5
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    size = families["apiserver_storage_size_bytes"].samples[0].value
    assert 0.8 < size / 2**31 < 0.95, "near the 2 GiB default quota"
    assert sum(s.value for s in families["apiserver_flowcontrol_rejected_requests"].samples) > 0
    assert any(s.labels["code"] == "429" for s in families["apiserver_request"].samples)
    config = degraded.named("ConfigMap", "kube-proxy", "kube-system")["data"]["config.conf"]
    assert '\nmode: ""\n' in config, "kubeadm leaves mode empty: iptables on Linux"
    services = store.get("/api/v1/services", {"limit": "1"})
    assert len(services.items) + services.data["metadata"]["remainingItemCount"] == 1500


def test_eks_hides_its_control_plane_but_shows_what_eks_shows(eks: SampleFiles) -> None:
    store = eks.sample.store
    version = store.get("/version").data
    assert version["gitVersion"] == "v1.31.4-eks-2d5f260" and version["minor"] == "31+"
    assert not [p for p in eks.of_kind("Pod") if p["metadata"]["labels"].get("tier") == "control-plane"]
    for node in eks.of_kind("Node"):
        labels = node["metadata"]["labels"]
        assert "node-role.kubernetes.io/control-plane" not in labels
        assert labels["eks.amazonaws.com/nodegroup"] == "general"
        assert labels["eks.amazonaws.com/nodegroup-image"].startswith("ami-")
        assert node["spec"]["providerID"].startswith(f"aws:///{labels['topology.kubernetes.io/zone']}/i-")
        assert node["status"]["nodeInfo"]["osImage"].startswith("Amazon Linux 2023")
        assert _condition(node, "Ready")["status"] == "True"
    assert {d["metadata"]["name"] for d in eks.of_kind("DaemonSet")} == {"aws-node", "kube-proxy"}
    config = store.get("/api/v1/namespaces/kube-system/configmaps/kube-proxy-config").data["data"]["config"]
    assert 'mode: "iptables"' in config
    assert "config.conf" not in store.get("/api/v1/namespaces/kube-system/configmaps/kube-proxy").data["data"]
    for name in ("kube-scheduler", "kube-controller-manager"):
        assert _lease_age(eks, name) < 15
    (eps,) = store.get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
                       {"labelSelector": "kubernetes.io/service-name=kubernetes"}).items
    assert len(eps["endpoints"]) == 2
    assert eks.sample.credentials.auth == "exec" and eks.sample.credentials.client_certificate_pem is None
    assert store.get("/metrics").ok and store.get("/readyz", {"verbose": "true"}).status == 200


def test_gke_hides_its_control_plane_and_runs_kube_proxy_as_static_pods_beside_an_idle_daemonset() -> None:
    gke = sample_files("gke")
    store = gke.sample.store
    assert store.get("/version").data["gitVersion"].startswith("v1.33.5-gke.")
    assert not [p for p in gke.of_kind("Pod") if p["metadata"]["labels"].get("tier") == "control-plane"]
    nodes = gke.of_kind("Node")
    for node in nodes:
        labels, name = node["metadata"]["labels"], node["metadata"]["name"]
        assert "node-role.kubernetes.io/control-plane" not in labels
        assert labels["cloud.google.com/gke-nodepool"] == "default-pool"
        assert name.startswith("gke-prod-gke-default-pool-")
        assert labels["cloud.google.com/gke-os-distribution"] == "cos"
        assert node["spec"]["providerID"] == f"gce://acme-shop-prod/{labels['topology.kubernetes.io/zone']}/{name}"
        assert node["status"]["nodeInfo"]["kubeletVersion"] == store.get("/version").data["gitVersion"]
        assert "node.kubernetes.io/kube-proxy-ds-ready" not in labels  # so the kube-proxy DaemonSet wants none
        [proxy] = [p for p in gke.of_kind("Pod") if p["metadata"]["name"] == f"kube-proxy-{name}"]
        assert proxy["metadata"]["annotations"]["kubernetes.io/config.source"] == "file"
        assert proxy["metadata"]["ownerReferences"][0]["kind"] == "Node"
    daemonset = gke.named("DaemonSet", "kube-proxy", "kube-system")
    assert daemonset["spec"]["template"]["spec"]["nodeSelector"]["node.kubernetes.io/kube-proxy-ds-ready"] == "true"
    assert daemonset["status"]["desiredNumberScheduled"] == 0
    assert "anetd" not in {d["metadata"]["name"] for d in gke.of_kind("DaemonSet")}  # Dataplane V1
    deployments = {d["metadata"]["name"] for d in gke.of_kind("Deployment")}
    assert {"kube-dns", "kube-dns-autoscaler"} <= deployments and "coredns" not in deployments
    assert gke.sample.credentials.auth == "exec" and gke.sample.credentials.client_certificate_pem is None
    assert store.get("/metrics").ok and store.get("/readyz", {"verbose": "true"}).status == 200
    assert not store.get("/apis/metrics.eks.amazonaws.com/v1/etcd/container/metrics").ok


def test_aks_hides_its_control_plane_and_runs_azure_cni_overlay_with_kube_proxy_configured_by_flags() -> None:
    aks = sample_files("aks")
    store = aks.sample.store
    assert store.get("/version").data["gitVersion"] == "v1.32.6"  # AKS marks no distribution in its version
    assert not [p for p in aks.of_kind("Pod") if p["metadata"]["labels"].get("tier") == "control-plane"]
    for index, node in enumerate(sorted(aks.of_kind("Node"), key=lambda n: n["metadata"]["name"])):
        labels, name = node["metadata"]["labels"], node["metadata"]["name"]
        assert name == f"aks-nodepool1-31415926-vmss00000{index}"
        assert labels["kubernetes.azure.com/agentpool"] == labels["agentpool"] == "nodepool1"
        assert labels["kubernetes.azure.com/cluster"] == "MC_rg-prod_aks-prod_westeurope"
        assert labels["kubernetes.azure.com/podnetwork-type"] == "overlay"
        assert node["spec"]["providerID"].startswith("azure:///subscriptions/")
        assert node["spec"]["providerID"].endswith(
            f"/virtualMachineScaleSets/aks-nodepool1-31415926-vmss/virtualMachines/{index}")
    daemonsets = {d["metadata"]["name"] for d in aks.of_kind("DaemonSet")}
    assert {"azure-cns", "azure-ip-masq-agent", "kube-proxy", "cloud-node-manager"} <= daemonsets
    assert "cilium" not in daemonsets
    assert not [c for c in aks.of_kind("ConfigMap") if c["metadata"]["name"].startswith("kube-proxy")]
    assert {"coredns", "coredns-autoscaler", "konnectivity-agent", "metrics-server"} <= \
        {d["metadata"]["name"] for d in aks.of_kind("Deployment")}
    assert "import custom/*.override" in aks.named("ConfigMap", "coredns", "kube-system")["data"]["Corefile"]
    assert aks.sample.credentials.auth == "exec" and aks.sample.credentials.client_certificate_pem is None


def test_the_aks_dns_page_sends_customisations_to_coredns_custom() -> None:
    """AKS resets ConfigMap coredns; what a reader changes lives in coredns-custom, which the Corefile imports."""
    from tests.model.facts.conftest import command_json

    _, page = command_json("aks", "explain", "dns")
    assert any("get cm coredns-custom" in command for command in page["commands"]), page["commands"]
