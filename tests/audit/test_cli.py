"""The audit through the real ``kubectl-arch`` console script: exit codes, outputs, errors, --list, explain."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

Run = Callable[..., Any]
DEGRADED = "kubeadm-degraded"

# What the kubeadm-degraded sample was built to break (see its sample.yaml), and the status each must get.
DEGRADED_EXPECTED = {
    "etcd-member-count": "fail",  # two members tolerate no failure
    "node-readiness": "fail",  # a worker whose kubelet stopped posting status (and one with DiskPressure)
    "kubelet-version-skew": "fail",  # a 1.27 kubelet under a 1.31 API server
    "leader-election": "fail",  # the kube-scheduler Lease is stale
    "apiserver-health": "fail",  # /readyz fails its etcd check
    "kube-proxy-mode": "warn",  # iptables with more than 1,000 Services
    "apiserver-overload": "warn",  # API Priority and Fairness rejected requests
}


CONTRACT_FIELDS = {"check", "status", "component", "title", "message", "evidence", "remediation", "references"}


def test_kind_ha_exits_0_and_reports_json(run_cli: Run) -> None:
    code, out, err = run_cli(["audit", "--sample", "kind-ha", "-o", "json"])
    assert code == 0, err
    report = json.loads(out)
    assert report["cluster"]["version"] == "v1.32.2" and report["cluster"]["context"] == "kind-kind-ha"
    assert report["summary"]["fail"] == 0 and report["summary"]["warn"] == 0
    assert set(report["summary"]) >= {"pass", "warn", "fail", "skip"}
    for finding in report["findings"]:
        assert set(finding) >= CONTRACT_FIELDS
    assert sum(report["summary"][s] for s in ("pass", "warn", "fail", "skip")) == len(report["checks"])


def test_kubeadm_degraded_exits_1_and_fails_what_it_was_built_to_fail(run_cli: Run) -> None:
    code, out, err = run_cli(["audit", "--sample", DEGRADED, "-o", "json"])
    assert code == 1, err
    statuses = {c["check"]: c["status"] for c in json.loads(out)["checks"]}
    assert {cid: statuses.get(cid) for cid in DEGRADED_EXPECTED} == DEGRADED_EXPECTED


def test_fail_on_warn_turns_a_warning_into_exit_1(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text("thresholds:\n  apiserver-overload: {warn_ratio: 0}\n")
    base = ["audit", "--sample", "kind-ha", "--check", "apiserver-overload", "--config", str(config)]
    assert run_cli(base).code == 0
    code, out, _ = run_cli([*base, "--fail-on", "warn"])
    assert code == 1
    assert "WARN" in out and "why:" in out and "fix:" in out


def test_a_suppression_in_config_keeps_the_exit_code_at_0(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text(yaml.safe_dump({
        "thresholds": {"apiserver-overload": {"warn_ratio": 0}},
        "suppressions": [{"check": "apiserver-overload", "reason": "load test", "expires": "2027-01-31"}]}))
    code, out, err = run_cli(["audit", "--sample", "kind-ha", "--check", "apiserver-overload", "--config",
                              str(config), "--fail-on", "warn", "-o", "json"])
    assert code == 0, err
    report = json.loads(out)
    assert report["summary"]["suppressed"] == 1
    assert report["findings"][0]["suppressed"] == {"reason": "load test", "expires": "2027-01-31"}


@pytest.mark.parametrize(("args", "message"), [
    (["--check", "no-such-check"], "unknown check id(s): no-such-check"),
    (["--config", "/nonexistent/audit.yaml"], "cannot read config /nonexistent/audit.yaml"),
    (["--etcd-endpoints", "10.0.0.1:2379"], "--etcd-endpoints: '10.0.0.1:2379' is not a URL"),
    (["--all-contexts"], "--all-contexts cannot be combined"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli: Run, args: list[str], message: str) -> None:
    code, _, err = run_cli(["audit", "--sample", "kind-ha", *args])
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_list_and_explain(run_cli: Run) -> None:
    code, out, _ = run_cli(["audit", "--list"])
    assert code == 0
    assert "etcd-member-count" in out and "pods-without-requests" in out and "--include-workloads" in out
    code, out, _ = run_cli(["audit", "--list", "-o", "json"])
    assert code == 0 and "node-readiness" in {row["id"] for row in json.loads(out)}
    code, out, _ = run_cli(["audit", "explain", "etcd-member-count"])
    assert code == 0
    assert out.startswith("etcd-member-count: ") and "Why it matters:" in out and "https://etcd.io/" in out
    code, _, err = run_cli(["audit", "explain", "nope"])
    assert code == 2 and "unknown check id" in err


def test_markdown_and_yaml_outputs(run_cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "audit.yaml"
    config.write_text("thresholds:\n  apiserver-overload: {warn_ratio: 0}\n")
    code, out, _ = run_cli(["audit", "--sample", "kind-ha", "--config", str(config), "-o", "markdown"])
    assert code == 0
    assert out.startswith("## kubectl-arch audit: `kind-kind-ha` (v1.32.2)")
    assert "| ⚠️ warn | `apiserver-overload` |" in out
    assert "<details><summary>⚠️ <code>apiserver-overload</code>" in out and "**Fix:**" in out
    code, out, _ = run_cli(["audit", "--sample", "kind-ha", "-o", "yaml", "--check", "node-readiness"])
    assert code == 0 and yaml.safe_load(out)["checks"] == [
        {"check": "node-readiness", "status": "pass", "component": "nodes",
         "title": "Every node is Ready and under no resource pressure"}]


def test_help_imports_neither_kubernetes_rich_nor_cryptography(run_cli: Run) -> None:
    """The catalogue is loaded for its check-owned flags; cryptography (~40 ms) waits until a certificate is
    parsed, so audit's first request goes out sooner."""
    code, out, _ = run_cli(["audit", "--help"])
    assert code == 0 and "--fail-on" in out and "explain" in out
    probe = ("import sys; from kubectl_arch.cli.main import main; sys.argv=['kubectl-arch','audit','--help'];\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "assert not {'kubernetes', 'rich', 'cryptography'} & set(sys.modules), sorted(sys.modules)")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_snapshot_replays_to_the_same_audit(run_cli: Run, tmp_path: Path) -> None:
    snapshot = tmp_path / "degraded.json.gz"
    code, _, err = run_cli(["snapshot", "--sample", DEGRADED, "--include-workloads", "-o", str(snapshot)])
    assert code == 0, err
    replayed = run_cli(["audit", "--snapshot", str(snapshot), "--include-workloads", "-o", "json"])
    original = run_cli(["audit", "--sample", DEGRADED, "--include-workloads", "-o", "json"])
    assert replayed.code == original.code == 1
    assert json.loads(replayed.stdout)["findings"] == json.loads(original.stdout)["findings"]


def test_fail_on_skip_fails_a_run_that_could_not_read_enough(run_cli: Run) -> None:
    """An account that cannot read what a check needs must not pass a CI gate that asks for certainty."""
    code, out, err = run_cli(["audit", "--sample", "kind-ha", "-o", "json"])
    statuses = {c["status"] for c in json.loads(out)["checks"]}
    assert code == 0 and "skip" in statuses and not statuses & {"warn", "fail", "error"}, err
    assert run_cli(["audit", "--sample", "kind-ha", "--fail-on", "skip"]).code == 1
    names = run_cli(["audit", "--sample", "kind-ha", "--fail-on", "skip", "-o", "name"]).stdout.split()
    skipped = sorted(c["check"] for c in json.loads(out)["checks"] if c["status"] == "skip")
    assert sorted(names) == skipped


@pytest.mark.parametrize("output", ["text", "json", "markdown", "junit", "html"])
def test_hide_passing_lists_only_what_did_not_pass_and_still_counts_every_check(run_cli: Run, output: str) -> None:
    full = json.loads(run_cli(["audit", "--sample", DEGRADED, "-o", "json"]).stdout)
    passed = sorted(c["check"] for c in full["checks"] if c["status"] == "pass")
    assert passed, "the sample must have passing checks for this test to mean anything"
    code, out, err = run_cli(["audit", "--sample", DEGRADED, "--hide-passing", "-o", output])
    assert code == 1, err  # the exit code is judged on every check
    if output == "json":
        report = json.loads(out)
        assert report["summary"] == full["summary"] and report["passingNotListed"] == len(passed)
        assert [c for c in report["checks"] if c["status"] == "pass"] == []
        assert len(report["checks"]) == len(full["checks"]) - len(passed)
    elif output == "junit":
        assert f'name="passingNotListed" value="{len(passed)}"' in out
    else:
        assert f"{len(passed)} passing not listed" in out
        assert not any(f"{check_id}" in out for check_id in passed if check_id not in DEGRADED_EXPECTED), (
            "a passing check was listed")
