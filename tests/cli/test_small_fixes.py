"""The small kubectl habits: `snapshot -o -` streams to stdout (and `--snapshot -` reads stdin), a sample's
contents are listed by `samples NAME` with trace commands that work, and a sample's missing pod points there."""

from __future__ import annotations

import json
import shlex
import subprocess

import pytest

from kubectl_arch.collect.sample_source import sample_names
from tests.cli.conftest import Arch
from tests.conftest import CLI, cli_environment


def test_snapshot_to_stdout_replays_from_stdin(tmp_path: object) -> None:
    from pathlib import Path

    env = cli_environment(Path(str(tmp_path)))
    taken = subprocess.run([CLI, "snapshot", "-o", "-", "--sample", "kind-ha"], capture_output=True, env=env,
                           timeout=120, check=False)
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout[:2] == b"\x1f\x8b" and b"wrote stdout" in taken.stderr
    assert not (Path(str(tmp_path)) / "-").exists()
    replayed = subprocess.run([CLI, "explain", "--snapshot", "-", "-o", "json"], input=taken.stdout,
                              capture_output=True, env=env, timeout=120, check=False)
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout)["cluster"]["version"] == "v1.32.2"


@pytest.mark.parametrize("sample", sample_names())
def test_samples_name_lists_what_is_inside_and_its_trace_commands_work(arch: Arch, sample: str) -> None:
    """Every sample (openshift suggested `trace node/master-0` for its static pods, which trace refuses)."""
    code, out, err = arch(["samples", sample])
    assert code == 0, err
    for heading in ("Nodes (", "Namespaces (", "Pods in "):
        assert heading in out
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("kubectl arch trace ")]
    for command in commands:
        code, _, err = arch(shlex.split(command)[2:])
        assert code == 0, f"{command}: {err}"


def test_samples_kind_ha_shows_the_shop_scenarios(arch: Arch) -> None:
    _, out, _ = arch(["samples", "kind-ha"])
    for state in ("ImagePullBackOff", "CrashLoopBackOff", "Pending"):
        assert state in out
    assert "kubectl arch trace deployment/cart -n shop --sample kind-ha" in out


def test_an_unknown_sample_is_a_usage_error(arch: Arch) -> None:
    code, _, err = arch(["samples", "nope"])
    assert code == 2 and "no sample named 'nope'" in err


def test_a_missing_pod_of_a_sample_points_at_samples_name(arch: Arch) -> None:
    code, _, err = arch(["trace", "pod", "nope", "-n", "shop", "--sample", "kind-ha"])
    assert code == 4 and "`kubectl arch samples kind-ha`" in err
