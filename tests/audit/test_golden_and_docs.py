"""What people read is pinned: the terminal audit of a degraded sample, and docs/checks.md."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubectl_arch.audit import docs
from tests.golden import assert_golden

# This area's topology checks: their wording is pinned here (the etcd and certificate checks pin their own).
TOPOLOGY_CHECKS = ("control-plane-replicas", "etcd-member-count", "leader-election", "apiserver-health",
                   "kube-proxy-mode", "node-readiness", "kubelet-version-skew", "control-plane-version-skew",
                   "apiserver-overload")


def test_terminal_output_of_the_degraded_sample(run_cli: Callable[..., Any]) -> None:
    args = ["audit", "--sample", "kubeadm-degraded"] + [f"--check={c}" for c in TOPOLOGY_CHECKS]
    code, out, err = run_cli(args)  # NO_COLOR=1, COLUMNS=100: the plain, fixed-width view
    assert code == 1, err
    assert "\x1b[" not in out
    assert_golden("audit-kubeadm-degraded.txt", out)


def test_docs_checks_md_is_generated_from_the_catalogue() -> None:
    current = docs.DOCS_PATH.read_text() if docs.DOCS_PATH.exists() else ""
    assert current == docs.render(), "docs/checks.md is out of date: run `python -m kubectl_arch.audit.docs`"


def test_the_docs_cover_every_check_and_the_config_format() -> None:
    from kubectl_arch.audit.registry import catalogue

    text = docs.render()
    for check_id, check in catalogue().items():
        assert f"### {check_id}" in text and check.meta.fix in text
    assert "suppressions:" in text and "expires:" in text and "--fail-on" in text
