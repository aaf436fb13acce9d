"""The end-to-end expectations, checked here on every commit against the kind-ha sample.

The sample is laid out as kind lays out an HA cluster (3 stacked control-plane nodes, 2 workers,
kube-proxy in iptables mode), so the same functions the e2e suite applies to a real kind cluster must
hold on it. An expectation that misreads the JSON contracts fails here, not only on a machine with Docker.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, cli_environment
from tests.e2e.contract import (
    CONTROL_PLANE_CHECKS,
    Expected,
    assert_pod_fully_traced,
    assert_stuck_pulling_image,
    assert_topology,
    leader_nodes,
    stable_explain_facts,
    statuses,
)

KIND_HA_SAMPLE = Expected(control_planes=3, workers=2, proxy_mode="iptables")


def cli(home: Path, *args: str, codes: tuple[int, ...] = (0,)) -> str:
    """The real CLI's stdout for ARGS; fails the test on an exit code not in ``codes``."""
    done = subprocess.run([CLI, *args], env=cli_environment(home), capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode in codes, done.stderr
    return done.stdout


def on_kind_ha_sample(home: Path, *args: str, codes: tuple[int, ...] = (0,)) -> Any:
    """The real CLI's -o json for ARGS on the kind-ha sample."""
    return json.loads(cli(home, *args, "-o", "json", "--sample", "kind-ha", codes=codes))


@pytest.fixture(scope="module")
def explain(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return on_kind_ha_sample(tmp_path_factory.mktemp("home"), "explain")


def test_the_topology_expectations_hold_on_a_kind_ha_layout(explain: Any) -> None:
    assert_topology(explain, KIND_HA_SAMPLE)
    assert leader_nodes(explain) == {"kube-scheduler": ["kind-ha-control-plane2"],
                                     "kube-controller-manager": ["kind-ha-control-plane"]}


@pytest.mark.parametrize("wrong", [Expected(control_planes=3, workers=3, proxy_mode="iptables"),
                                   Expected(control_planes=1, workers=2, proxy_mode="iptables"),
                                   Expected(control_planes=3, workers=2, proxy_mode="nftables")])
def test_the_topology_expectations_catch_a_wrong_shape(explain: Any, wrong: Expected) -> None:
    with pytest.raises(AssertionError):
        assert_topology(explain, wrong)


def test_the_stable_facts_ignore_clocks_but_not_the_cluster_shape(explain: Any) -> None:
    later = copy.deepcopy(explain)
    for entry in later["components"]:
        for instance in entry["instances"]:
            instance["renewedSecondsAgo"] = 12.5  # what changes between two reads seconds apart
    assert stable_explain_facts(later) == stable_explain_facts(explain)

    shrunk = copy.deepcopy(explain)
    etcd = next(entry for entry in shrunk["components"] if entry["name"] == "etcd")
    etcd["replicas"], etcd["instances"] = 2, etcd["instances"][:2]
    assert stable_explain_facts(shrunk) != stable_explain_facts(explain)


def test_the_control_plane_checks_pass_on_a_healthy_kind_ha_layout(tmp_path: Path) -> None:
    audit = on_kind_ha_sample(tmp_path, "audit", codes=(0, 1))

    assert statuses(audit, CONTROL_PLANE_CHECKS) == {check: {"pass"} for check in CONTROL_PLANE_CHECKS}


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample's healthy Deployment pod (api, behind a Service) and its pod in ImagePullBackOff (cart)."""
    home = tmp_path_factory.mktemp("home")
    return {name: on_kind_ha_sample(home, "trace", f"deployment/{name}", "-n", "shop") for name in ("api", "cart")}


def test_the_trace_expectations_hold_on_a_healthy_and_a_stuck_pod(traces: dict[str, Any]) -> None:
    assert_pod_fully_traced(traces["api"])
    assert_stuck_pulling_image(traces["cart"])


def test_the_trace_expectations_tell_the_two_pods_apart(traces: dict[str, Any]) -> None:
    with pytest.raises(AssertionError):
        assert_pod_fully_traced(traces["cart"])
    with pytest.raises(AssertionError):
        assert_stuck_pulling_image(traces["api"])


def test_the_snapshot_replay_expectations_hold_on_a_snapshot_of_the_sample(
        explain: Any, traces: dict[str, Any], tmp_path: Path) -> None:
    pod = traces["api"]["pod"]["name"]
    snapshot = str(tmp_path / "kind-ha.snapshot.json.gz")
    cli(tmp_path, "snapshot", "-o", snapshot, "--sample", "kind-ha", "--trace", f"shop/{pod}")

    def replay(*args: str) -> Any:
        return json.loads(cli(tmp_path, *args, "-o", "json", "--snapshot", snapshot))

    assert stable_explain_facts(replay("explain")) == stable_explain_facts(explain)
    assert replay("trace", f"pod/{pod}", "-n", "shop") == traces["api"]
