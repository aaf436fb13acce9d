"""node-readiness sends whoever reads it to the kubelet's log the way the detected distribution reads it: `oc adm
node-logs` on OpenShift (RHCOS nodes are reached through oc, not a shell), k3s's own unit, kind's and minikube's
node containers, kubeadm's journal. Held over every sample, and over the check's failing fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import CheckResult, run_check
from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import sample_names
from kubectl_arch.model.facts import cluster_facts
from kubectl_arch.model.profiles import split_comment
from tests.explain.fixtures import sample_data

CHECK = catalogue()["node-readiness"]


@pytest.mark.parametrize("sample", sample_names())
def test_the_fix_reads_the_kubelets_log_as_the_distribution_does(sample: str) -> None:
    result = CliRunner().invoke(cli, ["audit", "--check", "node-readiness", "-o", "json", "--sample", sample])
    profile = cluster_facts(sample_data(sample)).profile
    log = split_comment(profile.log_command("kubelet") or "")[0]
    for finding in json.loads(result.output)["findings"]:
        assert log and log in finding["remediation"], f"{sample} ({profile.name}): {finding['remediation']}"
        assert "systemctl status kubelet" not in finding["remediation"], finding["remediation"]


@pytest.mark.parametrize("path", [p for p in CHECK.fixtures if not p.name.startswith("pass-")], ids=lambda p: p.name)
def test_a_failing_node_carries_its_distributions_fix(path: Path) -> None:
    fixture = load_fixture(path, (*CHECK.meta.needs, *CHECK.meta.optional_needs))
    result = CheckResult(CHECK.meta, run_check(CHECK, fixture.data, {}))
    if result.status.value in ("skip", "pass"):
        return
    log = split_comment(cluster_facts(fixture.data).profile.log_command("kubelet") or "")[0]
    assert log in result.fix, result.fix
