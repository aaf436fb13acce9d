"""explain cni sends the reader to the CNI configuration directory the node's runtime really reads: CRI-O on
OpenShift is configured with network_dir /etc/kubernetes/cni/net.d/ (the machine-config operator's crio.conf), k3s's
containerd with conf_dir /var/lib/rancher/k3s/agent/etc/cni/net.d; elsewhere the CNI default /etc/cni/net.d.
Held over every sample."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.model.facts import cluster_facts
from tests.explain.fixtures import sample_data

CNI_CONFIG_DIRS = {"openshift": "/etc/kubernetes/cni/net.d/", "k3s": "/var/lib/rancher/k3s/agent/etc/cni/net.d/"}
DEFAULT = "/etc/cni/net.d/"


@pytest.mark.parametrize("sample", sample_names())
def test_the_cni_page_lists_the_configuration_directory_the_runtime_reads(sample: str) -> None:
    profile = cluster_facts(sample_data(sample)).profile
    page = CliRunner().invoke(cli, ["explain", "cni", "--sample", sample], env={"COLUMNS": "400"}).output
    commands = page.split("Look further\n", 1)[1].split("\n\n", 1)[0]
    expected = CNI_CONFIG_DIRS.get(profile.name, DEFAULT)
    assert expected in commands, f"{sample} ({profile.name}):\n{commands}"
    if expected != DEFAULT:
        assert f" {DEFAULT}" not in commands, f"{sample} ({profile.name}):\n{commands}"
