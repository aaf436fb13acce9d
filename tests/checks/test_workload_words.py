"""pods-without-requests reads as a sentence at one pod too: '1 of 25 running pods has', not 'have'."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kubectl_arch.cli.main import cli


def test_one_pod_without_requests_reads_in_the_singular() -> None:
    args = ["audit", "--sample", "kubeadm-degraded", "--include-workloads", "--check", "pods-without-requests",
            "-o", "json"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    messages = [f["message"] for f in json.loads(result.stdout)["findings"]]
    assert "1 of 25 running pods (4%) has a container with no CPU or memory request" in messages, messages
