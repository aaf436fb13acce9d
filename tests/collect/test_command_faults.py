"""A bad day at the API server, seen by whole commands: transient faults change nothing, lasting ones
become skips that say what could not be read, and nothing crashes (issue 6, faults)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_arch.collect import kube
from kubectl_arch.collect.apistore import ApiStore
from kubectl_arch.errors import ExitCode
from tests.conftest import CliResult
from tests.harness.apiserver import ApiServer

RunCli = Callable[..., CliResult]
SAMPLE = "kind-ha"
REPORTING = ["explain", "audit"]


@pytest.fixture
def sample_server(api_server: Callable[..., ApiServer]) -> ApiServer:
    return api_server(SAMPLE)


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait 10 ms, not 0.25 s doubling (1.75 s a lasting fault): these tests prove what a whole command
    makes of faults; the waits themselves are test_kube_faults' to prove, with recorded sleeps."""
    monkeypatch.setattr(kube, "BACKOFF_SECONDS", 0.01)


@pytest.mark.parametrize("command", REPORTING or ["explain"])
def test_transient_faults_leave_the_report_unchanged(command: str, run_cli: RunCli, sample_server: ApiServer,
                                                     kubeconfig_for: Callable[..., Path]) -> None:
    args = [command, "-o", "json", "--kubeconfig", str(kubeconfig_for(sample_server))]
    clean = run_cli(args)
    assert clean.code in (ExitCode.OK, ExitCode.FINDINGS), clean.stderr
    sample_server.clear_requests()
    sample_server.fail("/api/v1/nodes", status=429, times=2, retry_after=0)  # honoured: 0 s, no waiting
    sample_server.reset("/api/v1/namespaces/kube-system/pods", times=1)
    sample_server.reset("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", times=1, mid_response=True)
    sample_server.truncate("/apis/apps/v1/daemonsets", times=1)

    faulty = run_cli(args)

    assert faulty.code == clean.code, faulty.stderr
    assert json.loads(faulty.stdout) == json.loads(clean.stdout)
    applied = [f for f in sample_server.faults if f.applied]
    assert applied, f"`{command}` read none of the faulty paths: the test proves nothing"
    assert all(f.exhausted for f in applied), "every injected fault that was met was retried through"


@pytest.mark.parametrize("command", REPORTING or ["explain"])
def test_lasting_faults_become_skips_with_the_reason(command: str, run_cli: RunCli, sample_server: ApiServer,
                                                     kubeconfig_for: Callable[..., Path]) -> None:
    sample_server.fail("/api/v1/nodes", status=503, times=None)
    sample_server.delay("/metrics", seconds=3, times=None)
    result = run_cli([command, "--kubeconfig", str(kubeconfig_for(sample_server)), "--request-timeout", "1s"])

    assert result.code in (ExitCode.OK, ExitCode.FINDINGS), f"exit {result.code}:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    text = " ".join(result.stdout.split())
    assert "could not read nodes: injected HTTP 503 (after 4 attempts)" in text
    if sample_server.requests_to("/metrics"):
        assert "timed out after 1s" in text


def test_a_dropped_watch_ends_following_cleanly(run_cli: RunCli, sample_server: ApiServer,
                                                kubeconfig_for: Callable[..., Path]) -> None:
    # A pod just created (Pending, nothing done yet): following it watches, and the watch drops mid-stream.
    assert isinstance(sample_server.backend, ApiStore)
    template = next(p for p in sample_server.backend.objects("Pod") if p["metadata"].get("namespace") == "shop")
    pod = copy.deepcopy(template)
    pod["metadata"].update(name="fresh-0", creationTimestamp="2026-11-20T08:59:50Z")
    pod["spec"].pop("nodeName", None)
    pod["status"] = {"phase": "Pending"}
    sample_server.backend.add(pod)
    scheduled = copy.deepcopy(pod)
    scheduled["spec"]["nodeName"] = "kind-ha-worker"
    scheduled["status"]["conditions"] = [{"type": "PodScheduled", "status": "True",
                                          "lastTransitionTime": "2026-11-20T08:59:51Z"}]
    sample_server.script_watch("/api/v1/namespaces/shop/pods", [{"type": "MODIFIED", "object": scheduled}] * 3,
                               drop_after=1)

    result = run_cli(["trace", "pod", "fresh-0", "-n", "shop", "--follow", "--timeout", "2",
                      "--kubeconfig", str(kubeconfig_for(sample_server))])

    assert result.code in (ExitCode.OK, ExitCode.FINDINGS), f"exit {result.code}:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    assert "scheduled" in result.stdout, "the event that arrived before the drop was shown"
    assert "stopped following" in result.stdout
    watches = [r for r in sample_server.requests if r.is_watch]
    assert len(watches) >= 2, "a dropped watch is started again until the --timeout"
    assert all(r.method == "GET" for r in sample_server.requests)
