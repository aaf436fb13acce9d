"""Benchmark kubectl-arch beside kubectl on synthetic clusters of 10 to 65,000 nodes, at 0 and 100 ms latency.

Each size is served lazily (benchmarks/generate.py, 30 pods per node) by the test API server
(tests/harness/apiserver.py) over real HTTPS, with the latency injected per request at the server. Every
command runs as its own process with the same kubeconfig and is measured the same way
(benchmarks/measure.py): wall, CPU, peak RSS, requests, round trips, bytes, time to the first request.
explain's and audit's findings are checked against the generator's truth (benchmarks/truth.py), and real
kubectl checks the served data once per size. ``--all-contexts`` is measured over 10 clusters. The table
and issue 15's targets go to benchmarks/RESULTS.md (benchmarks/report.py). Exit status 1 when a target
is missed.

    python benchmarks/run.py [--sizes 10,100,1000,5000,65000] [--latencies 0,100] [--output FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `benchmarks` and `tests` importable
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import SyntheticCluster  # noqa: E402
from benchmarks.install import Product, environment_executable, install_product  # noqa: E402
from benchmarks.measure import (  # noqa: E402
    CountingBackend,
    Measurement,
    ProcessUsage,
    measurement,
    representative,
    run_measured,
)
from benchmarks.report import (  # noqa: E402
    ALL_CONTEXTS,
    CONTEXTS,
    FLOOR,
    KUBECTL_PLUGIN_BASELINE,
    ONE_CONTEXT,
    SMALL_SIZES,
    check_targets,
    load_average,
    render,
)
from benchmarks.truth import CHECKERS, check_with_kubectl  # noqa: E402

DEFAULT_SIZES = (10, 100, 1_000, 5_000, 65_000)
DEFAULT_LATENCIES_MS = (0, 100)
CONTEXT_NODES = 100  # --all-contexts: CONTEXTS clusters of this many nodes each, at the highest latency measured
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
HELP_RUNS = 9
QUICK_RUNS = 5  # runs of each command where one takes about a second or less: the row shows the median
QUICK_UP_TO = 1_000  # nodes; bigger clusters run each command once (kubectl alone takes minutes at 65,000)
COMMAND_TIMEOUT = 1_800.0  # seconds; a command slower than this is killed and reported as failed

Results = dict[tuple[int, int], list[Measurement]]


PRODUCT: list[Product] = []  # the copy timed, once main has installed it


def kubectl_arch() -> str:
    return PRODUCT[0].executable if PRODUCT else environment_executable()


def audit_flags(env: Mapping[str, str]) -> list[str]:
    """``--window 0`` where audit has that flag (a second metrics read after a wait is not speed)."""
    done = subprocess.run([kubectl_arch(), "audit", "--help"], capture_output=True, text=True, env=dict(env),
                          check=False)
    return ["--window", "0"] if "--window" in done.stdout else []


def product_python() -> str:
    """The Python of the copy timed: the floor runs on the same interpreter and modules."""
    return str(Path(PRODUCT[0].bin_dir) / "python") if PRODUCT else sys.executable


def commands(cluster: SyntheticCluster, audit_extra: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(label, argv without cluster flags) of every command measured, kubectl's last."""
    namespace, pod = cluster.trace_target()
    arch = kubectl_arch()
    measured = [
        ("kubectl-arch explain", [arch, "explain"]),
        # --window 0: the default window is 10 s of waiting between two scrapes, not work to measure.
        ("kubectl-arch audit", [arch, "audit", "-o", "json", "--window", "0", *audit_extra]),
        ("kubectl-arch trace pod", [arch, "trace", "pod", pod, "-n", namespace]),
    ]
    if cluster.nodes in SMALL_SIZES:  # where the 3x targets meet start-up: the part that is not ours
        measured.append((FLOOR, [product_python(), str(ROOT / "benchmarks" / "floor.py")]))
    kubectl = shutil.which("kubectl")
    if kubectl:
        measured.append(("kubectl get nodes -o json", [kubectl, "get", "nodes", "-o", "json"]))
    return measured


