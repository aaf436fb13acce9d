"""etcd-disk-latency's fix sends the reader to `kubectl arch explain etcd` for the client certificates only where
that page names them (kubeadm's, kind's, k3s's, RKE2's and minikube's etcdctl commands carry --cacert); OpenShift
runs etcdctl inside its etcd pods, where they are set, and a managed control plane shows none. Held over every
sample."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kubectl_arch.cli.main import cli
from kubectl_arch.collect.sample_source import sample_names

POINTER = "`kubectl arch explain etcd` shows where this cluster keeps them"


def _run(*args: str) -> str:
    return CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "COLUMNS": "400"}).output


@pytest.mark.parametrize("sample", sample_names())
def test_the_fix_points_to_the_etcd_page_only_where_it_shows_the_certificates(sample: str) -> None:
    findings = json.loads(_run("audit", "--check", "etcd-disk-latency", "-o", "json", "--sample", sample))["findings"]
    page = _run("explain", "etcd", "--sample", sample)
    for finding in findings:
        if POINTER in finding["remediation"]:
            assert "--cacert" in page, f"{sample}: the fix points to explain etcd, which names no certificate"
