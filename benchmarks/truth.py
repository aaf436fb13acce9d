"""Whether a command's answer is right, not only fast: its findings against the generator's truth.

The synthetic cluster knows which nodes it made NotReady, which run an old kubelet and which report
DiskPressure (``SyntheticCluster.truth``). A fast wrong answer fails here: explain must count every node,
list exactly the NotReady ones and count the node components ready on the rest; audit must fail exactly
the NotReady and old-kubelet nodes and warn about exactly the nodes under pressure. Real kubectl checks the
served data once per size (counts, no duplicates), so the generator and the reader cannot share a mistake unseen.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence

from benchmarks.generate import KUBERNETES_VERSION, OLD_KUBELET, SyntheticCluster

NODES_HEADER = re.compile(r"^Nodes \((\d+)\)$")


def check_explain(text: str, cluster: SyntheticCluster) -> str:
    """"ok", or what explain's terminal view got wrong about the nodes."""
    truth = cluster.truth()
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if NODES_HEADER.match(line.strip())), None)
    if header is None:
        return "no Nodes section"
    count = int(NODES_HEADER.match(lines[header].strip()).group(1))  # type: ignore[union-attr]
    rows = []
    for line in lines[header + 3:]:  # title, column header, rule
        if not line.strip() or line.startswith("  "):
            break
        rows.append(line.split())
    names = [row[0] for row in rows if not row[0].startswith("(")]
    # A big cluster's alike Ready nodes come as "(N more)" rows: they count, they list no names.
    grouped = sum(int(row[0][1:].replace(",", "")) for row in rows if row[0].startswith("(") and row[1] == "more)")
    problems = []
    if count != cluster.nodes or len(names) + grouped != cluster.nodes:
        problems.append(f"{count} nodes in the title and {len(names) + grouped} in the rows, not {cluster.nodes}")
    if len(set(names)) != len(names):
        problems.append("duplicate node rows")
    not_ready = {row[0] for row in rows if "NotReady" in row}
    if not_ready != truth["not_ready"]:
        problems.append(f"NotReady {sorted(not_ready)[:5]} instead of {sorted(truth['not_ready'])[:5]}")
    # A node's kubelet, its DaemonSets' pods (marked not Ready by the node controller) and so its network are down
    # on each NotReady node: each row counts the rest, whether it reads the DaemonSet's status or the pods.
    ready = f"{cluster.nodes - len(truth['not_ready'])}/{cluster.nodes}"
    for component in ("kubelet", "kube-proxy", "cni"):
        row = next((line.split() for line in lines if line.split()[:1] == [component]), None)
        if row is None or len(row) < 2 or row[1].replace(",", "") != ready:
            problems.append(f"{component} {row[1] if row and len(row) > 1 else 'missing'} ready instead of {ready}")
    versions = {word for row in rows for word in row if word.startswith("v1.")}
    expected = {KUBERNETES_VERSION} | ({OLD_KUBELET} if truth["old_kubelet"] else set())
    if versions != expected:
        problems.append(f"kubelet versions {sorted(versions)} instead of {sorted(expected)}")
    return "; ".join(problems) or "ok"


def check_audit(text: str, cluster: SyntheticCluster) -> str:
    """"ok", or what audit's JSON got wrong about the nodes."""
    try:
        document = json.loads(text)
    except ValueError:
        return "the output is not JSON"
    truth = cluster.truth()
    findings = document.get("findings") or []

    def objects(check: str, status: str) -> set[str]:
        return {str(f.get("object", "")).removeprefix("node/") for f in findings
                if f.get("check") == check and f.get("status") == status}

    problems = []
    for label, got, want in (("node-readiness fail", objects("node-readiness", "fail"), truth["not_ready"]),
                             ("node-readiness warn", objects("node-readiness", "warn"), truth["disk_pressure"]),
                             ("kubelet-version-skew fail", objects("kubelet-version-skew", "fail"),
                              truth["old_kubelet"])):
        if got != want:
            problems.append(f"{label}: {len(got)} nodes ({sorted(got)[:3]}) instead of {len(want)} "
                            f"({sorted(want)[:3]})")
    return "; ".join(problems) or "ok"


CHECKERS = {"kubectl-arch explain": check_explain, "kubectl-arch audit": check_audit}


def check_with_kubectl(kubectl_flags: Sequence[str], cluster: SyntheticCluster, env: Mapping[str, str]) -> str:
    """Real kubectl lists the served nodes and namespaces: the counts are the generator's, with no duplicates."""
    kubectl = shutil.which("kubectl")
    if not kubectl:
        return "kubectl is not installed: the served data was not checked independently"
    problems = []
    for resource, expected in (("nodes", cluster.nodes), ("namespaces", len(cluster.namespaces) + 4)):
        done = subprocess.run([kubectl, "get", resource, "-o", "name", *kubectl_flags], capture_output=True,
                              text=True, env=dict(env), check=False, timeout=3_600)
        names = done.stdout.split()
        if done.returncode != 0:
            problems.append(f"kubectl get {resource} failed: {done.stderr.strip()[:200]}")
        elif len(names) != expected or len(set(names)) != len(names):
            problems.append(f"kubectl listed {len(names)} {resource} ({len(set(names))} distinct), "
                            f"the generator made {expected}")
    return "; ".join(problems) or f"ok: kubectl lists {cluster.nodes:,} nodes and {len(cluster.namespaces) + 4} " \
                                   "namespaces, no duplicates"
