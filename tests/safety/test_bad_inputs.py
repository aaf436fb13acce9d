"""Unreadable is unknown, not absent; odd input files exit 2 with one line; odd data never crashes."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kubectl_arch.collect import snapshot
from kubectl_arch.collect.sample_source import Sample, SampleSource, load_sample
from kubectl_arch.collect.source import Response


@pytest.fixture
def sample(monkeypatch: pytest.MonkeyPatch) -> Sample:
    loaded = load_sample("kind-ha")
    monkeypatch.setattr(SampleSource, "named", classmethod(lambda _cls, _name: SampleSource(loaded)))
    return loaded


def test_unreadable_nodes_and_pods_are_unknown_never_zero(sample: Sample, run: Callable[..., tuple[int, str]]) -> None:
    sample.store.forbid(lambda path, _q: path in ("/api/v1/nodes", "/api/v1/namespaces/kube-system/pods"))
    code, text = run(["explain", "--sample", "kind-ha"])
    assert code == 0, text
    assert "Nodes (0)" not in text and "0 API servers" not in text and "not visible through the API" not in text
    assert "Nodes (?, forbidden, HTTP 403)" in text and "API servers: unknown (forbidden, HTTP 403)" in text
    rows = {line.split()[0]: line.split()[1] for line in text.splitlines() if line.startswith(("kube-", "etcd "))}
    assert rows["kube-apiserver"] == "?" and rows["etcd"] == "?", text
    document = json.loads(run(["explain", "--sample", "kind-ha", "-o", "json"])[1])
    assert document["nodesUnknown"] == "forbidden, HTTP 403"
    apiserver = next(c for c in document["components"] if c["name"] == "kube-apiserver")
    assert apiserver["unknown"] == "forbidden, HTTP 403" and apiserver["health"] == "unknown"


def test_node_objects_that_cannot_be_got_one_by_one_are_listed_whole(sample: Sample,
                                                                      run: Callable[..., tuple[int, str]]) -> None:
    """An account may list nodes and not get one (or a GET fails where the list worked): the control-plane and
    providerID nodes then went unread, and kind read as plain kubeadm with nothing said. The whole list serves."""
    sample.store.forbid(lambda path, _q: path.startswith("/api/v1/nodes/"))
    code, text = run(["explain", "--sample", "kind-ha"])
    assert code == 0, text
    assert text.splitlines()[0].startswith("Cluster v1.32.2 · kind ·"), text
    assert "providerID kind://" in text, text


def test_nodes_neither_got_nor_listed_whole_are_named_not_counted_as_ready_rows(
        sample: Sample, run: Callable[..., tuple[int, str]]) -> None:
    """"5 Ready nodes read as table rows" counted the control-plane rows whose whole read had failed as rows
    by choice, and said nothing of the failure."""
    sample.store.forbid(lambda path, query: path.startswith("/api/v1/nodes/")
                        or (path == "/api/v1/nodes" and "includeObject" not in (query or {})))
    code, text = run(["explain", "--sample", "kind-ha"])
    assert code == 0, text
    assert "  2 Ready nodes read as table rows" in text, text
    assert "3 nodes could not be read whole (kind-ha-control-plane, kind-ha-control-plane2, " \
           "kind-ha-control-plane3: forbidden" in text, text
    code, wide = run(["explain", "--sample", "kind-ha", "-o", "wide"])
    assert "-o wide reads them whole" not in wide and "the whole node list could not be read" in wide, wide
    taints = [line.split()[-1] for line in wide.split("Node details")[1].splitlines()[3:8]]
    assert taints == ["?"] * 5, wide  # not read: unknown, never "-" for none
    document = json.loads(run(["explain", "--sample", "kind-ha", "-o", "json"])[1])
    assert all(node["taints"] is None and node["pressure"] is None for node in document["nodes"]), document["nodes"]


def test_a_null_git_version_reads_unknown(sample: Sample, run: Callable[..., tuple[int, str]]) -> None:
    sample.store.set_raw("/version", Response(status=200, data={"gitVersion": None, "major": "1"}))
    _code, text = run(["audit", "--sample", "kind-ha"])
    assert "(None)" not in text and "(unknown)" in text.splitlines()[0], text


@pytest.mark.parametrize("document", [
    {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-20T09:00:00Z", "responses": []},
    {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-20T09:00:00Z", "responses": {"/x": 3}},
    {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-20T09:00:00Z", "credentials": [],
     "responses": {}},
    {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": 7, "responses": {}},
    # A capture time without a zone cannot be set against the server's (aware) timestamps.
    {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-20T09:00:00", "responses": {}},
    {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-20", "responses": {}},
    # A file that says reads failed, in a shape that cannot name them, must not replay as complete.
    {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-20T09:00:00Z", "responses": {},
     "incomplete": "nodes"},
    {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-20T09:00:00Z", "responses": {},
     "incomplete": {"nodes": ["forbidden"]}},
    [1, 2, 3],
])
def test_hand_crafted_snapshots_exit_2_with_one_line(document: object, tmp_path: Path,
                                                     run: Callable[..., tuple[int, str]]) -> None:
    path = tmp_path / "s.json.gz"
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    code, text = run(["audit", "--snapshot", str(path)])
    assert code == 2, text
    assert len(text.strip().splitlines()) == 1 and "snapshot" in text


def test_a_version_of_the_wrong_type_is_named_as_written(tmp_path: Path, run: Callable[..., tuple[int, str]]) -> None:
    """"has version 1; this kubectl-arch reads 1" contradicted itself: the file's "1" is a string."""
    path = tmp_path / "s.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"kind": "KubectlArchSnapshot", "version": "1",
                                               "capturedAt": "2026-11-20T09:00:00Z", "responses": {}}).encode()))
    code, text = run(["audit", "--snapshot", str(path)])
    assert code == 2 and 'has version "1"' in text, text


