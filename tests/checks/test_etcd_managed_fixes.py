"""On a managed control plane the etcd health checks' fixes tell what is the user's to do there: no etcd flag
(--heartbeat-interval, --election-timeout), no disk to dedicate, no etcdctl, in any finding of a managed sample (EKS
serves etcd's figures, so its findings are judged; GKE hides them, so they skip)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.needs import collect
from kubectl_arch.collect.sample_source import SampleSource, sample_names
from kubectl_arch.model.facts import cluster_facts

ETCD_CHECKS = ("etcd-heartbeat-failures", "etcd-leader-changes", "etcd-peer-latency", "etcd-proposals",
               "etcd-slow-requests")
OPERATOR_ONLY = re.compile(r"--heartbeat-interval|--election-timeout|etcdctl|dedicated disk|guaranteed CPU")
MANAGED = [name for name in sample_names()
           if cluster_facts(collect(SampleSource.named(name), ["version", "nodes", "kube-system-pods"])).profile.hidden]


@pytest.mark.parametrize("sample", MANAGED)
def test_no_etcd_operator_step_on_a_managed_control_plane(sample: str) -> None:
    args = ["audit", "--sample", sample, "-o", "json", *(a for c in ETCD_CHECKS for a in ("--check", c))]
    findings = json.loads(CliRunner().invoke(cli, args).output)["findings"]
    assert findings
    wrong = [(f["check"], m.group(0)) for f in findings if (m := OPERATOR_ONLY.search(f.get("remediation") or ""))]
    assert not wrong, f"{sample}: {wrong}"
    assert all("support case" in (f.get("remediation") or "") for f in findings), sample
