"""kind's nodes are Docker containers (curl inside, no Python): what a skip tells a kind user to run on a
control-plane node says how to get there (`docker exec`), and pki-expiry, which this tool runs on the machine that
holds the files, says how to bring the files out (`docker cp`) rather than 'run on a control-plane node'."""

from __future__ import annotations

import pytest

from kubectl_arch.collect.sample_source import SampleSource
from tests.checks.one_check import check_findings

WHERE = {"scheduler-latency": "docker exec -it <node> bash",
         "controller-workqueues": "docker exec -it <node> bash",
         "pki-expiry": "docker cp <node>:/etc/kubernetes/pki"}


@pytest.mark.parametrize("check_id", sorted(WHERE))
def test_a_kind_skip_says_how_to_reach_the_node_container(check_id: str) -> None:
    [finding] = check_findings(check_id, SampleSource.named("kind-ha"))
    assert finding.status.value == "skip"
    assert WHERE[check_id] in finding.message, finding.message
    assert "run on a control-plane node" not in finding.message, finding.message
