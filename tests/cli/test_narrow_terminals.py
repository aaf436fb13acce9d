"""At a narrow terminal nothing a user acts on is cut silently: trace's stuck row keeps its "<- stuck" mark and
its header its time scale, and explain's tables keep every component's name and HEALTH whole."""

from __future__ import annotations

import json

import pytest

from kubectl_arch.collect.sample_source import sample_names
from tests.cli.conftest import Arch

WIDTHS = (60, 80)
STUCK_TRACES = [
    ["deployment/cart", "-n", "shop", "--sample", "kind-ha"],
    ["deployment/payments", "-n", "shop", "--sample", "kind-ha"],
    ["deployment/notify", "-n", "shop", "--sample", "kind-ha"],
    ["deployment/checkout", "-n", "payments", "--sample", "kubeadm-degraded"],
]


def timeline(arch: Arch, target: list[str], width: int) -> list[str]:
    """The header and the stage rows of trace's timeline at ``width`` columns."""
    code, out, err = arch(["trace", *target], env={"COLUMNS": str(width)})
    assert code == 0, err
    lines = out.splitlines()
    start = next(index for index, line in enumerate(lines) if line.lstrip().startswith("STAGE"))
    end = next(index for index, line in enumerate(lines) if line.startswith("~ approximate"))
    return lines[start:end]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("target", STUCK_TRACES, ids=lambda target: target[0])
def test_trace_stuck_row_keeps_its_mark(arch: Arch, target: list[str], width: int) -> None:
    rows = timeline(arch, target, width)
    stuck = [row for row in rows if row.startswith("> ")]
    assert len(stuck) == 1, rows
    assert stuck[0].endswith(" <- stuck"), stuck[0]
    assert all(len(row) <= width for row in rows), rows


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("target", STUCK_TRACES, ids=lambda target: target[0])
def test_trace_time_scale_is_whole_or_absent(arch: Arch, target: list[str], width: int) -> None:
    """The scale's total is the one a wide terminal shows, or no scale at all (no bars), never a cut one."""
    total = timeline(arch, target, 200)[0].split()[-1]
    header = timeline(arch, target, width)[0]
    assert header.split()[-1] in (total, "TOOK"), header


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("sample", sample_names())
def test_explain_component_rows_keep_name_and_health(arch: Arch, sample: str, width: int) -> None:
    code, out, err = arch(["explain", "--sample", sample, "-o", "json"])
    assert code == 0, err
    components = json.loads(out)["components"]
    code, out, err = arch(["explain", "--sample", sample], env={"COLUMNS": str(width)})
    assert code == 0, err
    lines = out.splitlines()
    for component in components:
        health = "unknown" if component["unknown"] else component["health"]
        rows = [line for line in lines if line.split()[:1] == [component["name"]] and len(line.split()) > 1]
        assert rows, f"{component['name']} is not named whole at {width} columns"
        assert any(health in line.split()[1:] for line in rows), (health, rows)
