"""`kubectl arch lab up|down|status`, run as the real CLI against stand-in kind and docker executables."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.golden import assert_golden
from tests.lab.conftest import StandIns

REPO = Path(__file__).resolve().parents[2]
LabRunner = Callable[..., CliResult]


@pytest.fixture
def ready(stand_ins: StandIns) -> StandIns:
    """Docker running and kind installed: the machine can build a lab."""
    stand_ins.install_docker()
    stand_ins.install_kind()
    return stand_ins


def test_up_creates_the_cluster_from_the_packaged_config_and_prints_what_to_try(
        run_lab: LabRunner, ready: StandIns) -> None:
    code, out, err = run_lab("up", "--topology", "ha")

    assert code == 0, err
    calls = ready.kind_calls()
    assert calls[0]["args"] == ["get", "clusters"]
    create = calls[1]
    args = create["args"]
    assert isinstance(args, list)
    assert args[:4] == ["create", "cluster", "--name", "arch-ha"]
    assert args[args.index("--wait") + 1] == "5m"
    assert "--kubeconfig" not in args  # kind's default: $KUBECONFIG or ~/.kube/config
    assert create["config"] == (REPO / "kind-configs" / "ha.yaml").read_text()
    assert ready.clusters() == ["arch-ha"]
    assert "Create cluster 'arch-ha'" in err  # kind's progress reaches the user, on stderr
    assert "Lab cluster arch-ha is up" in out
    for command in ("kubectl arch explain --context kind-arch-ha",
                    "kubectl arch explain --what-if --context kind-arch-ha",
                    "kubectl arch audit --context kind-arch-ha",
                    "kubectl arch trace deployment/web --context kind-arch-ha",
                    "kubectl arch lab down --topology ha"):
        assert command in out


def test_up_passes_name_kubeconfig_and_wait_through_and_the_guide_repeats_them(
        run_lab: LabRunner, ready: StandIns, tmp_path: Path) -> None:
    kubeconfig = str(tmp_path / "lab kubeconfig")  # a space: every printed command must still paste
    code, out, err = run_lab("up", "--topology", "nftables", "--name", "mylab", "--kubeconfig", kubeconfig,
                             "--wait", "90s")

    assert code == 0, err
    args = ready.kind_calls()[1]["args"]
    assert args == ["create", "cluster", "--name", "mylab", "--config", args[5], "--wait", "90s",
                    "--kubeconfig", kubeconfig]
    assert ready.kind_calls()[1]["config"] == (REPO / "kind-configs" / "nftables.yaml").read_text()
    assert f"kubectl arch explain kube-proxy --context kind-mylab --kubeconfig '{kubeconfig}'" in out
    assert f"kubectl arch lab down --topology nftables --name mylab --kubeconfig '{kubeconfig}'" in out


def test_up_keeps_an_existing_cluster_and_still_guides(run_lab: LabRunner, ready: StandIns) -> None:
    ready.set_clusters("arch-single")

    code, out, err = run_lab("up")

    assert code == 0, err
    assert [c["args"] for c in ready.kind_calls()] == [
        ["get", "clusters"], ["export", "kubeconfig", "--name", "arch-single"]]  # the context, written again
    assert "Lab cluster arch-single already exists" in out
    assert "kubectl arch explain --context kind-arch-single" in out


def test_the_guide_after_up_reads_as_pinned(run_lab: LabRunner, ready: StandIns) -> None:
    code, out, err = run_lab("up", "--topology", "single")

    assert code == 0, err
    assert_golden("lab-up-single.txt", out)


def test_kind_failing_to_create_is_one_line_exit_3_after_kinds_own_message(
        run_lab: LabRunner, ready: StandIns) -> None:
    ready.fail_kind("create")

    code, out, err = run_lab("up", "--topology", "ipvs")

    assert code == 3
    assert out == ""
    assert "ERROR: failed to create cluster: stand-in failure" in err
    assert err.splitlines()[-1] == ("error: kind could not create cluster arch-ipvs (exit 1); "
                                    "kind's own messages are above")


@pytest.mark.parametrize("command", [["up"], ["down"]])
def test_missing_kind_is_one_line_naming_it_with_where_to_get_it_exit_3(
        run_lab: LabRunner, stand_ins: StandIns, command: list[str]) -> None:
    stand_ins.install_docker()

    code, out, err = run_lab(*command)

    assert (code, out) == (3, "")
    assert err.count("\n") == 1
    assert err == ("error: the lab needs Docker and kind: kind is not installed; "
                   "install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation\n")
    assert stand_ins.docker_calls() == ["['info', '--format', '{{.ServerVersion}}']"]


@pytest.mark.parametrize("output", ["text", "json"])
def test_status_describes_the_topologies_without_docker_or_kind(run_lab: LabRunner, stand_ins: StandIns,
                                                                output: str) -> None:
    code, out, err = run_lab("status", *(["-o", "json"] if output == "json" else []))

    assert code == 3
    assert err.startswith("error: the lab needs Docker and kind: Docker is not installed and kind is not installed")
    if output == "json":
        assert {lab["topology"]: lab["exists"] for lab in json.loads(out)["labs"]} == {
            "single": None, "ha": None, "ipvs": None, "nftables": None}
    else:
        assert "ha          arch-ha        unknown  3 control-plane nodes" in out
        assert "No lab cluster yet" not in out


def test_up_help_describes_each_topology_without_docker(run_lab: LabRunner, stand_ins: StandIns) -> None:
    code, out, _ = run_lab("up", "--help")

    assert code == 0
    flat = " ".join(out.split())
    for topology in ("single: one node", "ha: 3 control-plane nodes", "ipvs:", "nftables:"):
        assert topology in flat


def test_missing_docker_is_one_line_naming_it_and_kind_is_never_run(
        run_lab: LabRunner, stand_ins: StandIns) -> None:
    stand_ins.install_kind()

    code, out, err = run_lab("up", "--topology", "ha")

    assert (code, out) == (3, "")
    assert err == ("error: the lab needs Docker and kind: Docker is not installed; "
                   "install Docker: https://docs.docker.com/get-started/get-docker/\n")
    assert stand_ins.kind_calls() == []


def test_docker_not_running_says_so_with_dockers_reason(run_lab: LabRunner, stand_ins: StandIns) -> None:
    stand_ins.install_docker(running=False)
    stand_ins.install_kind()

    code, _, err = run_lab("status")

    assert code == 3
    assert err.count("\n") == 1
    assert err.startswith("error: the lab needs Docker and kind: Docker is not running (`docker info`: "
                          "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.")
    assert "start the Docker daemon" in err
    assert stand_ins.kind_calls() == []


def test_docker_refusing_the_user_says_how_to_get_access(run_lab: LabRunner, stand_ins: StandIns) -> None:
    stand_ins.install_docker(running=False, error="permission denied while trying to connect to the Docker daemon "
                                                  "socket at unix:///var/run/docker.sock")
    stand_ins.install_kind()

    code, _, err = run_lab("up")

    assert code == 3
    assert err.startswith("error: the lab needs Docker and kind: Docker refused this user (`docker info`: "
                          "permission denied while trying")
    assert err.rstrip().endswith("add it to the docker group) or use rootless Docker")


def test_neither_tool_installed_names_both_in_one_line(run_lab: LabRunner) -> None:
    code, _, err = run_lab("up")

    assert code == 3
    assert err.count("\n") == 1
    assert "Docker is not installed and kind is not installed" in err


def test_another_kind_provider_needs_no_docker(run_lab: LabRunner, stand_ins: StandIns) -> None:
    stand_ins.install_kind()

    code, _, err = run_lab("up", env={"KIND_EXPERIMENTAL_PROVIDER": "podman"})

    assert code == 0, err
    assert stand_ins.clusters() == ["arch-single"]
    assert stand_ins.docker_calls() == []


def test_down_deletes_the_named_lab_cluster(run_lab: LabRunner, ready: StandIns) -> None:
    ready.set_clusters("arch-ha", "arch-single")

    code, out, err = run_lab("down", "--topology", "ha")

    assert code == 0, err
    assert ready.kind_calls()[-1]["args"] == ["delete", "cluster", "--name", "arch-ha"]
    assert ready.clusters() == ["arch-single"]
    assert out == "deleted lab cluster arch-ha\n"


def test_down_of_a_cluster_that_is_not_there_exits_4_and_lists_the_labs(run_lab: LabRunner, ready: StandIns) -> None:
    ready.set_clusters("arch-ha", "someone-elses")

    code, out, err = run_lab("down", "--topology", "nftables")

    assert (code, out) == (4, "")
    assert err == "error: there is no kind cluster named arch-nftables; lab clusters here: arch-ha\n"
    assert [c["args"] for c in ready.kind_calls()] == [["get", "clusters"]]


def test_down_all_deletes_only_lab_clusters(run_lab: LabRunner, ready: StandIns) -> None:
    ready.set_clusters("arch-ha", "someone-elses", "arch-nftables")

    code, out, err = run_lab("down", "--all")

    assert code == 0, err
    assert ready.clusters() == ["someone-elses"]
    assert out.splitlines() == ["deleted lab cluster arch-ha", "deleted lab cluster arch-nftables"]


def test_status_lists_every_topology_and_the_other_kind_clusters(run_lab: LabRunner, ready: StandIns) -> None:
    ready.set_clusters("arch-ha", "dev")

    code, out, err = run_lab("status")

    assert code == 0, err
    assert_golden("lab-status.txt", out)


def test_status_as_json(run_lab: LabRunner, ready: StandIns) -> None:
    ready.set_clusters("arch-nftables", "dev")

    code, out, err = run_lab("status", "-o", "json")

    assert code == 0, err
    data = json.loads(out)
    assert {lab["topology"]: lab["exists"] for lab in data["labs"]} == {
        "single": False, "ha": False, "ipvs": False, "nftables": True}
    assert {lab["context"] for lab in data["labs"]} == {
        "kind-arch-single", "kind-arch-ha", "kind-arch-ipvs", "kind-arch-nftables"}
    assert data["otherKindClusters"] == ["dev"]


def test_status_with_no_cluster_says_how_to_build_one(run_lab: LabRunner, ready: StandIns) -> None:
    code, out, _ = run_lab("status")

    assert code == 0
    assert "No lab cluster yet. Build one: kubectl arch lab up --topology single" in out


def test_an_unknown_topology_is_a_usage_error(run_lab: LabRunner, ready: StandIns) -> None:
    code, _, err = run_lab("up", "--topology", "huge")

    assert code == 2
    assert "'huge' is not one of 'single', 'ha', 'ipvs', 'nftables'" in err
    assert ready.kind_calls() == []


@pytest.mark.parametrize("topology", ["single", "ha", "ipvs", "nftables"])
def test_every_topology_guides_to_explain_what_if_audit_and_trace(run_lab: LabRunner, ready: StandIns,
                                                                  topology: str) -> None:
    code, out, err = run_lab("up", "--topology", topology)

    assert code == 0, err
    flags = f"--context kind-arch-{topology}"
    for command in ("kubectl arch explain", "kubectl arch explain --what-if", "kubectl arch audit",
                    "kubectl arch trace deployment/web", "kubectl arch trace pod/broken"):
        assert any(line.strip().startswith(command) and line.rstrip().endswith(flags) for line in out.splitlines()), (
            command, out)
