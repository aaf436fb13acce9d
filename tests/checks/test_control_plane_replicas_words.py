"""control-plane-replicas says what a count of none means: 'none of the 2', 'the only one is not ready', never
'only 0 of 2'."""

from __future__ import annotations

from checks import control_plane_replicas
from kubectl_arch.audit.config import AuditConfig
from kubectl_arch.audit.fixtures import load_fixture
from kubectl_arch.audit.registry import catalogue
from kubectl_arch.audit.runner import run_check


def _messages(fixture_name: str) -> list[str]:
    check = catalogue()["control-plane-replicas"]
    [path] = [p for p in check.fixtures if p.name == fixture_name]
    fixture = load_fixture(path, (*check.meta.needs, *check.meta.optional_needs))
    thresholds = AuditConfig().thresholds_for(check.meta) | fixture.thresholds
    return [finding.message for finding in run_check(check, fixture.data, thresholds)]


def test_a_single_component_that_is_not_ready_is_named_as_the_only_one() -> None:
    messages = _messages("fail-only-scheduler-not-ready.yaml")
    assert "the only kube-scheduler is not ready (at least 2 needed to survive losing one)" in messages
    assert "only one kube-apiserver: a single point of failure" in messages


def test_no_message_counts_zero_as_only() -> None:
    for check_fixture in catalogue()["control-plane-replicas"].fixtures:
        assert not [m for m in _messages(check_fixture.name) if "only 0 " in m], check_fixture.name



def _problem(name: str, total: int, ready: int) -> str:
    finding = control_plane_replicas._problem(name, total, ready, 2, {})
    assert finding is not None
    return finding.message


def test_every_count_reads_as_a_sentence() -> None:
    """'none of the 2 kube-scheduler ready' had no verb and a singular noun: each count must read naturally."""
    assert _problem("kube-scheduler", 2, 0) == ("none of the 2 kube-scheduler copies is ready (at least 2 needed to "
                                                "survive losing one)")
    assert _problem("kube-scheduler", 2, 1) == ("only 1 of the 2 kube-scheduler copies is ready (at least 2 needed "
                                                "to survive losing one)")
    assert _problem("control-plane nodes", 3, 0).startswith("none of the 3 control-plane nodes is ready")
    assert _problem("kube-apiserver", 3, 2).startswith("1 of the 3 kube-apiserver copies is not ready: less redundancy")
    assert _problem("kube-apiserver", 5, 3).startswith("2 of the 5 kube-apiserver copies are not ready: less")
    assert _problem("control-plane nodes", 3, 1).startswith("only 1 of the 3 control-plane nodes is ready")
