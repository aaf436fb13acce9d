"""control-plane-version-skew on OpenShift: its images are pinned by digest, so the versions are what the API
server's, scheduler's and controller manager's ClusterOperators report; a verdict only when all three were read,
and a skip that names the read that failed otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import CheckResult, run_check
from kubectl_arch.cli.main import cli
from kubectl_arch.model.openshift_versions import CLUSTER_OPERATORS_NEED

CHECK = catalogue()["control-plane-version-skew"]
FIXTURES = sorted(CHECK.fixtures)
OPENSHIFT = [path for path in FIXTURES if "openshift" in path.name]


def _run(path: Path) -> CheckResult:
    fixture = load_fixture(path, (*CHECK.meta.needs, *CHECK.meta.optional_needs))
    return CheckResult(CHECK.meta, run_check(CHECK, fixture.data, {}))


def test_the_check_declares_the_cluster_operators_it_judges_by() -> None:
    assert CLUSTER_OPERATORS_NEED in CHECK.meta.optional_needs
    assert len(set(CHECK.meta.optional_needs)) == len(CHECK.meta.optional_needs)


@pytest.mark.parametrize("path", [p for p in OPENSHIFT if not p.name.startswith("skip-")], ids=lambda p: p.name)
def test_a_verdict_on_openshift_rests_on_the_versions_the_cluster_operators_report(path: Path) -> None:
    result = _run(path)
    reported = {entry["version"] for operator in load_fixture(path, ()).data.items(CLUSTER_OPERATORS_NEED)
                for entry in operator["status"]["versions"] if entry["name"] == operator["metadata"]["name"]}
    for finding in result.findings:
        versions = {v.removeprefix("v") for key in ("kube-apiserver", "kube-scheduler", "kube-controller-manager")
                    for v in finding.evidence[key]}
        assert versions <= reported, (path.name, finding.evidence)
        assert "ClusterOperator" in finding.message or "ClusterOperators" in finding.evidence["source"]


@pytest.mark.parametrize("path", [p for p in OPENSHIFT if p.name.startswith("skip-")], ids=lambda p: p.name)
def test_an_unread_operator_version_is_a_skip_that_says_which_and_why(path: Path) -> None:
    result = _run(path)
    assert result.status.value == "skip"
    [finding] = result.findings
    assert "ClusterOperator" in finding.message, finding.message
    fixture = load_fixture(path, (*CHECK.meta.needs, *CHECK.meta.optional_needs))
    reason = fixture.data.skip_reason(CLUSTER_OPERATORS_NEED)
    assert reason is None or reason in finding.message, finding.message


def test_the_openshift_sample_is_judged_from_its_cluster_operators() -> None:
    result = CliRunner().invoke(cli, ["audit", "--check", "control-plane-version-skew", "-o", "json",
                                      "--sample", "openshift"])
    [finding] = json.loads(result.output)["findings"]
    assert finding["status"] == "pass", finding
    assert "ClusterOperators" in finding["message"], finding["message"]


# How a passing finding names what it compared: etcd and the kubelets are control-plane or node parts it never
# judged ("every control-plane component runs v1.31" was false of etcd 3.5).
JUDGED_WORDS = {"kube-apiserver": "API servers", "kube-scheduler": "schedulers",
                "kube-controller-manager": "controller managers",
                "cloud-controller-manager": "cloud controller managers"}


@pytest.mark.parametrize("path", [p for p in FIXTURES if p.name.startswith("pass-")], ids=lambda p: p.name)
def test_a_pass_names_the_components_it_compared_and_no_others(path: Path) -> None:
    [finding] = _run(path).findings
    assert "every control-plane component" not in finding.message, finding.message
    for component in finding.evidence.keys() & JUDGED_WORDS.keys():
        assert JUDGED_WORDS[component] in finding.message, (finding.message, finding.evidence)
