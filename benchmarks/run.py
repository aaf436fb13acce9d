"""Benchmark kubectl-arch against synthetic clusters of 100, 1,000 and 5,000 nodes, beside real kubectl.

Each size is served lazily (benchmarks/generate.py) by the test API server (tests/harness/apiserver.py)
over real HTTPS; every command runs as its own process with the same kubeconfig and is measured the
same way (benchmarks/measure.py). The table and issue 6's targets go to benchmarks/RESULTS.md
(benchmarks/report.py) and are printed. Exit status 1 when a target is missed.

    python benchmarks/run.py [--sizes 100,1000,5000] [--output FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `tests` importable
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import SyntheticCluster  # noqa: E402
from benchmarks.measure import CountingBackend, Measurement, ProcessUsage, measurement, run_measured  # noqa: E402
from benchmarks.report import check_targets, load_average, render  # noqa: E402

DEFAULT_SIZES = (100, 1_000, 5_000)
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HELP_RUNS = 9
COMMAND_TIMEOUT = 1_200.0  # seconds; a command slower than this is killed and reported as failed


def kubectl_arch() -> str:
    beside = Path(sys.executable).parent / "kubectl-arch"
    return str(beside) if beside.exists() else shutil.which("kubectl-arch") or "kubectl-arch"


def commands(cluster: SyntheticCluster, workdir: Path) -> list[tuple[str, list[str]]]:
    """(label, argv without cluster flags) of every command measured, kubectl's last."""
    namespace, pod = cluster.trace_target()
    arch = kubectl_arch()
    measured = [
        ("kubectl-arch explain", [arch, "explain"]),
        ("kubectl-arch audit", [arch, "audit"]),
        ("kubectl-arch audit --include-workloads", [arch, "audit", "--include-workloads"]),
        ("kubectl-arch trace pod", [arch, "trace", "pod", pod, "-n", namespace]),
        ("kubectl-arch snapshot", [arch, "snapshot", "-o", str(workdir / f"snapshot-{cluster.nodes}.json.gz")]),
    ]
    kubectl = shutil.which("kubectl")
    if kubectl:
        measured += [("kubectl get nodes -o json", [kubectl, "get", "nodes", "-o", "json"]),
                     ("kubectl get pods -A -o json", [kubectl, "get", "pods", "-A", "-o", "json"])]
    return measured


def bench_size(nodes: int, workdir: Path, only: Sequence[str] = ()) -> list[Measurement]:
    """Serve a cluster of ``nodes`` nodes and measure every command (or those labelled with ``only``), one at a
    time."""
    from tests.harness.apiserver import ApiServer
    from tests.harness.kubeconfig import kubeconfig_for_server

    cluster = SyntheticCluster(nodes, now=dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    backend = CountingBackend(cluster.store())
    home = workdir / f"home-{nodes}"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST")}
    env.update({"HOME": str(home), "NO_COLOR": "1", "COLUMNS": "120"})
    print(f"{nodes:,} nodes: {cluster.sizes['Pod']:,} pods, {cluster.sizes['Service']:,} services, "
          f"{cluster.sizes['Event']:,} events (load average {load_average()})", flush=True)
    results: list[Measurement] = []
    with ApiServer(backend) as server:
        flags = ["--kubeconfig", str(kubeconfig_for_server(server, home / "kubeconfig"))]
        kubectl = shutil.which("kubectl")
        if kubectl:  # warm kubectl's discovery cache first, as a user's would be
            subprocess.run([kubectl, "api-resources", *flags], env=env, capture_output=True, check=False)
        for label, argv in commands(cluster, workdir):
            if only and not any(word in label for word in only):
                continue
            server.clear_requests()
            backend.reset()
            usage = run_measured([*argv, *flags], env, COMMAND_TIMEOUT)
            results.append(measurement(label, usage, backend.bytes_sent, server.requests))
            _print(results[-1])
    return results


def _print(m: Measurement) -> None:
    status = "ok" if m.completed else f"exit {m.usage.exit_code}: {m.usage.stderr_tail}"
    print(f"  {m.command:<40} {m.usage.seconds:8.2f} s {m.usage.cpu_seconds:7.2f} s CPU {m.usage.peak_rss_mb:7.0f} MB "
          f"{m.requests:5d} req {m.bytes_read / 1e6:8.1f} MB read  {status}", flush=True)


def help_usage(argv: Sequence[str], env: Mapping[str, str]) -> ProcessUsage:
    """The median run of ``argv`` (after one warm-up), by wall time."""
    run_measured(argv, env, COMMAND_TIMEOUT)
    runs = sorted((run_measured(argv, env, COMMAND_TIMEOUT) for _ in range(HELP_RUNS)), key=lambda u: u.seconds)
    return runs[len(runs) // 2]


def help_usages(home: str) -> dict[str, ProcessUsage]:
    """``--help`` run directly and, when kubectl is installed, as the plugin (kubectl finds it on PATH)."""
    arch = kubectl_arch()
    env = {**os.environ, "HOME": home, "PATH": f"{Path(arch).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    usages = {"kubectl-arch --help": help_usage([arch, "--help"], env)}
    kubectl = shutil.which("kubectl")
    if kubectl:
        usages["kubectl arch --help"] = help_usage([kubectl, "arch", "--help"], env)
    return usages


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark kubectl-arch beside kubectl on synthetic clusters.")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated node counts (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the Markdown report")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="measure only the commands whose label contains TEXT (repeatable), e.g. 'audit'")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    started = dt.datetime.now(dt.timezone.utc)
    results: dict[int, list[Measurement]] = {}
    loads: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kubectl-arch-bench-") as tmp:
        workdir = Path(tmp)
        for nodes in sizes:
            loads.append(f"{nodes:,} nodes {load_average()}")
            results[nodes] = bench_size(nodes, workdir, args.only)
        usages = help_usages(tmp)
    text = render(results, usages, started, loads)
    args.output.write_text(text)
    print()
    print(text)
    return 0 if all(t.met for t in check_targets(results, usages)) else 1


if __name__ == "__main__":
    sys.exit(main())
