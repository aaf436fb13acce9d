"""A finding links a provider's pages and tells what to do on that provider only on that provider's clusters: no
AWS page and no 'On EKS ...' step in what a k3s, kind, minikube, kubeadm or OpenShift audit prints (the
catalogue, `audit explain`, keeps both, as it speaks of every distribution)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, sample_names
from kubectl_arch.model.facts import cluster_facts

NOT_EKS = [name for name in sample_names()
           if cluster_facts(collect(SampleSource.named(name), ["version", "nodes", "kube-system-pods"])).profile.name
           != "eks"]


@pytest.mark.parametrize("sample", NOT_EKS)
def test_no_eks_page_or_eks_step_off_eks(sample: str) -> None:
    result = CliRunner().invoke(cli, ["audit", "--sample", sample, "-o", "json"], env={"NO_COLOR": "1"})
    findings = json.loads(result.output)["findings"]
    wrong = [(f["check"], page) for f in findings for page in f.get("references") or ()
             if "docs.aws.amazon.com" in page]
    wrong += [(f["check"], "On EKS") for f in findings if "On EKS" in (f.get("remediation") or "")]
    assert not wrong, f"{sample}: {wrong}"


def test_eks_keeps_its_page_and_step() -> None:
    result = CliRunner().invoke(cli, ["audit", "--sample", "eks", "--check", "scheduler-latency", "-o", "json"])
    [finding] = json.loads(result.output)["findings"]
    assert "https://docs.aws.amazon.com/eks/latest/userguide/view-raw-metrics.html" in finding["references"]
    assert "On EKS the scheduler is AWS's" in finding["remediation"]
