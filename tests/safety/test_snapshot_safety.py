"""Snapshots keep what the analysis reads and nothing secret, and say when a read failed."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubectl_arch.collect.sample_source import Sample, SampleSource, load_sample
from kubectl_arch.collect.source import Response

PLANTED = {
    "arg": "--api-key=PLANTED-ARG-1",
    "split": "PLANTED-SPLIT-2",
    "command": "export DB_PASSWORD=PLANTED-CMD-3 && ./serve",
    "bearer": "Authorization: Bearer PLANTED-BEARER-4",
    "dsn": "--dsn=postgres://app:PLANTED-DSN-5@db:5432/shop",
    "annotation": "PLANTED-ANNOTATION-6",
    "applied": "PLANTED-APPLIED-7",
    "configmap": "PLANTED-CONFIGMAP-8",
    "env": "PLANTED-ENV-9",
}


def _planted_pod() -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "leaky", "namespace": "shop", "uid": "u-leaky",
                     "creationTimestamp": "2026-11-20T08:00:00Z",
                     "annotations": {"team.example/db-password": PLANTED["annotation"],
                                     "kubectl.kubernetes.io/last-applied-configuration": PLANTED["applied"],
                                     "kubernetes.io/config.hash": "kept-hash"}},
        "spec": {"nodeName": "kind-ha-worker", "containers": [{
            "name": "app", "image": "example/app:1",
            "command": ["sh", "-c", PLANTED["command"]],
            "args": [PLANTED["arg"], "--password", PLANTED["split"], PLANTED["bearer"], PLANTED["dsn"], "--v=2"],
            "env": [{"name": "TOKEN", "value": PLANTED["env"]}]}]},
        "status": {"phase": "Running"},
    }


def _planted_configmap() -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "settings", "namespace": "shop", "uid": "u-cm"},
            "data": {"password": PLANTED["configmap"], "multi": "line\nwith \"quotes\" and ü"}}


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> Sample:
    sample = load_sample("kind-ha")  # a fresh copy: this test adds objects
    sample.store.add(_planted_pod())
    sample.store.add(_planted_configmap())
    monkeypatch.setattr(SampleSource, "named", classmethod(lambda _cls, _name: SampleSource(sample)))
    return sample



def _document(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def test_no_planted_secret_reaches_the_snapshot(planted: Sample, run: Callable[..., tuple[int, str]],
                                                tmp_path: Path) -> None:
    target = tmp_path / "s.json.gz"
    code, output = run(["snapshot", "-o", str(target), "--sample", "kind-ha", "--include-workloads"])
    assert code == 0, output
    text = _document(target)
    for field, secret in PLANTED.items():
        marker = secret.split("PLANTED-", 1)[1].split("@", 1)[0].split(" ", 1)[0]
        assert f"PLANTED-{marker}" not in text, f"the planted {field} secret is in the snapshot"
    assert "kept-hash" in text and "--v=2" in text and "--api-key=<redacted>" in text


def test_redacted_configmaps_keep_their_measured_size(planted: Sample, run: Callable[..., tuple[int, str]],
                                                      tmp_path: Path) -> None:
    target = tmp_path / "s.json.gz"
    run(["snapshot", "-o", str(target), "--sample", "kind-ha", "--include-workloads"])
    live = run(["audit", "--sample", "kind-ha", "--include-workloads", "-o", "json"])[1]
    replay = run(["audit", "--snapshot", str(target), "--include-workloads", "-o", "json"])[1]

    def sizes(document: str) -> list[Any]:
        return [f["evidence"] for f in json.loads(document)["findings"] if f["check"] == "large-configmaps"]

    assert sizes(live) == sizes(replay)


def test_a_failed_read_marks_the_snapshot_incomplete_and_replays_say_so(
        planted: Sample, run: Callable[..., tuple[int, str]], tmp_path: Path) -> None:
    planted.store.set_raw("/api/v1/services", Response(status=503, error="etcdserver: request timed out"),
                          {"limit": "1"})
    planted.store.forbid(lambda path, _q: path.startswith("/apis/admissionregistration.k8s.io/"))
    target = tmp_path / "s.json.gz"

    code, output = run(["snapshot", "-o", str(target), "--sample", "kind-ha"])

    assert code == 1, output
    assert "incomplete" in output and "HTTP 403" in output and "etcdserver: request timed out" in output
    assert json.loads(_document(target))["incomplete"]
    code, replay = run(["audit", "--snapshot", str(target)])
    assert re.search(r"incomplete: \d+ read\(s\) failed when it was taken", " ".join(replay.split())), replay
    assert "unreadable:" in replay and "etcdserver: request timed out" in replay
    document = json.loads(run(["audit", "--snapshot", str(target), "-o", "json"])[1])
    assert document["unreadable"] and {c["check"]: c["status"] for c in document["checks"]}["kube-proxy-mode"] \
        in ("skip", "warn", "fail")


def test_a_lock_configmap_read_by_name_outside_kube_system_keeps_its_leader_record_not_its_data() -> None:
    from kubectl_arch.collect.snapshot import redact_object

    record = '{"holderIdentity":"master-0_1"}'
    lock = {"kind": "ConfigMap", "metadata": {"name": "kube-scheduler", "namespace": "openshift-kube-scheduler",
                                              "annotations": {"control-plane.alpha.kubernetes.io/leader": record}},
            "data": {"note": PLANTED["configmap"]}}
    kept = redact_object(lock)
    assert PLANTED["configmap"] not in json.dumps(kept)
    assert kept["metadata"]["annotations"]["control-plane.alpha.kubernetes.io/leader"] == record
    in_kube_system = {**lock, "metadata": {**lock["metadata"], "namespace": "kube-system"},
                      "data": {"config.conf": "mode: ipvs"}}
    assert redact_object(in_kube_system)["data"] == {"config.conf": "mode: ipvs"}  # what the analysis reads


def test_a_failed_reads_server_message_is_shown_not_obeyed(
        planted: Sample, run: Callable[..., tuple[int, str]], tmp_path: Path) -> None:
    """The server's words in a failed read (a proxy's or an aggregated API's body) are cluster text too."""
    planted.store.set_raw("/api/v1/services", Response(status=503, error="busy\x1b]0;pwned\x07\x1b[2J now"),
                          {"limit": "1"})
    code, output = run(["snapshot", "-o", str(tmp_path / "s.json.gz"), "--sample", "kind-ha"])
    assert code == 1, output
    assert "busy^[]0;pwned^G^[[2J now" in output and "\x1b" not in output and "\x07" not in output
