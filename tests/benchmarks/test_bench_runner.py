"""The benchmark's own machinery: it measures what it claims, and judges the targets as issue 6 states them.

Nothing here is timed: the runner is run at a toy size to prove the numbers come from the right places,
and the target logic is fed measurements made up for the purpose.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from benchmarks import run
from benchmarks.measure import Measurement, ProcessUsage, run_measured
from benchmarks.report import check_targets, growth


def usage(seconds: float = 1.0, rss: float = 80.0, code: int = 0) -> ProcessUsage:
    return ProcessUsage(seconds=seconds, cpu_seconds=seconds, peak_rss_mb=rss, exit_code=code, stderr_tail="")


FAST_HELP = {"kubectl arch --help": ProcessUsage(0.05, 0.05, 20.0, 0, "")}


def measured(command: str, requests: dict[str, int], seconds: float = 1.0, rss: float = 80.0) -> Measurement:
    return Measurement(command, usage(seconds, rss), bytes_read=1_000, requests_by_key=Counter(requests))


def test_peak_rss_is_the_child_process_own() -> None:
    big = run_measured([sys.executable, "-c", "x = bytearray(150 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"],
                       {}, timeout=60)
    small = run_measured([sys.executable, "-c", "pass"], {}, timeout=60)
    assert big.exit_code == 0 and small.exit_code == 0
    assert big.peak_rss_mb > 150 > small.peak_rss_mb
    assert run_measured([sys.executable, "-c", "raise SystemExit(3)"], {}, timeout=60).exit_code == 3


def test_the_runner_measures_requests_bytes_and_memory_at_a_toy_size(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    run.main(["--sizes", "8,16", "--only", "trace", "--output", str(output)])
    text = output.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| 8 |") or line.startswith("| 16 |")]
    assert len(rows) == 2, text
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        wall, cpu, rss, requests, node_pages, megabytes, code = cells[2:]
        assert float(wall) > 0 and float(cpu) > 0 and float(rss) > 10
        assert int(requests) >= 2 and int(node_pages) == 0 and float(megabytes) >= 0.0 and code == "0"
    assert "trace makes at most 12 requests | met" in text
    assert "CPUs (`nproc`)" in text and "Python 3." in text


def test_growth_names_the_requests_that_grew() -> None:
    small = measured("kubectl-arch audit", {"/api/v1/nodes": 1, "/api/v1/namespaces/kube-system/pods": 1,
                                            "/version": 1})
    large = measured("kubectl-arch audit", {"/api/v1/nodes": 10, "/api/v1/namespaces/kube-system/pods": 21,
                                            "/version": 1})
    results = {100: [small], 5_000: [large]}
    assert growth(results) == ["- `kubectl-arch audit`: `/api/v1/namespaces/kube-system/pods` 1 → 21 requests"]
    target = next(t for t in check_targets(results, FAST_HELP) if "kubectl-arch audit`: requests" in t.name)
    assert not target.met and "2 → 22" in target.measured


def test_node_pages_alone_may_grow() -> None:
    results = {100: [measured("kubectl-arch explain", {"/api/v1/nodes": 1, "/version": 1})],
               5_000: [measured("kubectl-arch explain", {"/api/v1/nodes": 10, "/version": 1})]}
    target = next(t for t in check_targets(results, FAST_HELP) if "explain`: requests" in t.name)
    assert target.met
    assert growth(results) == []


def test_time_and_memory_targets_compare_against_kubectl() -> None:
    largest = [measured("kubectl-arch audit", {}, seconds=9.0, rss=120),
               measured("kubectl get nodes -o json", {}, seconds=3.5),
               measured("kubectl-arch audit --include-workloads", {}, seconds=40, rss=230),
               measured("kubectl get pods -A -o json", {}, seconds=30)]
    verdicts = {t.name: t.met for t in check_targets({5_000: largest}, {"kubectl arch --help": usage(0.2)})}
    assert verdicts["`kubectl-arch audit` ≤ 3× `kubectl get nodes -o json`"] is True
    assert verdicts["`kubectl-arch audit --include-workloads` ≤ 1× `kubectl get pods -A -o json`"] is False
    assert verdicts["`kubectl-arch audit`: peak RSS < 200 MB"] is True
    assert verdicts["`kubectl-arch audit --include-workloads`: peak RSS < 200 MB"] is False
    assert verdicts["`kubectl arch --help` < 150 ms"] is False
