"""explain cloud-controller-manager looks for its pods where the distribution runs them: kube-system, or on
OpenShift the namespace its cloud controller manager operator deploys them to (openshift-cloud-controller-manager),
and nowhere on a managed cluster.
Held over every sample."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.model.facts import cluster_facts
from tests.explain.fixtures import sample_data

CCM_NAMESPACES = {"openshift": "openshift-cloud-controller-manager"}


@pytest.mark.parametrize("sample", sample_names())
def test_the_cloud_controller_manager_page_looks_in_the_distributions_namespace(sample: str) -> None:
    profile = cluster_facts(sample_data(sample)).profile
    page = CliRunner().invoke(cli, ["explain", "ccm", "--sample", sample], env={"COLUMNS": "400"}).output
    commands = page.split("Look further\n", 1)[1].split("\n\n", 1)[0]
    namespaces = set(re.findall(r"-n (\S+)", commands))
    # EKS, GKE and AKS run it with the rest of their hidden control plane: no namespace holds its pods.
    expected = set() if profile.hidden else {CCM_NAMESPACES.get(profile.name, "kube-system")}
    assert namespaces == expected, f"{sample}:\n{commands}"
