"""Every fix, page, walkthrough step and what-if line comes from the detected distribution's profile: no
output on a sample that kubeadm did not build names a kubeadm-only command or path, and no managed cluster
is sent to a control-plane node or its static pods."""

from __future__ import annotations

import functools
import json
import re

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.explain.command import COMPONENT_NAMES
from kubectl_arch.model.facts import cluster_facts
from kubectl_arch.model.profiles import KUBEADM_FAMILY
from tests.explain.fixtures import sample_data

KUBEADM_COMMANDS = r"\bkubeadm (init|join|certs|upgrade|reset|config|token|alpha)\b"
KUBEADM_PKI = r"/etc/kubernetes/pki\b"
KUBEADM_FILES = (r"/etc/kubernetes/manifests\b"
                 r"|/etc/kubernetes/(admin|super-admin|controller-manager|scheduler|kubelet)\.conf")
# What kubeadm does with its certificates, said of a cluster kubeadm did not build (its "why", its page).
KUBEADM_CERTIFICATES = r"kubeadm issues these certificates|administer-cluster/kubeadm/kubeadm-certs"
# What a finding teaches on kubeadm alone, as every format prints it: kubeadm's pages, its certificate lifetimes and
# kubeconfigs, its way of adding members.
KUBEADM_TEACHING = r"/kubeadm/|kubeadm issues|kubeadm's (admin|super-admin)\.conf|\(kubeadm: join|as kubeadm sets up"
KUBEADM_ONLY = re.compile("|".join((KUBEADM_COMMANDS, KUBEADM_PKI, KUBEADM_FILES, KUBEADM_TEACHING)))
# minikube bootstraps its node with kubeadm: the kubeconfigs and manifests are where kubeadm puts them (its
# pods' flags name them), but its PKI is /var/lib/minikube/certs and no kubeadm command is the user's to run.
MINIKUBE_WRONG = re.compile("|".join((KUBEADM_COMMANDS, KUBEADM_PKI, KUBEADM_TEACHING)))
# A managed control plane has no node, static pod or runtime of its own the operator can reach.
CONTROL_PLANE_HOST_ONLY = re.compile(r"kube-apiserver-<node>|kube-scheduler-<node>|kube-controller-manager-<node>"
                                     r"|etcd-<node>|crictl ps --name kube-apiserver|on a control-plane node"
                                     r"|[Oo]n each control-plane node|--pki-dir /"
                                     r"|[Rr]un three control-plane nodes|describe pod <pod>")

OUTPUTS: tuple[tuple[str, ...], ...] = (
    ("explain",), ("explain", "-o", "wide"), ("explain", "-o", "json"), ("explain", "-o", "mermaid"),
    ("explain", "--what-if"), ("explain", "--what-if", "-o", "json"), ("explain", "--walkthrough"),
    ("explain", "--walkthrough", "-o", "json"),
    *((("explain", name)) for name in COMPONENT_NAMES), *(("explain", name, "-o", "json") for name in COMPONENT_NAMES),
    ("audit",), ("audit", "-o", "wide"), ("audit", "-o", "json"), ("audit", "-o", "markdown"), ("audit", "-o", "junit"),
    ("audit", "-o", "html"),
)


def _profile(sample: str) -> str:
    return cluster_facts(sample_data(sample)).profile.name


NOT_KUBEADM = [s for s in sample_names() if _profile(s) not in KUBEADM_FAMILY]
MANAGED = [s for s in sample_names() if cluster_facts(sample_data(s)).profile.hidden]


