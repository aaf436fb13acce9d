"""trace on pods the test creates, and snapshots that replay what was read live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.cluster import LabCluster
from tests.e2e.contract import assert_pod_fully_traced, assert_stuck_pulling_image, stable_explain_facts
from tests.e2e.workloads import deploy_web, start_broken_pod

pytestmark = pytest.mark.e2e


def test_a_deployment_pod_is_traced_with_every_stage_done(cluster: LabCluster, namespace: str) -> None:
    pod = deploy_web(cluster, namespace)

    by_owner = cluster.arch_json("trace", "deployment/web", "-n", namespace)
    by_pod = cluster.arch_json("trace", f"pod/{pod}", "-n", namespace)

    assert_pod_fully_traced(by_owner)
    assert by_owner["pod"]["name"] == by_pod["pod"]["name"] == pod
    assert by_pod["stages"] == by_owner["stages"]


def test_a_pod_with_a_missing_image_is_stuck_at_images_pulled(cluster: LabCluster, namespace: str) -> None:
    pod = start_broken_pod(cluster, namespace)

    trace = cluster.arch_json("trace", f"pod/{pod}", "-n", namespace, codes=(0, 1))

    assert_stuck_pulling_image(trace)


def test_a_snapshot_replays_to_the_json_read_live(cluster: LabCluster, namespace: str, tmp_path: Path) -> None:
    pod = deploy_web(cluster, namespace)
    snapshot = str(tmp_path / "cluster.snapshot.json.gz")

    live_explain = cluster.arch_json("explain")
    live_trace = cluster.arch_json("trace", f"pod/{pod}", "-n", namespace)
    cluster.arch("snapshot", "-o", snapshot, "--trace", f"{namespace}/{pod}")

    def replay(*args: str) -> str:
        return cluster.arch_offline(*args, "-o", "json", "--snapshot", snapshot).stdout

    replayed_explain = replay("explain")
    assert replay("explain") == replayed_explain, "a snapshot replays to the same JSON every time"
    assert stable_explain_facts(json.loads(replayed_explain)) == stable_explain_facts(live_explain)
    # The pod has settled: its trace is made of recorded timestamps, so the replay is exactly the live trace.
    assert json.loads(replay("trace", f"pod/{pod}", "-n", namespace)) == live_trace
    replayed_audit = json.loads(cluster.arch_offline("audit", "-o", "json", "--snapshot", snapshot,
                                                     codes=(0, 1)).stdout)
    assert {f["check"] for f in replayed_audit["findings"]}, "audit runs from the snapshot alone"
