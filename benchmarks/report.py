"""benchmarks/RESULTS.md: the machine, one table of every measurement, and issue 6's targets judged.

When a command's requests grow with the cluster, the report lists which requests grew, so the cause is
on the page rather than left to guess.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import platform
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import NODES_PATH, Measurement, ProcessUsage

Results = Mapping[int, Sequence[Measurement]]
CONSTANT_REQUESTS = ("kubectl-arch explain", "kubectl-arch audit", "kubectl-arch trace pod")
MAX_TRACE_REQUESTS = 12
MAX_RSS_MB = 200.0
MAX_HELP_SECONDS = 0.150
TIME_RATIOS = (("kubectl-arch audit", "kubectl get nodes -o json", 3.0),
               ("kubectl-arch audit --include-workloads", "kubectl get pods -A -o json", 1.0))


@dataclass(frozen=True)
class Target:
    name: str
    met: bool
    measured: str


def machine() -> str:
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return (f"{len(os.sched_getaffinity(0))} CPUs (`nproc`), {memory} memory, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, kubectl {kubectl_version()}")


def kubectl_version() -> str:
    kubectl = shutil.which("kubectl")
    if not kubectl:
        return "not installed"
    done = subprocess.run([kubectl, "version", "--client", "-o", "json"], capture_output=True, text=True, check=False)
    try:
        return str(json.loads(done.stdout)["clientVersion"]["gitVersion"])
    except (ValueError, KeyError):
        return "unknown"


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def table(results: Results) -> str:
    lines = ["| nodes | command | wall s | CPU s | peak RSS MB | requests | node pages | MB read | exit |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for nodes, measurements in results.items():
        for m in measurements:
            lines.append(f"| {nodes:,} | `{m.command}` | {m.usage.seconds:.2f} | {m.usage.cpu_seconds:.2f} | "
                         f"{m.usage.peak_rss_mb:.0f} | {m.requests} | {m.node_requests} | {m.bytes_read / 1e6:.1f} | "
                         f"{m.usage.exit_code} |")
    return "\n".join(lines)


def _find(measurements: Sequence[Measurement], command: str) -> Measurement | None:
    return next((m for m in measurements if m.command == command and m.completed), None)


def check_targets(results: Results, help_usages: Mapping[str, ProcessUsage]) -> list[Target]:
    """Issue 6's targets at the largest size; request growth is judged across all sizes."""
    largest = results[max(results)]
    targets = [_constant_requests(results, command) for command in CONSTANT_REQUESTS]
    trace = _find(largest, "kubectl-arch trace pod")
    targets.append(Target(f"trace makes at most {MAX_TRACE_REQUESTS} requests",
                          trace is not None and trace.requests <= MAX_TRACE_REQUESTS,
                          f"{trace.requests} requests" if trace else "did not complete"))
    for m in largest:
        if m.command.startswith("kubectl-arch"):
            measured = (f"{m.usage.peak_rss_mb:.0f} MB" if m.completed
                        else f"exit {m.usage.exit_code}: {m.usage.stderr_tail}")
            targets.append(Target(f"`{m.command}`: peak RSS < {MAX_RSS_MB:.0f} MB",
                                  m.completed and m.usage.peak_rss_mb < MAX_RSS_MB, measured))
    for ours, reference, factor in TIME_RATIOS:
        a, b = _find(largest, ours), _find(largest, reference)
        if a and b:
            ratio, cpu_ratio = a.usage.seconds / b.usage.seconds, a.usage.cpu_seconds / b.usage.cpu_seconds
            targets.append(Target(f"`{ours}` ≤ {factor:g}× `{reference}`", ratio <= factor,
                                  f"{a.usage.seconds:.2f} s vs {b.usage.seconds:.2f} s ({ratio:.2f}×); "
                                  f"CPU {cpu_ratio:.2f}×"))
        elif not a:
            targets.append(Target(f"`{ours}` ≤ {factor:g}× `{reference}`", False, "did not complete"))
    # Judged as users type it (through kubectl) when kubectl is there, else the plugin alone.
    label = "kubectl arch --help" if "kubectl arch --help" in help_usages else "kubectl-arch --help"
    if label in help_usages:
        usage = help_usages[label]
        targets.append(Target(f"`{label}` < {MAX_HELP_SECONDS * 1000:.0f} ms", usage.seconds < MAX_HELP_SECONDS,
                              f"{usage.seconds * 1000:.0f} ms wall, {usage.cpu_seconds * 1000:.0f} ms CPU"))
    return targets


