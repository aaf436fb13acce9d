"""control-plane-replicas says what a count of none means: 'none of the 2', 'the only one is not ready', never
'only 0 of 2'."""

from __future__ import annotations

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