def environment(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST")}
    env.update({"HOME": str(home), "NO_COLOR": "1", "COLUMNS": "120"})
    return env


def bench_size(nodes: int, latencies_ms: Sequence[int], workdir: Path, only: Sequence[str]) -> Results:
    """Serve a cluster of ``nodes`` nodes and measure every command at each latency, one at a time."""
    from tests.harness.apiserver import ApiServer
    from tests.harness.kubeconfig import kubeconfig_for_server

    cluster = SyntheticCluster(nodes, now=dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    backend = CountingBackend(cluster.store(), generated_at=cluster.now)
    env = environment(workdir / f"home-{nodes}")
    print(f"{nodes:,} nodes: {cluster.sizes['Pod']:,} pods, {cluster.sizes['Service']:,} services, "
          f"{cluster.sizes['Event']:,} events (load average {load_average()})", flush=True)
    results: Results = {}
    with ApiServer(backend) as server:
        flags = ["--kubeconfig", str(kubeconfig_for_server(server, workdir / f"home-{nodes}" / "kubeconfig"))]
        kubectl = shutil.which("kubectl")
        if kubectl:  # warm kubectl's discovery cache first, as a user's would be
            subprocess.run([kubectl, "api-resources", *flags], env=env, capture_output=True, check=False)
        verdict = check_with_kubectl(flags, cluster, env)
        print(f"  served data checked by kubectl: {verdict}", flush=True)
        results_note[nodes] = verdict
        audit_extra = audit_flags(env)
        for latency in latencies_ms:
            backend.latency = latency / 1000
            runs: list[Measurement] = []
            for label, argv in commands(cluster, audit_extra):
                if only and not any(word in label for word in only):
                    continue
                check = truth_check(label, cluster)
                runs.append(representative([_run(label, [*argv, *flags], env, server, backend, latency, workdir,
                                                 check) for _ in range(runs_per_command(nodes))]))
            results[(nodes, latency)] = runs
    return results


results_note: dict[int, str] = {}


def truth_check(label: str, cluster: SyntheticCluster) -> Callable[[str], str]:
    """What checks a command's output against the generator: "" (not checked) where no checker exists."""
    checker = CHECKERS.get(label)
    return (lambda text: checker(text, cluster)) if checker else (lambda text: "")


def runs_per_command(nodes: int) -> int:
    """Several runs where each is short, so a row is a median and not one second's luck; one where it is long."""
    return QUICK_RUNS if nodes <= QUICK_UP_TO else 1


def _run(label: str, argv: list[str], env: Mapping[str, str], server: Any, backend: CountingBackend, latency: int,
         workdir: Path, check: Callable[[str], str]) -> Measurement:
    server.clear_requests()
    backend.reset()
    out = workdir / "stdout"
    with out.open("wb") as stdout:
        usage = run_measured(argv, env, COMMAND_TIMEOUT, stdout=stdout)
    m = measurement(label, usage, backend, server.requests, server.body_bytes_sent, latency)
    if m.completed:
        m.truth = check(out.read_text(errors="replace"))
    out.unlink()
    _print(m)
    return m


def bench_all_contexts(latency_ms: int, workdir: Path) -> list[Measurement]:
    """`audit --all-contexts` over CONTEXTS clusters (each its own server), beside `audit` of one of them."""
    from tests.harness.apiserver import ApiServer
    from tests.harness.kubeconfig import kubeconfig_dict, write_kubeconfig

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    backends = [CountingBackend(SyntheticCluster(CONTEXT_NODES, now=now, name=f"bench-{i}").store(),
                                latency=latency_ms / 1000, generated_at=now) for i in range(CONTEXTS)]
    servers = [ApiServer(b).start() for b in backends]
    try:
        document: dict[str, Any] = {}
        for i, server in enumerate(servers):
            one = kubeconfig_dict(server.url, server.ca_pem, context=f"cluster-{i}", cluster=f"cluster-{i}")
            if not document:
                document = one
            else:
                document["clusters"] += one["clusters"]
                document["contexts"] += one["contexts"]
        env = environment(workdir / "home-contexts")
        flags = ["--kubeconfig", str(write_kubeconfig(workdir / "home-contexts" / "kubeconfig", document))]
        arch = kubectl_arch()
        window = audit_flags(env)  # --window 0, as for audit above: a wait between two scrapes is not work
        runs = []
        print(f"--all-contexts: {CONTEXTS} clusters of {CONTEXT_NODES} nodes at {latency_ms} ms "
              f"(load average {load_average()})", flush=True)
        for label, argv in ((ONE_CONTEXT, [arch, "audit", "-o", "json", *window, "--context", "cluster-0"]),
                            (ALL_CONTEXTS, [arch, "audit", "-o", "json", *window, "--all-contexts"])):
            tries = []
            for _ in range(QUICK_RUNS):
                for backend in backends:
                    backend.reset()
                for server in servers:
                    server.clear_requests()
                serving = process_cpu_seconds()  # the servers are this process's threads
                usage = run_measured([*argv, *flags], env, COMMAND_TIMEOUT)
                m = measurement(label, usage, backends[0], [r for s in servers for r in s.requests],
                                sum(s.body_bytes_sent for s in servers), latency_ms)
                m.server_cpu_s = process_cpu_seconds() - serving
                _print(m)
                tries.append(m)
            runs.append(representative(tries))
        return runs
    finally:
        for server in servers:
            server.stop()


def process_cpu_seconds() -> float:
    """This process's CPU so far, user and system: every thread's, the test servers' included."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _print(m: Measurement) -> None:
    status = "ok" if m.completed else f"exit {m.usage.exit_code}: {m.usage.stderr_tail}"
    first = f"{m.first_request_s * 1000:5.0f} ms" if m.first_request_s is not None else "    - ms"
    print(f"  {m.latency_ms:3d} ms {m.command:<40} {m.usage.seconds:8.2f} s {m.usage.cpu_seconds:7.2f} s CPU "
          f"{m.usage.peak_rss_mb:7.0f} MB {m.requests:5d} req {m.round_trips:4d} deep {m.bytes_read / 1e6:8.1f} MB "
          f"first {first}  {status} {m.truth}", flush=True)


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
        # What kubectl itself costs before any plugin runs: a plugin that exits at once.
        baseline = Path(home) / "plugin-baseline"
        baseline.mkdir(exist_ok=True)
        script = baseline / "kubectl-baseline_plugin"
        script.write_text("#!/bin/sh\nexit 0\n")
        script.chmod(0o755)
        usages[KUBECTL_PLUGIN_BASELINE] = help_usage(
            [kubectl, "baseline-plugin"], {**env, "PATH": f"{baseline}{os.pathsep}{env['PATH']}"})
    return usages


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark kubectl-arch beside kubectl on synthetic clusters.")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated node counts (default: %(default)s)")
    parser.add_argument("--latencies", default=",".join(map(str, DEFAULT_LATENCIES_MS)),
                        help="comma-separated injected latencies in ms (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the Markdown report")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="measure only the commands whose label contains TEXT (repeatable), e.g. 'audit'")
    parser.add_argument("--no-contexts", action="store_true", help="skip the --all-contexts measurement")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    latencies = sorted(int(s) for s in args.latencies.split(",") if s.strip())
    started = dt.datetime.now(dt.timezone.utc)
    results: Results = {}
    loads: list[str] = []
    contexts: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="kubectl-arch-bench-") as tmp:
        workdir = Path(tmp)
        PRODUCT[:] = [install_product(workdir)]
        print(PRODUCT[0].how, flush=True)
        for nodes in sizes:
            loads.append(f"{nodes:,} nodes {load_average()}")
            results.update(bench_size(nodes, latencies, workdir, args.only))
        if not args.no_contexts:
            loads.append(f"--all-contexts {load_average()}")
            contexts = bench_all_contexts(max(latencies), workdir)
        usages = help_usages(tmp)
    loads.append(f"end {load_average()}")
    text = render(results, contexts, usages, started, loads, results_note, PRODUCT[0].how)
    args.output.write_text(text)
    print()
    print(text)
    return 0 if all(t.met for t in check_targets(results, contexts, usages)) else 1


if __name__ == "__main__":
    sys.exit(main())