def _constant_requests(results: Results, command: str) -> Target:
    found = [_find(measurements, command) for measurements in results.values()]
    name = f"`{command}`: requests other than node pages do not grow with the cluster"
    if len(found) < 2:
        return Target(name, False, "needs at least two sizes")
    if any(m is None for m in found):
        return Target(name, False, "did not complete at every size")
    counts = [m.requests - m.node_requests for m in found if m]
    # Growth is what the target forbids; a request a small cluster makes and a big one skips (explain lists
    # per-node DaemonSet pods only up to 250 nodes) is not growth.
    never_grows = all(later <= earlier for earlier, later in itertools.pairwise(counts))
    return Target(name, never_grows, " → ".join(map(str, counts)) + " requests (" +
                  " → ".join(f"{n:,}" for n in results) + " nodes)")


def growth(results: Results) -> list[str]:
    """For each command whose requests grew, the requests that grew between the smallest and largest size."""
    smallest, largest = results[min(results)], results[max(results)]
    lines: list[str] = []
    for command in CONSTANT_REQUESTS:
        small, large = _find(smallest, command), _find(largest, command)
        if not small or not large or large.requests - large.node_requests == small.requests - small.node_requests:
            continue
        grew = [(key, small.requests_by_key.get(key, 0), count) for key, count in large.requests_by_key.items()
                if key != NODES_PATH and count > small.requests_by_key.get(key, 0)]
        lines += [f"- `{command}`: `{key}` {before} → {after} requests" for key, before, after in sorted(grew)]
    return lines


def render(results: Results, help_usages: Mapping[str, ProcessUsage], started: dt.datetime,
           loads: Sequence[str]) -> str:
    targets = check_targets(results, help_usages)
    grew = growth(results)
    return "\n".join([
        "# Benchmark results",
        "",
        f"Run {started:%Y-%m-%d %H:%M} UTC with `make bench` (benchmarks/run.py) on {machine()}.",
        f"Load average (1/5/15 min) before each size: {'; '.join(loads)}: other work on the machine slows the",
        "wall clock of every command alike; CPU seconds (user + system of that process alone) do not depend on it.",
        "",
        "Synthetic kubeadm HA clusters (benchmarks/generate.py: 3 control-plane nodes with static pods,",
        "kube-proxy and kindnet DaemonSets, CoreDNS, 30 pods per node, 2 Services per node, rollout events) are",
        "generated page by page and served over HTTPS by the test API server. Every command is its own process",
        "with the same kubeconfig; peak RSS is that process's `wait4` rusage, requests are those the server",
        "recorded, MB read are the body bytes it sent. kubectl ran with a warm discovery cache.",
        "",
        table(results),
        "",
        *[f"`{label}`: {u.seconds * 1000:.0f} ms wall, {u.cpu_seconds * 1000:.0f} ms CPU (median of runs)  "
          for label, u in help_usages.items()],
        "",
        f"## Targets (issue 6) at {max(results):,} nodes",
        "",
        "| target | result | measured |",
        "|---|---|---|",
        *[f"| {t.name} | {'met' if t.met else '**missed**'} | {t.measured} |" for t in targets],
        "",
        *(["## Requests that grew with the cluster", "", *grew, ""] if grew else []),
        *(["Causes and fixes of missed targets, from profiling: benchmarks/FINDINGS.md.", ""]
          if not all(t.met for t in targets) else []),
    ])
