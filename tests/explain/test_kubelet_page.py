"""The kubelet page speaks of the cluster's own distribution: how its control plane is started (static pods the
kubelet runs, k3s's own process, a provider's machines) and, on OpenShift, how the kubelet is configured (the
Machine Config Operator, from KubeletConfig resources), never kubeadm's way on a cluster kubeadm did not build."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.model.facts import cluster_facts
from tests.explain.fixtures import sample_data

KUBEADM_BUILT = ("kubeadm", "kind", "minikube")  # distributions whose control plane kubeadm starts


def _what(sample: str) -> str:
    result = CliRunner().invoke(cli, ["explain", "kubelet", "--sample", sample],
                                env={"NO_COLOR": "1", "COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output.split("What it does\n", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize("sample", sample_names())
def test_the_kubelet_page_names_kubeadm_only_where_kubeadm_built_the_cluster(sample: str) -> None:
    what = _what(sample)
    profile = cluster_facts(sample_data(sample)).profile
    if profile.name not in KUBEADM_BUILT:
        assert "kubeadm" not in what, f"{sample} ({profile.title}): {what}"


def test_openshift_says_the_machine_config_operator_configures_the_kubelet() -> None:
    what = _what("openshift")
    assert "which is how OpenShift runs the control plane itself" in what, what
    assert "Machine Config Operator" in what and "KubeletConfig" in what, what
    assert "/var/lib/kubelet/config.yaml" not in what


def test_k3s_and_a_hidden_control_plane_do_not_start_theirs_from_static_pods() -> None:
    assert "inside its own process" in _what("k3s")
    assert "static pods" in _what("eks") and "EKS" in _what("eks")
