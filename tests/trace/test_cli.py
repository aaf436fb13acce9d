"""The `kubectl-arch trace` command: golden timelines, the JSON contract, YAML, errors as one line.

Output tests run the click command in-process over the (cached) kind-ha sample, to stay fast; exit codes
and the live cluster are checked through the real installed CLI in a subprocess.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.golden import assert_golden

SCENARIOS = {"healthy": "deployment/api", "unschedulable": "deployment/checkout", "imagepullbackoff": "deploy/cart",
             "crashloop": "deployment/payments", "expired": "deployment/reports"}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_timeline_golden(run_inline: Callable[..., Any], scenario: str) -> None:
    code, stdout, stderr = run_inline(["trace", SCENARIOS[scenario], "-n", "shop", "--sample", "kind-ha"])
    assert code == 0, stderr
    assert_golden(f"trace-{scenario}.txt", stdout)


def test_wide_shows_all_evidence(run_inline: Callable[..., Any]) -> None:
    _, text, _ = run_inline(["trace", "deployment/api", "-n", "shop", "--sample", "kind-ha"])
    code, wide, _ = run_inline(["trace", "deployment/api", "-n", "shop", "--sample", "kind-ha", "-o", "wide"])
    assert code == 0
    assert "kube-proxy (or the CNI's replacement)" in wide and "kube-proxy (or the CNI's replacement)" not in text


def test_json_output_is_the_contract(run_inline: Callable[..., Any]) -> None:
    code, stdout, _ = run_inline(["trace", "pod", "checkout-5f7c9d8b4f-nnfkt", "-n", "shop", "--sample", "kind-ha",
                               "-o", "json"])
    assert code == 0
    data = json.loads(stdout)
    assert data["pod"]["name"] == "checkout-5f7c9d8b4f-nnfkt" and data["pod"]["node"] is None
    assert data["pod"]["phase"] == "Pending"
    assert data["stuck"]["stage"] == "scheduled" and data["stuck"]["reason"] == "FailedScheduling"
    assert data["eventsExpired"] is False and data["startupSeconds"] is None
    assert [s["name"] for s in data["stages"]][:4] == ["submitted", "controller", "persisted", "scheduled"]


def test_yaml_output_matches_json(run_inline: Callable[..., Any]) -> None:
    args = ["trace", "deployment/reports", "-n", "shop", "--sample", "kind-ha"]
    _, as_json, _ = run_inline([*args, "-o", "json"])
    code, as_yaml, _ = run_inline([*args, "-o", "yaml"])
    assert code == 0 and yaml.safe_load(as_yaml) == json.loads(as_json)


def test_unknown_pod_is_exit_4_and_one_line(run_cli: Callable[..., Any]) -> None:
    code, stdout, stderr = run_cli(["trace", "pod", "nope", "-n", "shop", "--sample", "kind-ha"])
    assert code == 4 and stdout == ""
    assert stderr.count("\n") == 1 and stderr.startswith("error: pod 'nope' not found in namespace 'shop'")


def test_unknown_namespace_is_exit_4(run_cli: Callable[..., Any]) -> None:
    code, _, stderr = run_cli(["trace", "deployment/api", "-n", "nowhere", "--sample", "kind-ha"])
    assert code == 4 and "namespace 'nowhere' does not exist" in stderr and stderr.count("\n") == 1


def test_bad_kind_is_a_usage_error(run_cli: Callable[..., Any]) -> None:
    code, _, stderr = run_cli(["trace", "service/web", "--sample", "kind-ha"])
    assert code == 2 and stderr.count("\n") == 1


def test_live_cluster_uses_the_context_namespace(run_cli: Callable[..., Any], api_server: Any,
                                                 kubeconfig_for: Any) -> None:
    server = api_server("kind-ha")
    kubeconfig = kubeconfig_for(server, namespace="shop")
    code, stdout, stderr = run_cli(["trace", "deploy/payments", "--kubeconfig", str(kubeconfig), "-o", "json"])
    assert code == 0, stderr
    assert json.loads(stdout)["stuck"]["reason"] == "CrashLoopBackOff"
    assert all(r.method == "GET" for r in server.requests)
    assert len([r for r in server.requests if r.path != "/version"]) <= 12


def test_trace_help_imports_neither_kubernetes_nor_rich() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom kubectl_arch.cli.main import cli\n"
            "try:\n    cli.main(args=['trace', '--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('kubernetes', 'rich') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--follow" in done.stdout
    assert done.stdout.strip().endswith("[]")