def test_odd_records_in_a_snapshot_are_failed_reads_not_crashes(tmp_path: Path,
                                                                run: Callable[..., tuple[int, str]]) -> None:
    document = {"kind": "KubectlArchSnapshot", "version": 1, "capturedAt": "2026-11-20T09:00:00Z",
                "responses": {"/version": {"status": "200", "data": {"gitVersion": ["v1"]}},
                              "/api/v1/nodes?limit=500": {"status": 200, "data": {"items": [1, None, "x", {"a": 1}]}},
                              "/readyz?verbose=true": {"status": 200, "text": 42}}}
    path = tmp_path / "s.json.gz"
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    for command in (["audit"], ["explain"], ["audit", "-o", "junit"]):
        code, text = run([*command, "--snapshot", str(path)])
        assert code in (0, 1), text


def test_a_snapshot_that_inflates_past_the_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          run: Callable[..., tuple[int, str]]) -> None:
    monkeypatch.setattr(snapshot, "MAX_SNAPSHOT_BYTES", 1024 * 1024)
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip.compress(b" " * (4 * 1024 * 1024)))  # 4 KiB on disk, 4 MiB inflated
    code, text = run(["explain", "--snapshot", str(path)])
    assert code == 2 and "inflates to more than 1 MiB" in text, text


def test_a_binary_config_exits_2_with_one_line(tmp_path: Path, run: Callable[..., tuple[int, str]]) -> None:
    config = tmp_path / "audit.yaml"
    config.write_bytes(bytes(range(256)) * 8)
    code, text = run(["audit", "--sample", "kind-ha", "--config", str(config)])
    assert code == 2, text
    assert len(text.strip().splitlines()) == 1 and "config" in text


def test_mistyped_fields_do_not_crash_explain_or_audit(sample: Sample, run: Callable[..., tuple[int, str]]) -> None:
    """leaseDurationSeconds "15s", node conditions that are not a list, a restart count that is a string."""
    for lease in sample.store.objects("Lease"):
        lease["spec"]["leaseDurationSeconds"] = "15s"
        lease["spec"]["holderIdentity"] = 7
    for node in sample.store.objects("Node"):
        node["status"]["conditions"] = "broken"
        node["spec"] = ["not", "a", "mapping"]
    for pod in sample.store.objects("Pod"):
        pod.setdefault("status", {})["containerStatuses"] = [{"restartCount": "many"}, "odd"]
    for command in (["explain"], ["explain", "-o", "json"], ["audit"], ["explain", "etcd"]):
        code, text = run([*command, "--sample", "kind-ha"])
        assert code in (0, 1), text
        assert "unexpected" not in text, text


def test_pathological_metrics_do_not_lose_the_other_results(sample: Sample,
                                                           run: Callable[..., tuple[int, str]]) -> None:
    """200,000 '[' served as /metrics once cost every result (RecursionError): now only the checks reading it."""
    sample.store.set_raw("/metrics", Response(status=200, text="[" * 200_000))
    code, text = run(["audit", "--sample", "kind-ha", "-o", "json"])
    assert code in (0, 1), text
    statuses = {c["check"]: c["status"] for c in json.loads(text)["checks"]}
    assert statuses["node-readiness"] == "pass"
    assert statuses["apiserver-overload"] in ("skip", "error")
