"""On k3s the scheduler and controller manager run inside the k3s server process, which serves every embedded
component's metrics from one registry on each of its metrics endpoints (docs.k3s.io/reference/metrics): their
figures are not 'only on their own secure port', and `kubectl get --raw /metrics` shows them. The skip of
scheduler-latency and controller-workqueues says so, and keeps the secure-port route for a server."""

from __future__ import annotations

import pytest

from kubectl_arch.collect.sample_source import SampleSource
from tests.checks.one_check import check_findings

METRIC = {"scheduler-latency": "scheduler_scheduling_attempt_duration_seconds",
          "controller-workqueues": "workqueue_depth"}


@pytest.mark.parametrize("check_id", sorted(METRIC))
def test_the_k3s_skip_names_the_api_servers_metrics_where_k3s_serves_them(check_id: str) -> None:
    [finding] = check_findings(check_id, SampleSource.named("k3s"))
    assert finding.status.value == "skip"
    assert "only on its own secure port" not in finding.message, finding.message
    assert f"`kubectl get --raw /metrics | grep {METRIC[check_id]}`" in finding.message, finding.message
    assert "https://127.0.0.1:102" in finding.message  # a server's own port still works
