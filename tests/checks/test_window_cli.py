"""--window through the CLI (in process) against the HTTPS test API server: two GETs of /metrics, the
second one last, and a basis on every figure; offline sources and --window 0 say they hold one scrape."""

from __future__ import annotations

import json
from typing import Any

from kubectl_arch.audit.command import ONE_SCRAPE, audit


def _disk_latency(out: str) -> dict[str, Any]:
    [finding] = [f for f in json.loads(out)["findings"] if f["check"] == "etcd-disk-latency"]
    return dict(finding)


def test_a_live_window_reads_metrics_twice_and_says_an_unchanged_scrape_held_nothing(
        api_server: Any, kubeconfig_for: Any, run_cli: Any) -> None:
    server = api_server("kubeadm-degraded")  # serves the same /metrics text each time: nothing happens in between
    code, out, err = run_cli(["audit", "--kubeconfig", str(kubeconfig_for(server)), "--check", "etcd-disk-latency",
                              "--window", "0.5s", "-o", "json"])
    assert code in (0, 1), err
    metrics_reads = [i for i, r in enumerate(server.requests) if r.path == "/metrics"]
    assert len(metrics_reads) == 2, [r.path for r in server.requests]
    assert metrics_reads[1] == len(server.requests) - 1, "the second scrape is the last read of the run"
    finding = _disk_latency(out)
    basis = finding["evidence"]["basis"]
    assert basis["kind"] == "lifetime"
    assert "window held only 0 observations" in basis["note"]
    assert basis["note"] in finding["message"]


def test_window_zero_and_offline_sources_hold_one_scrape_and_say_so(api_server: Any, kubeconfig_for: Any,
                                                                     run_cli: Any) -> None:
    server = api_server("kubeadm-degraded")
    code, out, err = run_cli(["audit", "--kubeconfig", str(kubeconfig_for(server)), "--check", "etcd-disk-latency",
                              "--window", "0", "-o", "json"])
    assert code in (0, 1), err
    assert [r.path for r in server.requests].count("/metrics") == 1
    assert _disk_latency(out)["evidence"]["basis"]["note"] == ONE_SCRAPE
    code, out, err = run_cli(["audit", "--sample", "kubeadm-degraded", "--check", "etcd-disk-latency", "-o", "json"])
    assert code in (0, 1), err
    assert _disk_latency(out)["evidence"]["basis"]["note"] == ONE_SCRAPE


def test_the_window_comes_from_the_environment_and_defaults_to_ten_seconds(
        api_server: Any, kubeconfig_for: Any, run_cli: Any) -> None:
    [option] = [p for p in audit.params if p.name == "window"]
    assert option.default == "10s" and option.envvar == "KUBECTL_ARCH_WINDOW"
    server = api_server("kubeadm-degraded")
    code, out, err = run_cli(["audit", "--kubeconfig", str(kubeconfig_for(server)), "--check", "etcd-disk-latency",
                              "-o", "json"], env={"KUBECTL_ARCH_WINDOW": "0.2s"})
    assert code in (0, 1), err
    assert [r.path for r in server.requests].count("/metrics") == 2
    assert "0.2s window held only 0 observations" in _disk_latency(out)["evidence"]["basis"]["note"]


def test_a_bad_window_is_one_line_and_exit_2(run_cli: Any) -> None:
    code, out, err = run_cli(["audit", "--sample", "kind-ha", "--window", "soon"])
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "--window" in err


def test_a_bad_window_from_the_environment_names_the_variable(run_cli: Any) -> None:
    """The user gave no --window: the line must send them to KUBECTL_ARCH_WINDOW, set in their shell or CI."""
    code, out, err = run_cli(["audit", "--sample", "kind-ha"], env={"KUBECTL_ARCH_WINDOW": "2h"})
    assert code == 2 and not out
    assert len(err.strip().splitlines()) == 1 and "KUBECTL_ARCH_WINDOW (read as --window): '2h'" in err, err