@functools.cache
def output(sample: str, args: tuple[str, ...]) -> str:
    result = CliRunner().invoke(cli, [*args, "--sample", sample], env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output


def test_there_are_samples_of_other_distributions() -> None:
    assert {"k3s", "eks", "openshift", "minikube"} <= set(NOT_KUBEADM) and "eks" in MANAGED


@pytest.mark.parametrize("sample", NOT_KUBEADM)
@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_no_kubeadm_advice_on_a_cluster_kubeadm_did_not_build(sample: str, args: tuple[str, ...]) -> None:
    text = output(sample, args)
    wrong = MINIKUBE_WRONG if _profile(sample) == "minikube" else KUBEADM_ONLY
    found = sorted({m.group(0) for m in wrong.finditer(text)})
    assert not found, f"`kubectl arch {' '.join(args)}` on {sample} ({_profile(sample)}) says {found}"


@pytest.mark.parametrize("sample", MANAGED)
@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_no_control_plane_host_advice_on_a_managed_cluster(sample: str, args: tuple[str, ...]) -> None:
    text = output(sample, args)
    found = sorted({m.group(0) for m in CONTROL_PLANE_HOST_ONLY.finditer(text)})
    assert not found, f"`kubectl arch {' '.join(args)}` on {sample} says {found}"


CERTIFICATE_OUTPUTS = (("audit", "--check", "apiserver-certificate-expiry", "-o", "json"),
                       ("audit", "--check", "apiserver-certificate-expiry", "-o", "markdown"),
                       ("audit", "--check", "apiserver-certificate-expiry", "-o", "junit"),
                       ("audit", "--check", "apiserver-certificate-expiry"))


@pytest.mark.parametrize("sample", NOT_KUBEADM)
@pytest.mark.parametrize("args", CERTIFICATE_OUTPUTS, ids=" ".join)
def test_no_kubeadm_certificate_lifetime_or_page_for_the_api_server_of_a_cluster_kubeadm_did_not_build(
        sample: str, args: tuple[str, ...]) -> None:
    text = output(sample, args)
    found = sorted({m.group(0) for m in re.finditer(KUBEADM_CERTIFICATES, text)})
    assert not found, f"`kubectl arch {' '.join(args)}` on {sample} ({_profile(sample)}) says {found}"


# What the API server certificate's "why" says on each sample's distribution, and a page it links.
CERTIFICATE_TEACHING = {
    "k3s": ("within 90 days of expiry", "https://docs.k3s.io/cli/certificate"),
    "openshift": ("replaces each automatically after 15", "control-plane-certificates.html"),
    "minikube": ("three years", "https://minikube.sigs.k8s.io/docs/commands/start/"),
    "eks": ("the provider's responsibility", "https://kubernetes.io/docs/setup/best-practices/certificates/"),
    "kind-ha": ("kind builds its nodes with kubeadm", "kubeadm-certs"),
}


@pytest.mark.parametrize(("sample", "teaching"), CERTIFICATE_TEACHING.items())
def test_apiserver_certificate_why_and_links_follow_the_detected_distribution(
        sample: str, teaching: tuple[str, str]) -> None:
    _assert_teaches(sample, CERTIFICATE_OUTPUTS[0], teaching)


def _assert_teaches(sample: str, args: tuple[str, ...], teaching: tuple[str, str]) -> None:
    """The one finding of ``args`` on ``sample`` says ``teaching[0]`` in its why and links a page holding
    ``teaching[1]``."""
    [finding] = json.loads(output(sample, args))["findings"]
    said, page = teaching
    assert said in finding["why"], finding["why"]
    assert any(page in reference for reference in finding["references"]), finding["references"]


# What a finding teaches: why it matters, what to do, where to read more. On a cluster kubeadm did not build
# none of it may be kubeadm's (a kubeadm page, kubeadm's certificate lifetimes or kubeconfigs, "kubeadm: join").
TEACHING = ("why", "remediation", "references")
AUDIT_DOCUMENTS = (("audit", "-o", "json"), ("audit", "--include-workloads", "-o", "json"))


@pytest.mark.parametrize("sample", NOT_KUBEADM)
@pytest.mark.parametrize("args", AUDIT_DOCUMENTS, ids=" ".join)
def test_no_finding_teaches_kubeadm_on_a_cluster_kubeadm_did_not_build(sample: str, args: tuple[str, ...]) -> None:
    findings = json.loads(output(sample, args))["findings"]
    said = sorted({f"{finding['check']} {field}" for finding in findings for field in TEACHING
                   if re.search("kubeadm", json.dumps(finding[field]), re.IGNORECASE)})
    assert not said, f"`kubectl arch {' '.join(args)}` on {sample} ({_profile(sample)}) teaches kubeadm in {said}"



# The JSON document carries every finding's why, fix and links, passing ones too.
KUBELET_CERTIFICATE_OUTPUTS = (("audit", "--check", "kubelet-certificate-rotation", "-o", "json"),)
# What kubelet-certificate-rotation teaches of who approves kubelet requests on each sample's distribution, and a
# page it links that says so.
KUBELET_CERTIFICATE_TEACHING = {
    "openshift": ("cluster-machine-approver approves kubelet client and serving requests automatically",
                  "https://github.com/openshift/cluster-machine-approver"),
    "k3s": ("not through CertificateSigningRequests", "https://github.com/k3s-io/k3s/"),
    "eks": ("Amazon EKS runs the control plane that signs the kubelets' certificates", "kubelet-tls-bootstrapping"),
    "minikube": ("On minikube the controller manager signs them for its --cluster-signing-duration",
                 "kube-controller-manager"),
    "kind-ha": ("which kind does not install", "kubeadm-certs/#kubelet-serving-certs"),
}


@pytest.mark.parametrize(("sample", "teaching"), KUBELET_CERTIFICATE_TEACHING.items())
def test_kubelet_certificate_rotation_says_who_approves_kubelet_requests_on_the_detected_distribution(
        sample: str, teaching: tuple[str, str]) -> None:
    _assert_teaches(sample, KUBELET_CERTIFICATE_OUTPUTS[0], teaching)


# Said of kubelet requests where they are false: OpenShift's cluster-machine-approver approves serving requests, k3s
# issues kubelet certificates without requests, and neither (nor a managed control plane) signs "for one year by
# default" through the controller manager's flag.
KUBELET_CERTIFICATE_UNTRUTHS = re.compile(r"never approved automatically|one year by default"
                                          r"|install an approver")


@pytest.mark.parametrize("sample", ["openshift", "k3s", "eks"])
@pytest.mark.parametrize("args", KUBELET_CERTIFICATE_OUTPUTS, ids=" ".join)
def test_kubelet_serving_requests_are_never_said_to_go_unapproved_where_the_distribution_approves_or_skips_them(
        sample: str, args: tuple[str, ...]) -> None:
    text = output(sample, args)
    found = sorted({m.group(0) for m in KUBELET_CERTIFICATE_UNTRUTHS.finditer(text)})
    assert not found, f"`kubectl arch {' '.join(args)}` on {sample} ({_profile(sample)}) says {found}"


REPLACED_KUBE_PROXY = [s for s in sample_names()
                       if json.loads(output(s, ("audit", "--check", "kube-proxy-mode", "-o", "json")))["findings"][0]
                       ["evidence"]["mode"] == "replaced"]


def test_there_are_samples_whose_kube_proxy_is_replaced() -> None:
    assert {"openshift", "cilium-kpr"} <= set(REPLACED_KUBE_PROXY)


@pytest.mark.parametrize("sample", REPLACED_KUBE_PROXY)
def test_kube_proxy_mode_never_tells_a_cluster_without_kube_proxy_to_switch_kube_proxy_to_nftables(sample: str) -> None:
    [finding] = json.loads(output(sample, ("audit", "--check", "kube-proxy-mode", "-o", "json")))["findings"]
    assert "switch kube-proxy" not in finding["remediation"], finding["remediation"]
    assert "Nothing to switch" in finding["remediation"], finding["remediation"]


# Where k3s runs the control plane: inside each server's k3s process, with no control-plane pod to describe.
K3S_CONTROL_PLANE_POD_ADVICE = re.compile(r"describe pod`|describe pod <pod>|kube-apiserver-<node>"
                                          r"|kube-scheduler-<node>|kube-controller-manager-<node>")


@pytest.mark.parametrize("sample", [s for s in NOT_KUBEADM if _profile(s) == "k3s"])
@pytest.mark.parametrize("args", (("audit", "-o", "json"), ("audit", "-o", "markdown"), ("audit",)), ids=" ".join)
def test_k3s_is_never_told_to_describe_a_control_plane_pod_it_does_not_run(sample: str, args: tuple[str, ...]) -> None:
    text = output(sample, args)
    found = sorted({m.group(0) for m in K3S_CONTROL_PLANE_POD_ADVICE.finditer(text)})
    assert not found, f"`kubectl arch {' '.join(args)}` on {sample} says {found}"
    assert "journalctl -u k3s" in text


COMPONENT_METRICS_CHECKS = ("scheduler-latency", "controller-workqueues")
# Where each sample's distribution has the scheduler's and controller manager's metrics, as their skip says it.
COMPONENT_METRICS_WHERE = {
    "openshift": "the platform's monitoring stack scrapes them",
    "k3s": "whose one metrics registry every k3s metrics endpoint serves: the API server's /metrics carries",
    "minikube": "inside the minikube node (`minikube ssh`)",
    "kubeadm-degraded": "kubeadm binds it to 127.0.0.1",
}


@pytest.mark.parametrize("check", COMPONENT_METRICS_CHECKS)
@pytest.mark.parametrize(("sample", "where"), COMPONENT_METRICS_WHERE.items())
def test_component_metrics_skip_says_where_the_detected_distribution_has_them_never_another_distributions_binding(
        check: str, sample: str, where: str) -> None:
    [finding] = json.loads(output(sample, ("audit", "--check", check, "-o", "json")))["findings"]
    assert finding["status"] == "skip" and where in finding["message"], finding["message"]
    others = {"kubeadm", "k3s"} - {_profile(sample)}
    assert not [name for name in others if name in finding["message"]], finding["message"]
    if _profile(sample) == "openshift":  # scraped by openshift-monitoring, not read with curl on a node
        assert "curl" not in finding["message"] and "control-plane node" not in finding["message"]


@pytest.mark.parametrize("sample", MANAGED)
def test_a_managed_cluster_is_never_sent_to_look_for_cloud_controller_manager_pods_it_cannot_see(sample: str) -> None:
    """EKS, GKE and AKS run the cloud controller manager with the rest of the hidden control plane: no pod of it
    is in kube-system to grep for."""
    text = output(sample, ("explain", "cloud-controller-manager"))
    assert "grep cloud-controller-manager" not in text, text
